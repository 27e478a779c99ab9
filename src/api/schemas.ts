import { Type } from "typebox";
import { accountsErrors } from "../accounts/index.ts";
import { achErrors, achImportErrors, nachaErrors } from "../ach/index.ts";
import { agencyErrors } from "../agencies/index.ts";
import { cardErrors, processorErrors } from "../cards/index.ts";
import { counterErrors } from "../counter/index.ts";
import { ledgerErrors } from "../ledger/index.ts";
import { outboxErrors } from "../outbox/index.ts";
import { type ErrorCatalog, platformErrors } from "../platform/index.ts";
import { postingErrors } from "../posting/index.ts";
import { rulesErrors } from "../rules/index.ts";
import { hostedFieldErrors, vaultErrors } from "../vault/index.ts";

/** Every error catalog the API can answer with; docs/errors.md and the OpenAPI document list them all. */
export const errorCatalogs: Readonly<Record<string, ErrorCatalog>> = {
  platform: platformErrors,
  agencies: agencyErrors,
  ledger: ledgerErrors,
  accounts: accountsErrors,
  posting: postingErrors,
  outbox: outboxErrors,
  counter: counterErrors,
  cards: cardErrors,
  processor: processorErrors,
  vault: vaultErrors,
  hostedFields: hostedFieldErrors,
  rules: rulesErrors,
  ach: nachaErrors,
  achEntries: achErrors,
  achImports: achImportErrors,
};

export const errorCodes = Object.values(errorCatalogs).flatMap((catalog) => Object.keys(catalog));

export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: StringEnum(errorCodes, { description: "Stable error code: see docs/errors.md" }),
    param: Type.Optional(Type.String()),
    transaction_id: Type.Optional(
      Type.String({ description: "The transaction the error is about: a declined one, or the earlier twin of a duplicate" }),
    ),
    request_id: Type.String(),
  },
  { description: "RFC 9457 problem details, sent as application/problem+json" },
);

export const problemResponses = {
  400: ProblemSchema,
  401: ProblemSchema,
  404: ProblemSchema,
};

/** The `{id}` of a resource path. */
export const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });

/** Required on every POST under /v1 (src/api/idempotency.ts enforces it). */
export const IdempotencyHeader = Type.Object({
  "idempotency-key": Type.String({ description: "A unique value per operation; a retry with the same key replays the answer" }),
});

export const ListQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 10 })),
  starting_after: Type.Optional(Type.String({ maxLength: 64 })),
});

/** A string that is one of `values`, as an OpenAPI enum, typed as their union. */
export function StringEnum<const T extends string>(values: readonly T[], options: { description?: string } = {}) {
  return Type.Unsafe<T>({ type: "string", enum: [...values], ...options });
}
