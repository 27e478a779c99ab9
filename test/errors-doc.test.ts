import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { test } from "node:test";
import { errorCatalogs } from "../src/api/index.ts";

const page = await readFile(new URL("../docs/errors.md", import.meta.url), "utf8");
const documented = new Map(
  [...page.matchAll(/^\| `([a-z_]+)` \| (\d{3}) \| (yes|no) \|/gm)].map((m) => [
    String(m[1]),
    { status: Number(m[2]), retryable: m[3] === "yes" },
  ]),
);

test("every error code is documented in docs/errors.md with its status and retryability", () => {
  for (const catalog of Object.values(errorCatalogs)) {
    for (const [code, spec] of Object.entries(catalog)) {
      assert.deepEqual(documented.get(code), { status: spec.status, retryable: spec.retryable }, `docs/errors.md row for ${code}`);
    }
  }
});

test("docs/errors.md documents no code that does not exist", () => {
  const known = new Set(Object.values(errorCatalogs).flatMap((catalog) => Object.keys(catalog)));
  for (const code of documented.keys()) assert.ok(known.has(code), `${code} is documented but not in any catalog`);
});

test("no code appears in two catalogs", () => {
  const all = Object.values(errorCatalogs).flatMap((catalog) => Object.keys(catalog));
  assert.equal(new Set(all).size, all.length);
});
