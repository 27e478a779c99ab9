import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyReply, FastifyRequest } from "fastify";
import { Type } from "typebox";
import { authenticateApiKey } from "../../agencies/index.ts";
import { type Database, GenericProblemSchema, type HttpServer, platformError } from "../../platform/index.ts";
import { tokenizeBankAccount } from "../app/bank-accounts.ts";
import { tokenizeCard } from "../app/cards.ts";
import type { VaultKeys } from "../domain/envelope.ts";
import { vaultError } from "../domain/errors.ts";
import { fixedWindowLimiter, type RateLimiter } from "./rate-limit.ts";

export interface VaultRateLimits {
  /** Tokenize requests per client address per window, counted before the key is checked. */
  readonly perAddress: number;
  /** Tokenize requests per agency per window, across all its pages and payers. */
  readonly perAgency: number;
  readonly windowMs: number;
}

export const defaultVaultRateLimits: VaultRateLimits = { perAddress: 30, perAgency: 300, windowMs: 60_000 };

export interface TokenRouteDeps {
  readonly db: Database;
  readonly keys: VaultKeys;
  readonly clock: () => Date;
  /** The vault's own origin: the only `Origin` tokenize requests may come from; undefined refuses all. */
  readonly origin: () => string | undefined;
  readonly rateLimits: VaultRateLimits;
}

const problems = { 400: GenericProblemSchema, 401: GenericProblemSchema, 403: GenericProblemSchema, 429: GenericProblemSchema };

/** Value checks (Luhn, expiry, check digits) are the vault's, with their own codes; the schema only bounds shapes. */
const NewCardToken = Type.Object(
  {
    number: Type.String({ minLength: 1, maxLength: 32 }),
    exp_month: Type.Integer(),
    exp_year: Type.Integer(),
    cvc: Type.String({ maxLength: 8 }),
    postal_code: Type.Optional(Type.String({ pattern: "^[A-Za-z0-9][A-Za-z0-9 -]{0,9}$" })),
  },
  { additionalProperties: false },
);

const CardToken = Type.Object({
  id: Type.String(),
  card: Type.Object({
    brand: Type.Union([
      Type.Literal("visa"),
      Type.Literal("mastercard"),
      Type.Literal("amex"),
      Type.Literal("discover"),
      Type.Literal("unknown"),
    ]),
    last4: Type.String(),
    exp_month: Type.Integer(),
    exp_year: Type.Integer(),
  }),
});

const AccountTypeSchema = Type.Union([Type.Literal("checking"), Type.Literal("savings")]);

const NewBankAccountToken = Type.Object(
  {
    routing_number: Type.String({ minLength: 1, maxLength: 32 }),
    account_number: Type.String({ minLength: 1, maxLength: 40 }),
    account_type: AccountTypeSchema,
    account_holder_name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  },
  { additionalProperties: false },
);

const BankAccountToken = Type.Object({
  id: Type.String(),
  bank_account: Type.Object({
    last4: Type.String(),
    routing_number: Type.String(),
    account_type: AccountTypeSchema,
  }),
});

/** A tokenize request is a few hundred bytes; nothing bigger has a reason to arrive. */
const bodyLimitBytes = 4_096;

/**
 * `POST /v1/tokens/cards` and `POST /v1/tokens/bank-accounts`, for the hosted fields on the
 * vault's own origin. Each request is checked in order: its `Origin`, the client address's rate,
 * the publishable key, the agency's rate; then the body. Nothing in a response, an error or a
 * log line repeats a number that was sent.
 */
export async function tokenRoutes(app: HttpServer, deps: TokenRouteDeps): Promise<void> {
  const byAddress = fixedWindowLimiter({ limit: deps.rateLimits.perAddress, windowMs: deps.rateLimits.windowMs });
  const byAgency = fixedWindowLimiter({ limit: deps.rateLimits.perAgency, windowMs: deps.rateLimits.windowMs });
  const agencyOf = new WeakMap<FastifyRequest, string>();

  await app.register(async (plugin) => {
    const scope = plugin.withTypeProvider<TypeBoxTypeProvider>();
    scope.addHook("onRequest", async (request, reply) => {
      reply.header("cache-control", "no-store");
      const origin = deps.origin();
      if (origin === undefined || request.headers.origin !== origin) {
        throw vaultError("origin_not_allowed", "Tokens are issued only to the vault's hosted fields, on the vault's own origin");
      }
      const now = deps.clock().getTime();
      limit(reply, byAddress, request.ip, now, "Too many tokenize requests from this address; wait before trying again");
      const header = request.headers.authorization;
      const match = header === undefined ? null : /^Bearer (\S+)$/i.exec(header);
      if (!match?.[1]) throw platformError("authentication_required", "Send your publishable key as Authorization: Bearer pk_…");
      const result = await authenticateApiKey(deps.db, match[1]);
      if (!result.ok) {
        throw platformError(
          result.code,
          result.code === "api_key_revoked" ? "This API key was revoked; use a current key" : "This API key is not valid",
        );
      }
      if (result.caller.kind !== "publishable") {
        throw platformError("wrong_key_kind", "Use a publishable key (pk_…) here; a secret key never belongs in a web page");
      }
      limit(reply, byAgency, result.caller.agencyId, now, "Too many tokenize requests for this agency; wait before trying again");
      agencyOf.set(request, result.caller.agencyId);
    });

    scope.post(
      "/v1/tokens/cards",
      {
        bodyLimit: bodyLimitBytes,
        schema: { body: NewCardToken, response: { 201: CardToken, ...problems } },
      },
      async (request, reply) => {
        const body = request.body;
        const token = await tokenizeCard(
          deps.db,
          deps.keys,
          agencyOf.get(request) as string,
          { number: body.number, expMonth: body.exp_month, expYear: body.exp_year, cvc: body.cvc, postalCode: body.postal_code },
          deps.clock(),
        );
        const { card } = token;
        return reply.code(201).send({
          id: token.id,
          card: { brand: card.brand, last4: card.last4, exp_month: card.expMonth, exp_year: card.expYear },
        });
      },
    );

    scope.post(
      "/v1/tokens/bank-accounts",
      {
        bodyLimit: bodyLimitBytes,
        schema: { body: NewBankAccountToken, response: { 201: BankAccountToken, ...problems } },
      },
      async (request, reply) => {
        const body = request.body;
        const token = await tokenizeBankAccount(
          deps.db,
          deps.keys,
          agencyOf.get(request) as string,
          {
            routingNumber: body.routing_number,
            accountNumber: body.account_number,
            accountType: body.account_type,
            accountHolderName: body.account_holder_name,
          },
          deps.clock(),
        );
        const account = token.bankAccount;
        return reply.code(201).send({
          id: token.id,
          bank_account: { last4: account.last4, routing_number: account.routingNumber, account_type: account.accountType },
        });
      },
    );
  });
}

function limit(reply: FastifyReply, limiter: RateLimiter, key: string, nowMs: number, detail: string): void {
  const verdict = limiter.take(key, nowMs);
  if (verdict.allowed) return;
  reply.header("retry-after", String(Math.max(1, Math.ceil(verdict.retryAfterMs / 1000))));
  throw vaultError("rate_limited", detail);
}
