import { catalogError, type ErrorCatalog, type platformErrors } from "../src/platform/index.ts";

/**
 * The reference system of record's own error codes. Answers are problem+json with a stable
 * `code` and a `detail`; the platform's `invalid_request`, `not_found`, `service_unavailable`
 * (fault injection) and `internal_error` complete the list.
 */
export const sorErrors = {
  account_not_found: { status: 404, title: "No such account", retryable: false },
  payment_not_found: { status: 404, title: "No such payment", retryable: false },
  payment_id_reused: { status: 409, title: "This payment_id was used for a different payment", retryable: false },
  invalid_posting_file: { status: 400, title: "The posting file cannot be read", retryable: false },
} as const satisfies ErrorCatalog;

export const sorError = catalogError(sorErrors);

/** Every code the reference SOR can answer with, for the OpenAPI document and the README. */
export const sorErrorCodes = [
  ...Object.keys(sorErrors),
  ...([
    "invalid_request",
    "not_found",
    "service_unavailable",
    "internal_error",
  ] as const satisfies readonly (keyof typeof platformErrors)[]),
];

/** Codes a posting-file row can be rejected with. */
export const postingRowCodes = ["invalid_row", "account_not_found", "payment_id_reused"] as const;
export type PostingRowCode = (typeof postingRowCodes)[number];
