import assert from "node:assert/strict";

/**
 * Money for the rules: integer cents, rates as exact ratios (most often basis points), and every
 * rounding named. Products are taken in BigInt, so a rate never passes through a float and a large
 * amount times a large rate stays exact.
 */

/**
 * How a fraction of a cent becomes a whole cent. No statute we hold says how to round (see
 * government-rules.md §1), so each rule set names its choice; the default is `half_up`.
 * All amounts here are non-negative, so `half_up` rounds halves away from zero.
 */
export type Rounding = "half_up" | "half_even" | "down" | "up";
export const roundings: readonly Rounding[] = ["half_up", "half_even", "down", "up"];

/** An exact non-negative rate: numerator ÷ denominator, both integers. */
export interface Ratio {
  readonly numerator: number;
  readonly denominator: number;
}

/** One cent short of $100 billion, as in the ledger: far above any real bill, far below 2^53. */
export const amountCentsMax = 9_999_999_999_999;

export function isCents(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0 && value <= amountCentsMax;
}

export function isRatio(value: Ratio): boolean {
  return Number.isSafeInteger(value.numerator) && Number.isSafeInteger(value.denominator) && value.numerator >= 0 && value.denominator > 0;
}

/** numerator ÷ denominator, for a non-negative numerator and a positive denominator, rounded as named. */
export function divideRounded(numerator: bigint, denominator: bigint, rounding: Rounding): bigint {
  assert.ok(numerator >= 0n && denominator > 0n, "divideRounded takes a non-negative numerator and a positive denominator");
  const quotient = numerator / denominator;
  const twiceRemainder = (numerator % denominator) * 2n;
  if (twiceRemainder === 0n) return quotient;
  switch (rounding) {
    case "down":
      return quotient;
    case "up":
      return quotient + 1n;
    case "half_up":
      return twiceRemainder >= denominator ? quotient + 1n : quotient;
    case "half_even":
      if (twiceRemainder !== denominator) return twiceRemainder > denominator ? quotient + 1n : quotient;
      return quotient % 2n === 0n ? quotient : quotient + 1n;
  }
}

/** amountCents × rate, rounded as named. */
export function applyRatio(amountCents: number, rate: Ratio, rounding: Rounding): number {
  const result = divideRounded(BigInt(amountCents) * BigInt(rate.numerator), BigInt(rate.denominator), rounding);
  return toSafeCents(result);
}

/** amountCents × rateBp / 10,000 (basis points: 600 is 6%), rounded as named. */
export function percentOf(amountCents: number, rateBp: number, rounding: Rounding): number {
  return applyRatio(amountCents, { numerator: rateBp, denominator: 10_000 }, rounding);
}

/**
 * Splits `totalCents` in proportion to `weights` by the largest-remainder method: every part is the
 * exact share rounded down, and the cents left over go one each to the parts with the largest
 * fractional remainders (the earlier part on a tie). So the parts always sum to the total and each
 * differs from its exact share by less than one cent.
 */
export function prorate(totalCents: number, weights: readonly number[]): number[] {
  assert.ok(Number.isSafeInteger(totalCents) && totalCents >= 0, "prorate takes whole, non-negative cents");
  assert.ok(
    weights.every((weight) => Number.isSafeInteger(weight) && weight >= 0),
    "prorate takes whole, non-negative weights",
  );
  const weightSum = weights.reduce((sum, weight) => sum + BigInt(weight), 0n);
  if (totalCents === 0) return weights.map(() => 0);
  assert.ok(weightSum > 0n, "prorate cannot split a positive amount across weights that are all zero");
  const total = BigInt(totalCents);
  const floors = weights.map((weight) => (total * BigInt(weight)) / weightSum);
  const remainders = weights.map((weight) => (total * BigInt(weight)) % weightSum);
  let leftOver = Number(total - floors.reduce((sum, part) => sum + part, 0n));
  const byRemainder = weights
    .map((_, index) => index)
    .sort((a, b) => {
      const difference = (remainders[b] as bigint) - (remainders[a] as bigint);
      return difference > 0n ? 1 : difference < 0n ? -1 : a - b;
    });
  const parts = floors.map(Number);
  for (const index of byRemainder) {
    if (leftOver === 0) break;
    parts[index] = (parts[index] as number) + 1;
    leftOver -= 1;
  }
  assert.equal(leftOver, 0, "largest remainder leaves fewer cents than there are parts");
  return parts;
}

function toSafeCents(value: bigint): number {
  assert.ok(value <= BigInt(Number.MAX_SAFE_INTEGER), "an amount in cents outgrew a safe integer");
  return Number(value);
}

/**
 * Pays `paymentCents` into tiers of balances in order: a tier is paid in full before the next gets
 * anything, and a tier the payment cannot cover shares what is left pro rata by balance (largest
 * remainder). Returns the cents applied to each balance, tier by tier, and the cents left over.
 */
export function allocateInTiers(
  paymentCents: number,
  tiers: readonly (readonly number[])[],
): { readonly applied: number[][]; readonly leftCents: number } {
  let leftCents = paymentCents;
  const applied = tiers.map((balances) => {
    const tierCents = balances.reduce((sum, balance) => sum + balance, 0);
    if (leftCents >= tierCents) {
      leftCents -= tierCents;
      return [...balances];
    }
    const parts = prorate(leftCents, balances);
    leftCents = 0;
    return parts;
  });
  return { applied, leftCents };
}
