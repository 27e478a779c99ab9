import { type HttpServer, platformError, sendProblem } from "../src/platform/index.ts";

/**
 * Fault injection, so Remit's tests can watch a system of record be slow, flaky or down.
 * `/admin` is never affected (so a test can always turn faults off again); latency and the error
 * rate touch only `/v1`; `down` answers every other route (health included) as a dead system would.
 */
export interface Faults {
  /** Added before every /v1 request is handled. */
  latencyMs: number;
  /** Share of /v1 requests answered 503 service_unavailable, from 0 to 1. */
  errorRate: number;
  /** Everything but /admin is refused. */
  down: boolean;
  /** How `down` refuses: a 503 with `Connection: close`, or the connection dropped with no answer. */
  downMode: "unavailable" | "reset";
}

export const noFaults: Faults = { latencyMs: 0, errorRate: 0, down: false, downMode: "unavailable" };

export const latencyMsMax = 60_000;

/** SOR_LATENCY_MS, SOR_ERROR_RATE, SOR_DOWN (true/1) and SOR_DOWN_MODE, read once at start. */
export function faultsFromEnv(env: NodeJS.ProcessEnv): Faults {
  const latencyMs = Number(env.SOR_LATENCY_MS ?? 0);
  const errorRate = Number(env.SOR_ERROR_RATE ?? 0);
  if (!Number.isSafeInteger(latencyMs) || latencyMs < 0 || latencyMs > latencyMsMax) {
    throw new Error(`SOR_LATENCY_MS must be whole milliseconds from 0 to ${latencyMsMax}, got "${env.SOR_LATENCY_MS}"`);
  }
  if (!(errorRate >= 0 && errorRate <= 1)) throw new Error(`SOR_ERROR_RATE must be a number from 0 to 1, got "${env.SOR_ERROR_RATE}"`);
  const downMode = env.SOR_DOWN_MODE === "reset" ? "reset" : "unavailable";
  return { latencyMs, errorRate, down: ["1", "true", "yes"].includes((env.SOR_DOWN ?? "").toLowerCase()), downMode };
}

/** Installs the fault hook on `app`; `faults` is read on every request, so changing it takes effect at once. */
export function injectFaults(app: HttpServer, faults: Faults, random: () => number = Math.random): void {
  app.addHook("onRequest", async (request, reply) => {
    const path = request.url.split("?")[0] ?? "";
    if (path === "/admin" || path.startsWith("/admin/")) return;
    if (faults.down) {
      if (faults.downMode === "reset") {
        reply.hijack();
        request.raw.socket.destroy();
        return reply;
      }
      reply.header("connection", "close");
      return sendProblem(reply, platformError("service_unavailable", "The system of record is down (fault injection)"));
    }
    if (!path.startsWith("/v1/")) return;
    if (faults.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, faults.latencyMs));
    if (faults.errorRate > 0 && random() < faults.errorRate) {
      return sendProblem(reply, platformError("service_unavailable", "The system of record failed this request (fault injection)"));
    }
  });
}
