import { randomBytes } from "node:crypto";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply } from "fastify";
import { Counter, collectDefaultMetrics, Histogram, Registry } from "prom-client";
import { Type } from "typebox";
import { platformErrors, RemitError } from "./errors.ts";
import type { Logger } from "./logger.ts";

export type HttpServer = FastifyInstance<
  import("node:http").Server,
  import("node:http").IncomingMessage,
  import("node:http").ServerResponse,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

export const problemContentType = "application/problem+json";

/** RFC 9457 problem details, with Remit's stable `code` and the request id to quote to support. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  param?: string;
  transaction_id?: string;
  request_id: string;
}

/** The problem body as a response schema, for listeners outside the API (which documents its codes). */
export const GenericProblemSchema = Type.Object({
  type: Type.String(),
  title: Type.String(),
  status: Type.Integer(),
  detail: Type.String(),
  code: Type.String(),
  param: Type.Optional(Type.String()),
  request_id: Type.String(),
});

export function problemOf(error: RemitError, requestId: string): Problem {
  return {
    type: `https://remit.dev/errors#${error.code}`,
    title: error.title,
    status: error.status,
    detail: error.message,
    code: error.code,
    ...(error.param ? { param: error.param } : {}),
    ...(error.transactionId ? { transaction_id: error.transactionId } : {}),
    request_id: requestId,
  };
}

export function sendProblem(reply: FastifyReply, error: RemitError): FastifyReply {
  return reply
    .code(error.status)
    .type(problemContentType)
    .send(problemOf(error, String(reply.request.id)));
}

/** One metrics registry per process role, so tests and several servers in one process stay apart. */
export function createMetrics(prefix = "remit_") {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix });
  return {
    registry,
    requests: new Counter({
      name: `${prefix}http_requests_total`,
      help: "HTTP requests answered, by route and status code",
      labelNames: ["server", "method", "route", "status"] as const,
      registers: [registry],
    }),
    requestSeconds: new Histogram({
      name: `${prefix}http_request_duration_seconds`,
      help: "Time to answer HTTP requests",
      labelNames: ["server", "method", "route"] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/**
 * A Fastify instance with what every Remit listener shares: request ids, logs through the
 * redacting logger, problem+json for every error, and request metrics.
 */
export function createHttpServer(options: { name: string; logger: Logger; metrics: Metrics }): HttpServer {
  const app = Fastify({
    loggerInstance: options.logger.child({ server: options.name }) as FastifyBaseLogger,
    genReqId: () => `req_${randomBytes(12).toString("base64url")}`,
    requestIdHeader: false,
    bodyLimit: 1_048_576,
    return503OnClosing: true,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: "array", allErrors: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.addHook("onRequest", async (request, reply) => {
    reply.header("request-id", request.id);
  });

  app.addHook("onResponse", async (request, reply) => {
    const route = request.routeOptions.url ?? "unmatched";
    const labels = { server: options.name, method: request.method, route };
    options.metrics.requests.inc({ ...labels, status: String(reply.statusCode) });
    options.metrics.requestSeconds.observe(labels, reply.elapsedTime / 1000);
  });

  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, new RemitError("not_found", platformErrors.not_found, `No route ${request.method} ${request.url.split("?")[0]}`)),
  );

  app.setErrorHandler((error: FastifyError | RemitError, request, reply) => {
    if (error instanceof RemitError) return sendProblem(reply, error);
    if ("validation" in error && error.validation) {
      const first = error.validation[0];
      const param =
        first?.instancePath?.replace(/^\//, "").replaceAll("/", ".") || (first?.params as { missingProperty?: string })?.missingProperty;
      return sendProblem(reply, new RemitError("invalid_request", platformErrors.invalid_request, error.message, param || undefined));
    }
    if (typeof error.statusCode === "number" && error.statusCode >= 400 && error.statusCode < 500) {
      return sendProblem(
        reply,
        new RemitError("invalid_request", { ...platformErrors.invalid_request, status: error.statusCode }, error.message),
      );
    }
    request.log.error({ err: error }, "unhandled error");
    return sendProblem(
      reply,
      new RemitError("internal_error", platformErrors.internal_error, "Something went wrong on our side; quote the request id to support"),
    );
  });

  return app;
}
