import { vaultError } from "./errors.ts";

export type CardBrand = "visa" | "mastercard" | "amex" | "discover" | "unknown";

export interface CardInput {
  readonly number: string;
  readonly expMonth: number;
  readonly expYear: number;
  readonly cvc: string;
  readonly postalCode?: string | undefined;
}

/** A card that passed every check, normalized: digits only, a four-digit year. */
export interface ValidCard {
  readonly number: string;
  readonly brand: CardBrand;
  readonly last4: string;
  readonly expMonth: number;
  readonly expYear: number;
  readonly cvc: string;
  readonly postalCode: string | null;
}

interface BrandRule {
  readonly brand: Exclude<CardBrand, "unknown">;
  readonly matches: (digits: string) => boolean;
  readonly lengths: readonly number[];
  readonly cvcLength: number;
}

const prefixBetween = (digits: string, length: number, low: number, high: number) => {
  const prefix = Number(digits.slice(0, length));
  return digits.length >= length && prefix >= low && prefix <= high;
};

/** IIN ranges and lengths as the networks publish them; anything else is `unknown`. */
const brandRules: readonly BrandRule[] = [
  { brand: "amex", matches: (d) => /^3[47]/.test(d), lengths: [15], cvcLength: 4 },
  { brand: "visa", matches: (d) => d.startsWith("4"), lengths: [13, 16, 19], cvcLength: 3 },
  {
    brand: "mastercard",
    matches: (d) => prefixBetween(d, 2, 51, 55) || prefixBetween(d, 4, 2221, 2720),
    lengths: [16],
    cvcLength: 3,
  },
  {
    brand: "discover",
    matches: (d) => d.startsWith("6011") || prefixBetween(d, 3, 644, 649) || d.startsWith("65") || prefixBetween(d, 6, 622126, 622925),
    lengths: [16, 17, 18, 19],
    cvcLength: 3,
  },
];

const unknownLengthMin = 12;
const unknownLengthMax = 19;
/** How far ahead an expiry may be: cards are issued for a few years, never decades. */
const expiryYearsAheadMax = 20;

export function cardBrand(digits: string): CardBrand {
  return brandRules.find((rule) => rule.matches(digits))?.brand ?? "unknown";
}

/** The Luhn (mod 10) check every payment card number carries in its last digit. */
export function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/**
 * Checks a card before anything is stored. Messages never repeat the number: they may be logged
 * or shown to the payer. Expiry is compared in UTC by month: a card is good through the last day
 * of its expiry month.
 */
export function validateCard(input: CardInput, now: Date): ValidCard {
  const number = input.number.replace(/[ -]/g, "");
  if (!/^\d+$/.test(number)) throw vaultError("invalid_card_number", "A card number has digits only", "number");
  const brand = cardBrand(number);
  const rule = brandRules.find((r) => r.brand === brand);
  const lengthOk = rule ? rule.lengths.includes(number.length) : number.length >= unknownLengthMin && number.length <= unknownLengthMax;
  if (!lengthOk || !passesLuhn(number)) {
    throw vaultError("invalid_card_number", "The card number is not valid: check it was typed correctly", "number");
  }

  const expMonth = input.expMonth;
  if (!Number.isInteger(expMonth) || expMonth < 1 || expMonth > 12) {
    throw vaultError("invalid_expiry", "The expiry month is 1 to 12", "exp_month");
  }
  const expYear = input.expYear >= 0 && input.expYear < 100 ? 2000 + input.expYear : input.expYear;
  const thisYear = now.getUTCFullYear();
  const thisMonth = now.getUTCMonth() + 1;
  if (!Number.isInteger(expYear) || expYear < thisYear || expYear > thisYear + expiryYearsAheadMax) {
    throw vaultError("invalid_expiry", "The expiry year is not valid or has passed", "exp_year");
  }
  if (expYear === thisYear && expMonth < thisMonth) throw vaultError("invalid_expiry", "The card has expired", "exp_month");

  const cvcLengths = rule ? [rule.cvcLength] : [3, 4];
  if (!/^\d+$/.test(input.cvc) || !cvcLengths.includes(input.cvc.length)) {
    throw vaultError("invalid_cvc", `The security code has ${cvcLengths.join(" or ")} digits for this card`, "cvc");
  }

  const postalCode = input.postalCode?.trim() || null;
  return { number, brand, last4: number.slice(-4), expMonth, expYear, cvc: input.cvc, postalCode };
}
