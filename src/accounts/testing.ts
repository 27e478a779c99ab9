import type { Sql } from "../platform/index.ts";
import { configureSystem } from "./app/accounts.ts";

/**
 * For tests of payments: the agency's `property_tax` system, live, at an address nothing answers
 * (so nothing is ever posted unless the test dispatches the outbox itself), on its own fund.
 */
export function configureTestSystem(sql: Sql, agencyId: string) {
  return configureSystem(sql, {
    agencyId,
    system: "property_tax",
    name: "Tax office",
    connector: "live",
    accountKind: "parcel",
    baseUrl: "http://127.0.0.1:1",
    fund: "property_tax",
    callLimit: 4,
    timeoutMs: 1000,
  });
}
