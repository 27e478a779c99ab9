/**
 * Typed errors with stable codes. Each capability declares one catalog; `catalogError` builds
 * errors from it, and the HTTP layer turns any `RemitError` into application/problem+json.
 */
export interface ErrorSpec {
  readonly status: number;
  readonly title: string;
  readonly retryable: boolean;
}

export type ErrorCatalog = Readonly<Record<string, ErrorSpec>>;

export class RemitError extends Error {
  readonly code: string;
  readonly status: number;
  readonly title: string;
  readonly retryable: boolean;
  readonly param: string | undefined;
  /** The transaction the error is about, when one was recorded (a decline) or found (a duplicate). */
  readonly transactionId: string | undefined;

  constructor(code: string, spec: ErrorSpec, detail: string, param?: string, transactionId?: string) {
    super(detail);
    this.name = "RemitError";
    this.code = code;
    this.status = spec.status;
    this.title = spec.title;
    this.retryable = spec.retryable;
    this.param = param;
    this.transactionId = transactionId;
  }
}

/** Returns a constructor for the errors of one catalog: `ledgerError("account_not_found", "…")`. */
export function catalogError<C extends ErrorCatalog>(catalog: C) {
  return (code: keyof C & string, detail: string, param?: string, transactionId?: string): RemitError =>
    new RemitError(code, catalog[code] as ErrorSpec, detail, param, transactionId);
}

/** Errors any capability may raise: request validation, authentication, limits. */
export const platformErrors = {
  invalid_request: { status: 400, title: "The request is not valid", retryable: false },
  not_found: { status: 404, title: "No such resource", retryable: false },
  authentication_required: { status: 401, title: "An API key is required", retryable: false },
  invalid_api_key: { status: 401, title: "The API key is not valid", retryable: false },
  api_key_revoked: { status: 401, title: "The API key was revoked", retryable: false },
  wrong_key_kind: { status: 403, title: "This key cannot be used here", retryable: false },
  idempotency_key_missing: { status: 400, title: "An Idempotency-Key header is required on POST", retryable: false },
  idempotency_key_reused: { status: 422, title: "This Idempotency-Key was used with a different request", retryable: false },
  idempotency_key_in_flight: { status: 409, title: "A request with this Idempotency-Key is still running", retryable: true },
  duplicate_transaction: { status: 409, title: "The same payment was made moments ago", retryable: false },
  service_unavailable: { status: 503, title: "The service is not ready", retryable: true },
  internal_error: { status: 500, title: "Something went wrong on our side", retryable: true },
} as const satisfies ErrorCatalog;

export const platformError = catalogError(platformErrors);
