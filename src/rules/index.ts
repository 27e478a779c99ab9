/**
 * Rules: property-tax penalty, interest, discounts and fees; due dates on each jurisdiction's
 * business-day calendar; payment application and court waterfalls. All pure: integer cents, exact
 * rates, named roundings, and the as-of date as a parameter. This file is the capability's only
 * public surface.
 */
export {
  type HolidayRule,
  holidayOn,
  holidaysIn,
  isBusinessDay,
  type JurisdictionCalendar,
  nextBusinessDayOnOrAfter,
  type Observance,
  type Weekday,
} from "./domain/calendar.ts";
export {
  californiaCalendar,
  floridaCalendar,
  illinoisCalendar,
  jurisdictionCalendars,
  texasCalendar,
  washingtonCalendar,
} from "./domain/calendars.ts";
export {
  applyToWaterfall,
  type CourtDebt,
  type CourtWaterfall,
  californiaPenalCode1203_1d,
  courtDebtsMax,
  courtWaterfall,
  courtWaterfalls,
  type WaterfallApplication,
  type WaterfallInput,
  type WaterfallTier,
  type WaterfallVersion,
  waterfallVersionOn,
} from "./domain/court-waterfall.ts";
export { type PlainDate, parseIsoDate } from "./domain/dates.ts";
export { type RulesErrorCode, rulesErrors } from "./domain/errors.ts";
export { type CaliforniaRules, californiaRuleSet, californiaRules, splitAnnualTax } from "./domain/jurisdictions/california.ts";
export { type CookCountyRules, cookCountyRuleSet, cookCountyRules } from "./domain/jurisdictions/cook-county.ts";
export { type FloridaRules, floridaRuleSet, floridaRules } from "./domain/jurisdictions/florida.ts";
export { type TexasRules, texasRuleSet, texasRules } from "./domain/jurisdictions/texas.ts";
export { type WashingtonRules, washingtonRuleSet, washingtonRules } from "./domain/jurisdictions/washington.ts";
export {
  allocateInTiers,
  amountCentsMax,
  applyRatio,
  percentOf,
  prorate,
  type Ratio,
  type Rounding,
  roundings,
} from "./domain/money.ts";
export {
  type ApplicationOrder,
  applicationOrders,
  applyPayment,
  type Charge,
  type ChargeBalances,
  charges,
  type PaymentApplication,
  type PaymentInput,
  type TaxingUnitShare,
  taxingUnitsMax,
  type UnitApplication,
  type YearApplication,
  type YearBalance,
  type YearOrder,
  yearsMax,
} from "./domain/payment-application.ts";
export { isRuleSetId, quote, quoteWith, ruleSetIds, ruleSets, taxYearMax, taxYearMin } from "./domain/quote.ts";
export type {
  Bill,
  PropertyClass,
  Quote,
  QuoteComponents,
  QuoteInput,
  RuleSet,
  RuleSetId,
} from "./domain/rule-set.ts";
export { defaultUtilityLateFee, type UtilityLateFeeRule, utilityLateFeeCents } from "./domain/utility-late-fee.ts";
