import assert from "node:assert/strict";
import { test } from "node:test";
import { createLogger, maskSensitiveText } from "./logger.ts";

function capture() {
  const lines: string[] = [];
  const logger = createLogger({ destination: (line) => lines.push(line) });
  return { logger, text: () => lines.join("") };
}

test("card and account numbers are masked wherever they appear in a log line", () => {
  const { logger, text } = capture();
  logger.info({ note: "paid with 4242 4242 4242 4242", nested: { deep: ["acct 000123456789"] } }, "card 5555-5555-5555-4444 ok");
  logger.error({ err: new Error("declined 378282246310005") }, "failed");
  const out = text();
  for (const secret of ["4242 4242 4242 4242", "5555-5555-5555-4444", "000123456789", "378282246310005"]) {
    assert.ok(!out.includes(secret), `${secret} leaked`);
  }
  assert.ok(out.includes("[redacted number]"));
});

test("authorization headers and named secret fields are censored", () => {
  const { logger, text } = capture();
  logger.info({ req: { headers: { authorization: "Bearer rk_test_abc" } }, body: { cvc: "123", secret: "s3cr3t" } }, "request");
  const out = text();
  assert.ok(!out.includes("rk_test_abc"));
  assert.ok(!out.includes("s3cr3t"));
  assert.ok(!out.includes('"123"'));
});

test("times, short numbers and decimals pass through unmasked", () => {
  assert.equal(
    maskSensitiveText('{"time":"2026-11-22T10:00:00.123Z","ms":12.345678901,"n":12345678}'),
    '{"time":"2026-11-22T10:00:00.123Z","ms":12.345678901,"n":12345678}',
  );
  assert.equal(maskSensitiveText("id agy_123456789012345abc"), "id agy_123456789012345abc");
});
