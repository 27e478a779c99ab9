import { friday, type HolidayRule, type JurisdictionCalendar, monday, saturday, sunday, thursday } from "./calendar.ts";

/**
 * The five jurisdictions' business-day calendars, as data. Each list is the state's legal holidays as
 * its statute reads in the stored sources, with the year a holiday was added where we know it.
 * Counties close on other days too (by ordinance, CA R&T §2619; Texas Tax Code §1.06 from 2026):
 * add those as one-off `date` entries. Check each list with the county before go-live.
 */

const weekend = [saturday, sunday] as const;

const newYearsDay = { kind: "fixed", name: "New Year's Day", month: 1, day: 1 } as const satisfies HolidayRule;
const martinLutherKingJrDay = {
  kind: "nth_weekday",
  name: "Martin Luther King Jr. Day",
  month: 1,
  weekday: monday,
  nth: 3,
} as const satisfies HolidayRule;
const presidentsDay = { kind: "nth_weekday", name: "Presidents' Day", month: 2, weekday: monday, nth: 3 } as const satisfies HolidayRule;
const memorialDay = { kind: "nth_weekday", name: "Memorial Day", month: 5, weekday: monday, nth: -1 } as const satisfies HolidayRule;
const independenceDay = { kind: "fixed", name: "Independence Day", month: 7, day: 4 } as const satisfies HolidayRule;
const laborDay = { kind: "nth_weekday", name: "Labor Day", month: 9, weekday: monday, nth: 1 } as const satisfies HolidayRule;
const columbusDay = { kind: "nth_weekday", name: "Columbus Day", month: 10, weekday: monday, nth: 2 } as const satisfies HolidayRule;
const veteransDay = { kind: "fixed", name: "Veterans Day", month: 11, day: 11 } as const satisfies HolidayRule;
const thanksgivingDay = {
  kind: "nth_weekday",
  name: "Thanksgiving Day",
  month: 11,
  weekday: thursday,
  nth: 4,
} as const satisfies HolidayRule;
const dayAfterThanksgiving = {
  kind: "nth_weekday",
  name: "Day after Thanksgiving",
  month: 11,
  weekday: thursday,
  nth: 4,
  offsetDays: 1,
} as const satisfies HolidayRule;
const christmasDay = { kind: "fixed", name: "Christmas Day", month: 12, day: 25 } as const satisfies HolidayRule;

/**
 * Texas: Government Code §662.003(a) national and (b) state holidays; Tax Code §1.06 makes a payment
 * due on a Saturday, Sunday or "legal state or national holiday" timely on the next regular business
 * day. Texas keeps no substitute weekday for a weekend holiday. The optional holidays of §662.003(c)
 * (Rosh Hashanah, Yom Kippur, Good Friday) leave offices open and are left out.
 */
export const texasCalendar: JurisdictionCalendar = {
  id: "US-TX",
  name: "Texas legal state and national holidays",
  source: "Tex. Gov't Code §662.003(a)-(b); Tex. Tax Code §1.06",
  weekendDays: weekend,
  observance: "none",
  holidays: [
    newYearsDay,
    { kind: "fixed", name: "Confederate Heroes Day", month: 1, day: 19 },
    martinLutherKingJrDay,
    presidentsDay,
    { kind: "fixed", name: "Texas Independence Day", month: 3, day: 2 },
    { kind: "fixed", name: "San Jacinto Day", month: 4, day: 21 },
    memorialDay,
    { kind: "fixed", name: "Emancipation Day in Texas", month: 6, day: 19 },
    independenceDay,
    { kind: "fixed", name: "Lyndon Baines Johnson Day", month: 8, day: 27 },
    laborDay,
    veteransDay,
    thanksgivingDay,
    dayAfterThanksgiving,
    { kind: "fixed", name: "Christmas Eve", month: 12, day: 24 },
    christmasDay,
    { kind: "fixed", name: "Day after Christmas", month: 12, day: 26 },
  ],
};

/**
 * California: Government Code §6700 holidays, with §6701's weekend rule (a Sunday Jan 1, Feb 12,
 * Mar 31, Jul 4, Sep 9, Nov 11 or Dec 25 is kept on the Monday; a Saturday Nov 11 on the Friday).
 * Left out: Good Friday (noon to 3 p.m. only, the office opens) and Lunar New Year (added by AB 2596
 * from 2023; it follows the new moon, which no rule here can compute — a county that closes for it
 * adds the day as a `date`). §6700 applies MLK Day and Cesar Chavez Day to a county only if its board
 * adopts them; most have, so they are in.
 */
