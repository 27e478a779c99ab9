import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { Temporal } from "temporal-polyfill";
import {
  type PropertyClass,
  type Quote,
  type QuoteInput,
  quote,
  quoteWith,
  type RuleSetId,
  ruleSetIds,
  ruleSets,
  rulesErrors,
  texasRuleSet,
} from "./index.ts";
import { remitError } from "./test-helpers.ts";

const numRuns = Number(process.env.RULES_PROPERTY_RUNS ?? 500);

const valid: QuoteInput = { rules: "TX", amountCents: 250_000, taxYear: 2025, asOf: "2026-02-15" };

describe("quote input", () => {
  test("an unknown rule set is refused with unknown_rule_set", () => {
    assert.throws(() => quote({ ...valid, rules: "NY" as RuleSetId }), remitError("unknown_rule_set", "rules"));
  });

  test("amounts that are not whole, non-negative cents are refused", () => {
    for (const amountCents of [-1, 1.5, Number.NaN, 1e16, "100" as unknown as number]) {
      assert.throws(() => quote({ ...valid, amountCents }), remitError("invalid_quote_input", "amount_cents"), String(amountCents));
    }
  });

  test("dates that are not real YYYY-MM-DD days are refused", () => {
    for (const asOf of ["2026-02-30", "2026-2-15", "15/02/2026", "2026-02-15T00:00", ""]) {
      assert.throws(() => quote({ ...valid, asOf }), remitError("invalid_quote_input", "as_of"), asOf);
    }
  });

  test("an installment the rule set does not have is refused", () => {
    assert.throws(() => quote({ ...valid, installment: 3 }), remitError("invalid_quote_input", "installment"));
    assert.throws(() => quote({ ...valid, installment: 0 }), remitError("invalid_quote_input", "installment"));
  });

  test("a tax year outside the supported range and an unknown property class are refused", () => {
    assert.throws(() => quote({ ...valid, taxYear: 1850 }), remitError("invalid_quote_input", "tax_year"));
    assert.throws(() => quote({ ...valid, taxYear: 2025.5 }), remitError("invalid_quote_input", "tax_year"));
    assert.throws(
      () => quote({ ...valid, rules: "WA", propertyClass: "farm" as PropertyClass }),
      remitError("invalid_quote_input", "property_class"),
    );
  });

  test("every rules error code is snake_case with a 4xx status", () => {
    for (const [code, spec] of Object.entries(rulesErrors)) {
      assert.match(code, /^[a-z]+(_[a-z]+)*$/);
      assert.ok(spec.status >= 400 && spec.status < 500, code);
    }
  });

  test("the rule set ids are exactly the five, each with its rule set", () => {
    assert.deepEqual([...ruleSetIds], ["TX", "CA", "IL-COOK", "FL", "WA"]);
    for (const id of ruleSetIds) assert.equal(ruleSets[id].id, id);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties over every rule set.

const dayOf = (taxYear: number, offsetDays: number) =>
  Temporal.PlainDate.from({ year: taxYear, month: 1, day: 1 }).add({ days: offsetDays });

/** A bill any rule set accepts, and two as-of dates from a year before the tax year to four after it. */
const billAndDates = fc
  .record({
    rules: fc.constantFrom(...ruleSetIds),
    amountCents: fc.oneof(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 0, max: 9_999_999_999_999 })),
    taxYear: fc.integer({ min: 2005, max: 2030 }),
    installmentPick: fc.integer({ min: 0, max: 2 }),
    propertyClass: fc.constantFrom<PropertyClass | undefined>("residential", "nonresidential", undefined),
    firstOffset: fc.integer({ min: -365, max: 5 * 365 }),
    laterBy: fc.integer({ min: 0, max: 800 }),
  })
  .map((drawn) => {
    const ruleSet = ruleSets[drawn.rules];
    const choices: (number | undefined)[] = ruleSet.installmentRequired ? [...ruleSet.installments] : [undefined, ...ruleSet.installments];
    const installment = choices[drawn.installmentPick % choices.length];
    const first = dayOf(drawn.taxYear, drawn.firstOffset);
    const later = first.add({ days: drawn.laterBy });
    const input: QuoteInput = {
      rules: drawn.rules,
      amountCents: drawn.amountCents,
      taxYear: drawn.taxYear,
      installment,
      propertyClass: drawn.propertyClass,
      asOf: first.toString(),
    };
    return { input, later: later.toString() };
  });

const chargesOf = (result: Quote) => result.components.penaltyCents + result.components.interestCents + result.components.feesCents;

describe("quote properties", () => {
  test("the total is always tax + penalty + interest + fees − discount, every component whole non-negative cents", () => {
    fc.assert(
      fc.property(billAndDates, ({ input, later }) => {
        for (const asOf of [input.asOf, later]) {
          const result = quote({ ...input, asOf });
          const { taxCents, penaltyCents, interestCents, feesCents, discountCents } = result.components;
          for (const cents of [taxCents, penaltyCents, interestCents, feesCents, discountCents, result.totalCents]) {
            assert.ok(Number.isSafeInteger(cents) && cents >= 0, `${cents}`);
          }
          assert.equal(result.totalCents, taxCents + penaltyCents + interestCents + feesCents - discountCents);
          assert.equal(taxCents, input.amountCents);
          assert.equal(result.delinquent, asOf > result.dueDate && input.amountCents > 0);
        }
      }),
      { numRuns },
    );
  });

  test("penalty, interest and fees never fall as the as-of date moves later — except Washington residential across 2023", () => {
    // Washington charges interest at the rate in force at payment (government-rules.md §1), and the
    // residential rate fell from 12% to 9% on Jan 1, 2023: a payment that crosses that day can owe
    // less. Every other rule set, and Washington on either side of that day, never decreases.
    fc.assert(
      fc.property(billAndDates, ({ input, later }) => {
        const crossesWashingtonRateCut =
          input.rules === "WA" && input.propertyClass !== "nonresidential" && input.asOf < "2023-01-01" && later >= "2023-01-01";
        fc.pre(!crossesWashingtonRateCut);
        assert.ok(chargesOf(quote({ ...input, asOf: later })) >= chargesOf(quote(input)));
      }),
      { numRuns },
    );
  });

  test("Florida's discount only shrinks as the as-of date moves later, so its total only grows", () => {
    fc.assert(
      fc.property(
        billAndDates.filter(({ input }) => input.rules === "FL"),
        ({ input, later }) => {
          const earlier = quote(input);
          const then = quote({ ...input, asOf: later });
          assert.ok(then.components.discountCents <= earlier.components.discountCents);
          assert.ok(then.totalCents >= earlier.totalCents);
        },
      ),
      { numRuns: Math.ceil(numRuns / 2) },
    );
  });

  test("rounding is a per-rule-set setting: down ≤ half-up ≤ up, each within a cent", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 0, max: 900 }),
        fc.integer({ min: 0, max: 1500 }),
        (amountCents, offsetDays, contractBp) => {
          const asOf = dayOf(2026, offsetDays).toString();
          const under = (rounding: "down" | "half_up" | "up") =>
            quoteWith(texasRuleSet({ rounding, collectionPenaltyBp: contractBp }), { amountCents, taxYear: 2025, asOf }).components;
          const [down, halfUp, up] = [under("down"), under("half_up"), under("up")];
          for (const key of ["penaltyCents", "interestCents"] as const) {
            assert.ok(down[key] <= halfUp[key] && halfUp[key] <= up[key] && up[key] - down[key] <= 1);
          }
        },
      ),
      { numRuns },
    );
  });
});
