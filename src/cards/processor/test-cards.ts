import type { CardBrand, CardData, DeclineCode } from "./port.ts";

/**
 * What the simulator does with a card number. `timeout_approved` and `timeout_not_processed`
 * never answer within the connector's timeout: the first is approved all the same (found by an
 * inquiry), the second never reached the processor (an inquiry finds nothing).
 */
export type TestCardBehaviour =
  | { readonly kind: "approve" }
  | { readonly kind: "decline"; readonly declineCode: DeclineCode }
  | { readonly kind: "timeout_approved" }
  | { readonly kind: "timeout_not_processed" };

/** The well-known test numbers, and what each does. */
export const simulatorTestCards: Readonly<Record<string, TestCardBehaviour>> = {
  "4242424242424242": { kind: "approve" },
  "5555555555554444": { kind: "approve" },
  "378282246310005": { kind: "approve" },
  "6011111111111117": { kind: "approve" },
  "4000000000000002": { kind: "decline", declineCode: "card_declined" },
  "4000000000009995": { kind: "decline", declineCode: "insufficient_funds" },
  "4000000000000069": { kind: "decline", declineCode: "expired_card" },
  "4000000000000127": { kind: "decline", declineCode: "incorrect_cvc" },
  "4000000000000119": { kind: "decline", declineCode: "processing_error" },
  "4000000000000408": { kind: "timeout_approved" },
  "4000000000000416": { kind: "timeout_not_processed" },
};

export const declineMessages: Readonly<Record<DeclineCode, string>> = {
  card_declined: "The card was declined",
  insufficient_funds: "The card has insufficient funds",
  expired_card: "The card has expired",
  incorrect_cvc: "The card's security code is incorrect",
  processing_error: "An error occurred while processing the card; try again",
};

export function isLuhnValid(number: string): boolean {
  if (!/^[0-9]{12,19}$/.test(number)) return false;
  let sum = 0;
  for (let i = 0; i < number.length; i++) {
    let digit = Number(number[number.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** The card network, from the number's leading digits (IIN ranges). */
export function cardBrand(number: string): CardBrand {
  if (/^4/.test(number)) return "visa";
  if (/^3[47]/.test(number)) return "amex";
  if (/^(6011|65|64[4-9])/.test(number)) return "discover";
  const first4 = Number(number.slice(0, 4));
  if (/^5[1-5]/.test(number) || (first4 >= 2221 && first4 <= 2720)) return "mastercard";
  return "unknown";
}

/**
 * Like other processors' test modes, a number not in the list is approved when it passes the
 * Luhn check, and declined when it does not.
 */
export function behaviourOf(number: string): TestCardBehaviour {
  return simulatorTestCards[number] ?? (isLuhnValid(number) ? { kind: "approve" } : { kind: "decline", declineCode: "card_declined" });
}

/** A card expires at the end of its expiry month; `today` is YYYY-MM-DD. */
export function isPastExpiry(card: Pick<CardData, "expMonth" | "expYear">, today: string): boolean {
  const [year, month] = today.split("-").map(Number) as [number, number];
  return card.expYear < year || (card.expYear === year && card.expMonth < month);
}

/**
 * The issuer's answer to an authorization. A force skips the issuer (it approved by phone), so
 * only the processor's own failures and an invalid number decline it.
 */
export function issuerDecision(card: CardData, today: string, kind: "authorization" | "force"): DeclineCode | null {
  const behaviour = behaviourOf(card.number);
  if (!isLuhnValid(card.number)) return "card_declined";
  if (behaviour.kind === "decline" && (kind === "authorization" || behaviour.declineCode === "processing_error"))
    return behaviour.declineCode;
  if (kind === "force") return null;
  if (!Number.isInteger(card.expMonth) || card.expMonth < 1 || card.expMonth > 12) return "card_declined";
  if (isPastExpiry(card, today)) return "expired_card";
  return null;
}
