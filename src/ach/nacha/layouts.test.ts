import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { nachaErrors } from "./errors.ts";
import { allLayouts } from "./layouts.ts";

describe("NACHA record layouts", () => {
  for (const [name, layout] of Object.entries(allLayouts)) {
    test(`${name} covers positions 1 to 94 exactly once, in order`, () => {
      let next = 1;
      for (const field of layout) {
        assert.equal(field.start, next, `${name}.${field.name || field.kind} starts at ${field.start}, not ${next}`);
        assert.ok(field.end >= field.start, `${name}.${field.name} ends before it starts`);
        if (field.kind === "constant" || field.kind === "tag") assert.equal(field.value?.length, field.end - field.start + 1);
        next = field.end + 1;
      }
      assert.equal(next, 95);
    });
  }

  test("field names are snake_case and unique within each layout", () => {
    for (const [name, layout] of Object.entries(allLayouts)) {
      const names = layout.filter((field) => field.name !== "").map((field) => field.name);
      assert.equal(new Set(names).size, names.length, `${name} repeats a field name`);
      for (const field of names) assert.match(field, /^[a-z][a-z0-9_]*$/, `${name}.${field}`);
    }
  });
});

describe("the NACHA error catalog", () => {
  test("every code is snake_case under nacha_, a 422 that is not worth retrying", () => {
    for (const [code, spec] of Object.entries(nachaErrors)) {
      assert.match(code, /^nacha_[a-z0-9_]+$/);
      assert.equal(spec.status, 422, code);
      assert.equal(spec.retryable, false, code);
      assert.ok(spec.title.length > 0, code);
    }
  });
});
