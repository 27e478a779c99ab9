import assert from "node:assert/strict";
import { test } from "node:test";
import { framePagePolicy, refusedFramePolicy } from "./frame-policy.ts";

const scriptSource = "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='";

test("a field page allows its hashed script and the vault's stylesheet, and no network", () => {
  assert.equal(
    framePagePolicy({ scriptSource, styles: true, connect: false, ancestors: ["https://pay.example.gov", "http://localhost:3000"] }),
    `default-src 'none'; script-src ${scriptSource}; style-src 'self'; base-uri 'none'; form-action 'none'; ` +
      "require-trusted-types-for 'script'; frame-ancestors https://pay.example.gov http://localhost:3000",
  );
});

test("the coordinator may connect to the vault, and with no registered origin nobody may frame it", () => {
  const policy = framePagePolicy({ scriptSource, styles: false, connect: true, ancestors: [] });
  assert.match(policy, /; connect-src 'self';/);
  assert.doesNotMatch(policy, /style-src/);
  assert.match(policy, /frame-ancestors 'none'$/);
  assert.match(refusedFramePolicy, /frame-ancestors 'none'/);
});

test("an origin or script source that could add directives of its own is a bug, not a policy", () => {
  const ancestors = ["https://pay.example.gov; script-src *"];
  assert.throws(() => framePagePolicy({ scriptSource, styles: true, connect: false, ancestors }), /not an origin/);
  assert.throws(() => framePagePolicy({ scriptSource: "'unsafe-inline'", styles: true, connect: false, ancestors: [] }), /must be a hash/);
});
