import { catalogError, type ErrorCatalog } from "../../platform/index.ts";

export interface Agency {
  readonly id: string;
  readonly name: string;
  readonly timeZone: string;
  /** Web origins (scheme, host, port) allowed to embed hosted fields and call the vault. */
  readonly allowedOrigins: readonly string[];
  /** The same card, account and amount again within this many seconds is a duplicate (0: never). */
  readonly duplicateWindowSeconds: number;
  readonly createdAt: Date;
}

export const agencyErrors = {
  agency_not_found: { status: 404, title: "No such agency", retryable: false },
  invalid_time_zone: { status: 400, title: "Not an IANA time zone", retryable: false },
  invalid_origin: { status: 400, title: "Not a web origin", retryable: false },
  invalid_duplicate_window: { status: 400, title: "The duplicate window is 0 to 86,400 seconds", retryable: false },
  invalid_agency_name: { status: 400, title: "The agency name is missing or too long", retryable: false },
} as const satisfies ErrorCatalog;

export const agencyError = catalogError(agencyErrors);

export const agencyNameLengthMax = 200;

export function validateAgencyName(name: string): string {
  const trimmed = name.trim();
  if (trimmed === "" || trimmed.length > agencyNameLengthMax) {
    throw agencyError("invalid_agency_name", `An agency name has 1 to ${agencyNameLengthMax} characters`, "name");
  }
  return trimmed;
}

export function validateTimeZone(timeZone: string): string {
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone }).resolvedOptions().timeZone;
  } catch {
    throw agencyError("invalid_time_zone", `"${timeZone}" is not an IANA time zone such as America/Chicago`, "time_zone");
  }
}

/** An origin is `scheme://host[:port]` with nothing after it, as browsers send in `Origin`. */
export function validateOrigin(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw agencyError("invalid_origin", `"${text}" is not a URL; give an origin such as https://pay.example.gov`, "origin");
  }
  const bare = text.replace(/\/$/, "");
  if ((url.protocol !== "https:" && url.protocol !== "http:") || url.origin !== bare) {
    throw agencyError(
      "invalid_origin",
      `"${text}" is not an origin: give scheme, host and port only, such as https://pay.example.gov`,
      "origin",
    );
  }
  return url.origin;
}

export function validateDuplicateWindow(seconds: number): number {
  if (!Number.isSafeInteger(seconds) || seconds < 0 || seconds > 86_400) {
    throw agencyError("invalid_duplicate_window", `The duplicate window is 0 to 86400 seconds, not ${seconds}`, "duplicate_window_seconds");
  }
  return seconds;
}
