import { catalogError, type ErrorCatalog } from "../../platform/index.ts";

/**
 * Errors of the processor connector. Declines, refusals and unknown outcomes are values in the
 * port's results; only an inquiry or a report that gets no answer is an error.
 */
export const processorErrors = {
  processor_timeout: { status: 504, title: "The card processor did not answer in time", retryable: true },
} as const satisfies ErrorCatalog;

export const processorError = catalogError(processorErrors);
