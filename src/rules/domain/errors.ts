import { catalogError, type ErrorCatalog } from "../../platform/index.ts";

/** The rules capability's error codes. Each names the offending field in `param` (snake_case, as on the wire). */
export const rulesErrors = {
  unknown_rule_set: { status: 400, title: "No rule set has this id", retryable: false },
  invalid_quote_input: { status: 400, title: "The quote request is not valid", retryable: false },
  invalid_payment_input: { status: 400, title: "The payment to apply is not valid", retryable: false },
  invalid_waterfall: { status: 400, title: "The court waterfall is not valid", retryable: false },
  no_waterfall_version: {
    status: 422,
    title: "No version of the court waterfall was in force on the assessment date",
    retryable: false,
  },
} as const satisfies ErrorCatalog;

export type RulesErrorCode = keyof typeof rulesErrors;
export const rulesError = catalogError(rulesErrors);
