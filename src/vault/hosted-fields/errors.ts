import { catalogError, type ErrorCatalog } from "../../platform/index.ts";

export const hostedFieldErrors = {
  origin_not_registered: { status: 403, title: "The page's origin is not registered for this agency", retryable: false },
} as const satisfies ErrorCatalog;

export const hostedFieldError = catalogError(hostedFieldErrors);