export const californiaCalendar: JurisdictionCalendar = {
  id: "US-CA",
  name: "California state holidays (Gov. Code §6700)",
  source: "Cal. Gov. Code §§6700, 6701; Cal. Rev. & Tax. Code §§2619, 4103",
  weekendDays: weekend,
  observance: "none",
  holidays: [
    { ...newYearsDay, observance: "sunday_to_monday" },
    martinLutherKingJrDay,
    { kind: "fixed", name: "Lincoln Day", month: 2, day: 12, observance: "sunday_to_monday" },
    presidentsDay,
    { kind: "fixed", name: "Cesar Chavez Day", month: 3, day: 31, observance: "sunday_to_monday" },
    // AB 1801 (2022).
    { kind: "fixed", name: "Genocide Remembrance Day", month: 4, day: 24, fromYear: 2023 },
    memorialDay,
    // AB 1655, Stats. 2022 ch. 753.
    { kind: "fixed", name: "Juneteenth", month: 6, day: 19, fromYear: 2023 },
    { ...independenceDay, observance: "sunday_to_monday" },
    laborDay,
    { kind: "fixed", name: "Admission Day", month: 9, day: 9, observance: "sunday_to_monday" },
    // AB 1973, Stats. 2014 ch. 537.
    { kind: "nth_weekday", name: "Native American Day", month: 9, weekday: friday, nth: 4, fromYear: 2015 },
    columbusDay,
    { ...veteransDay, observance: "nearest_weekday" },
    thanksgivingDay,
    { ...christmasDay, observance: "sunday_to_monday" },
  ],
};

/**
 * Illinois, for Cook County: the legal holidays of 205 ILCS 630/17, which the Statute on Statutes
 * (5 ILCS 70/1.11) skips when the last day to act falls on one. Good Friday is on that list but state
 * and county offices stay open (Metzl v. Leininger, 7th Cir. 1995), so it is left out. The statutes
 * name the days themselves; Juneteenth expressly has no Friday or Monday stand-in (5 ILCS 490/63).
 */
export const illinoisCalendar: JurisdictionCalendar = {
  id: "US-IL",
  name: "Illinois legal holidays",
  source: "205 ILCS 630/17; 5 ILCS 490; 5 ILCS 70/1.11; 10 ILCS 5/17-25",
  weekendDays: weekend,
  observance: "none",
  holidays: [
    newYearsDay,
    martinLutherKingJrDay,
    { kind: "fixed", name: "Lincoln's Birthday", month: 2, day: 12 },
    presidentsDay,
    { kind: "nth_weekday", name: "Casimir Pulaski's Birthday", month: 3, weekday: monday, nth: 1 },
    memorialDay,
    { kind: "fixed", name: "Juneteenth National Freedom Day", month: 6, day: 19, fromYear: 2022 },
    independenceDay,
    laborDay,
    columbusDay,
    veteransDay,
    // The Tuesday after the first Monday in November, in the years members of the House are elected.
    { kind: "nth_weekday", name: "General Election Day", month: 11, weekday: monday, nth: 1, offsetDays: 1, evenYearsOnly: true },
    thanksgivingDay,
    christmasDay,
  ],
};

/**
 * Florida: §197.162 extends a discount period that ends on a "Saturday, Sunday, or legal holiday" to
 * the next *working* day, so this is the calendar of days the offices close: the paid holidays of
 * §110.117, kept on the Friday before a Saturday and the Monday after a Sunday. §683.01's longer list
 * of legal holidays (Pascua Florida Day and others) does not close the offices and is left out.
 */
export const floridaCalendar: JurisdictionCalendar = {
  id: "US-FL",
  name: "Florida state paid holidays",
  source: "Fla. Stat. §§110.117, 197.162",
  weekendDays: weekend,
  observance: "nearest_weekday",
  holidays: [
    newYearsDay,
    martinLutherKingJrDay,
    memorialDay,
    independenceDay,
    laborDay,
    veteransDay,
    thanksgivingDay,
    dayAfterThanksgiving,
    christmasDay,
  ],
};

/**
 * Washington: RCW 1.16.050 legal holidays, kept on the Friday before a Saturday and the Monday after a
 * Sunday. County treasurers move a due date on a weekend or holiday to the next business day.
 */
export const washingtonCalendar: JurisdictionCalendar = {
  id: "US-WA",
  name: "Washington legal holidays",
  source: "RCW 1.16.050",
  weekendDays: weekend,
  observance: "nearest_weekday",
  holidays: [
    newYearsDay,
    martinLutherKingJrDay,
    presidentsDay,
    memorialDay,
    // SHB 1016, Laws of 2021 ch. 295: first kept in 2022.
    { kind: "fixed", name: "Juneteenth", month: 6, day: 19, fromYear: 2022 },
    independenceDay,
    laborDay,
    veteransDay,
    thanksgivingDay,
    { ...dayAfterThanksgiving, name: "Native American Heritage Day" },
    christmasDay,
  ],
};

export const jurisdictionCalendars: Readonly<Record<string, JurisdictionCalendar>> = {
  [texasCalendar.id]: texasCalendar,
  [californiaCalendar.id]: californiaCalendar,
  [illinoisCalendar.id]: illinoisCalendar,
  [floridaCalendar.id]: floridaCalendar,
  [washingtonCalendar.id]: washingtonCalendar,
};
