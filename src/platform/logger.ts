import { Writable } from "node:stream";
import pino from "pino";

export type Logger = pino.Logger;

/**
 * A run of 9 to 19 digits, alone or in groups split by single spaces or dashes, the shape of a
 * card number, bank account number or social security number. Nothing Remit logs on purpose
 * has that shape (times are ISO strings, amounts below $10M are shorter), so every such run is
 * masked, whatever field or message it hides in.
 */
const longNumber = /(?<![\dA-Za-z.])\d(?:[ -]?\d){8,18}(?![\dA-Za-z])/g;

export function maskSensitiveText(text: string): string {
  return text.replace(longNumber, "[redacted number]");
}

/** Paths whose values are secrets however they look. */
const secretPaths = [
  "req.headers.authorization",
  "req.headers.cookie",
  'req.headers["idempotency-key"]',
  "headers.authorization",
  "*.password",
  "*.secret",
  "*.api_key",
  "*.number",
  "*.card_number",
  "*.cvc",
  "*.account_number",
  "*.routing_number",
];

/**
 * pino with two layers of redaction: named secret paths are censored, and then every finished
 * line passes through `maskSensitiveText`, so a card number pasted into a free-text field or an
 * error message is masked too.
 */
export function createLogger(options: { level?: string; destination?: (line: string) => void; name?: string } = {}): Logger {
  const write = options.destination ?? ((line: string) => process.stdout.write(line));
  const masking = new Writable({
    write(chunk: Buffer, _encoding, done) {
      write(maskSensitiveText(chunk.toString("utf8")));
      done();
    },
  });
  return pino(
    {
      level: options.level ?? "info",
      ...(options.name ? { name: options.name } : {}),
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: secretPaths, censor: "[redacted]" },
    },
    masking,
  );
}
