import type { FastifyReply, FastifyRequest } from "fastify";
import { Type } from "typebox";
import { authenticateApiKey, getAgency } from "../../agencies/index.ts";
import { type HttpServer, platformError, type Sql } from "../../platform/index.ts";
import { type Asset, coordinatorScript, fieldScript, fieldStylesheet, framePage, loaderScript } from "./assets.ts";
import { hostedFieldError } from "./errors.ts";
import { framePagePolicy, refusedFramePolicy } from "./frame-policy.ts";

export interface HostedFieldDeps {
  readonly db: Sql;
  /**
   * The vault's origin as browsers see it (`Config.vaultPublicUrl`): where agencies load remit.js
   * from. A function, since a vault on port 0 knows its address only once it listens.
   */
  readonly vaultOrigin: () => string;
}

export const hostedForms = {
  card: ["number", "expiry", "cvc", "postal_code"],
  bank_account: ["routing_number", "account_number", "account_type"],
} as const;

const frameQueryProperties = {
  key: Type.String({ maxLength: 200, description: "The agency's publishable key, pk_…" }),
  origin: Type.String({ maxLength: 300, description: "The origin of the agency page that frames this one" }),
  form: Type.Union([Type.Literal("card"), Type.Literal("bank_account")]),
};
const FrameQuery = Type.Object(frameQueryProperties);
const FieldQuery = Type.Object({
  ...frameQueryProperties,
  field: Type.Union(Object.values(hostedForms).flatMap((fields) => fields.map((field) => Type.Literal(field)))),
});

const fieldPage = framePage("Remit secure payment field", fieldScript, fieldStylesheet);
const coordinatorPage = framePage("Remit payment coordinator", coordinatorScript);

/**
 * The hosted fields: `/v1/remit.js` for agency pages, one iframe page per field and a hidden
 * coordinator page. The pages are static; what varies per request is only which origins may
 * frame them, read from the agency that owns the publishable key.
 */
export function hostedFieldRoutes(app: HttpServer, deps: HostedFieldDeps): void {
  app.get("/v1/remit.js", { schema: { hide: true } }, async (_request, reply) =>
    sendAsset(reply, loaderScript, {
      // Any agency page loads it, with `crossorigin` so that its integrity can be checked.
      "access-control-allow-origin": "*",
      "cross-origin-resource-policy": "cross-origin",
      "cache-control": "public, max-age=300",
    }),
  );

  app.get(
    "/v1/remit.json",
    {
      schema: {
        summary: "Where to load remit.js from and the integrity value to pin it with",
        response: { 200: Type.Object({ src: Type.String(), integrity: Type.String() }) },
      },
    },
    async (_request, reply) => {
      reply.header("access-control-allow-origin", "*").header("cache-control", "public, max-age=300");
      return { src: `${deps.vaultOrigin()}${loaderScript.route}`, integrity: loaderScript.sha384 };
    },
  );

  for (const asset of [fieldScript, coordinatorScript, fieldStylesheet]) {
    app.get(asset.route, { schema: { hide: true } }, async (_request, reply) =>
      sendAsset(reply, asset, { "cross-origin-resource-policy": "same-origin", "cache-control": "public, max-age=86400" }),
    );
  }

  app.get(
    "/v1/hosted/field",
    { schema: { querystring: FieldQuery, hide: true }, onRequest: refuseFramingUntilAllowed },
    async (request, reply) => {
      const { key, origin, form, field } = request.query;
      if (!(hostedForms[form] as readonly string[]).includes(field)) {
        throw platformError("invalid_request", `A ${form} form has the fields ${hostedForms[form].join(", ")}`, "field");
      }
      const ancestors = await frameAncestors(deps.db, key, origin);
      return sendPage(
        reply,
        fieldPage,
        framePagePolicy({ scriptSource: `'${fieldScript.sha256}'`, styles: true, connect: false, ancestors }),
      );
    },
  );

  app.get(
    "/v1/hosted/coordinator",
    { schema: { querystring: FrameQuery, hide: true }, onRequest: refuseFramingUntilAllowed },
    async (request, reply) => {
      const { key, origin } = request.query;
      const ancestors = await frameAncestors(deps.db, key, origin);
      return sendPage(
        reply,
        coordinatorPage,
        framePagePolicy({ scriptSource: `'${coordinatorScript.sha256}'`, styles: false, connect: true, ancestors }),
      );
    },
  );
}

/**
 * The origins that may frame a hosted page for this key: all of the agency's registered origins,
 * provided the page names one of them as its parent (the frames post only to that origin).
 */
async function frameAncestors(sql: Sql, key: string, parentOrigin: string): Promise<readonly string[]> {
  const authentication = await authenticateApiKey(sql, key);
  if (!authentication.ok) {
    throw platformError(
      authentication.code,
      authentication.code === "api_key_revoked"
        ? "This publishable key was revoked; use a current one"
        : "This publishable key is not valid",
      "key",
    );
  }
  if (authentication.caller.kind !== "publishable") {
    throw platformError(
      "wrong_key_kind",
      "Hosted fields take a publishable key (pk_…); never put a secret key (rk_…) in a web page",
      "key",
    );
  }
  const agency = await getAgency(sql, authentication.caller.agencyId);
  if (!agency.allowedOrigins.includes(parentOrigin)) {
    throw hostedFieldError(
      "origin_not_registered",
      `${parentOrigin} is not a registered origin of this agency: register the payment page's origin (scheme, host and port)`,
      "origin",
    );
  }
  return agency.allowedOrigins;
}

// Set before anything else runs, so that a refusal (bad key, bad query) can never be framed.
async function refuseFramingUntilAllowed(_request: FastifyRequest, reply: FastifyReply): Promise<void> {
  reply
    .header("content-security-policy", refusedFramePolicy)
    .header("x-content-type-options", "nosniff")
    .header("referrer-policy", "no-referrer")
    .header("cache-control", "no-store");
}

function sendPage(reply: FastifyReply, html: string, policy: string): FastifyReply {
  return reply.header("content-security-policy", policy).type("text/html; charset=utf-8").send(html);
}

function sendAsset(reply: FastifyReply, asset: Asset, headers: Record<string, string>): FastifyReply {
  return reply
    .headers({ ...headers, "x-content-type-options": "nosniff" })
    .type(asset.contentType)
    .send(asset.body);
}
