import http from "node:http";
import https from "node:https";
import { CircuitBreaker, ConcurrencyLimit } from "../../platform/index.ts";
import type { BreakdownLine, PostingRequest, SorBalance, SorResult, SystemConfig, SystemOfRecordConnector } from "../domain/accounts.ts";

export interface LiveConnectorOptions {
  /** Calls go through this instead of the connector's own keep-alive HTTP client (tests count calls with it). */
  readonly fetch?: typeof fetch;
  /** Attempts for a balance read (a GET, safe to repeat); posts and reversals are retried by the outbox. */
  readonly readAttempts?: number;
  readonly failureThreshold?: number;
  readonly openMs?: number;
  /** Calls that may wait for a free slot before further calls are refused as `sor_busy`. */
  readonly queueMax?: number;
}

interface WireBalance {
  ref: string;
  name: string;
  status: string;
  as_of: string;
  amount_due_cents: number;
  breakdown: Array<{ label: string; component: BreakdownLine["component"]; tax_year?: number; amount_cents: number }>;
}

type Failure = Extract<SorResult<never>, { ok: false }>;

/**
 * Reaches a system of record over its REST protocol (the reference system's, documented in
 * reference-sor/README.md). Every call has a timeout, passes the per-system concurrency limit and
 * the circuit breaker, and comes back as a `SorResult`, never an exception.
 */
export function liveConnector(config: SystemConfig, options: LiveConnectorOptions = {}): SystemOfRecordConnector {
  if (!config.baseUrl) throw new Error(`system ${config.system} has no base URL`);
  const base = config.baseUrl.replace(/\/$/, "");
  const send = options.fetch ? fetchTransport(options.fetch) : httpTransport(base, config.callLimit);
  const breaker = new CircuitBreaker({ failureThreshold: options.failureThreshold ?? 5, openMs: options.openMs ?? 5_000 });
  const limit = new ConcurrencyLimit(config.callLimit, options.queueMax ?? config.callLimit * 32);
  const kind = encodeURIComponent(config.accountKind);

  async function call(method: "GET" | "POST", path: string, body?: unknown): Promise<SorResult<{ status: number; json: unknown }>> {
    if (!breaker.allow(Date.now()))
      return { ok: false, retryable: true, code: "sor_unavailable", detail: `${config.system} is failing; calls paused` };
    const outcome = await limit.run(async (): Promise<SorResult<{ status: number; json: unknown }>> => {
      try {
        const response = await send(method, `${base}${path}`, body === undefined ? undefined : JSON.stringify(body), config.timeoutMs);
        const json = response.json;
        if (response.status >= 500 || response.status === 429) {
          breaker.failed(Date.now());
          return { ok: false, retryable: true, code: "sor_unavailable", detail: `${config.system} answered ${response.status}` };
        }
        breaker.succeeded();
        return { ok: true, value: { status: response.status, json } };
      } catch (error) {
        breaker.failed(Date.now());
        const timedOut = (error as Error).name === "TimeoutError";
        return timedOut
          ? { ok: false, retryable: true, code: "sor_timeout", detail: `${config.system} did not answer within ${config.timeoutMs} ms` }
          : { ok: false, retryable: true, code: "sor_unavailable", detail: `${config.system} unreachable: ${(error as Error).message}` };
      }
    });
    return (
      outcome?.value ?? {
        ok: false,
        retryable: true,
        code: "sor_busy",
        detail: `${config.system} has ${config.callLimit} calls in flight and a full queue`,
      }
    );
  }

  const rejected = (status: number, json: unknown): Failure => {
    const wire = json as { code?: string; detail?: string } | null;
    return {
      ok: false,
      retryable: false,
      code: wire?.code ?? `http_${status}`,
      detail: wire?.detail ?? `${config.system} answered ${status}`,
    };
  };

  return {
    async readBalance(ref, asOf) {
      const attempts = options.readAttempts ?? 2;
      for (let attempt = 1; ; attempt++) {
        const result = await call("GET", `/v1/accounts/${kind}/${encodeURIComponent(ref)}?as_of=${asOf}`);
        if (!result.ok) {
          if (result.retryable && attempt < attempts) continue;
          return result;
        }
        if (result.value.status !== 200) return rejected(result.value.status, result.value.json);
        const wire = result.value.json as WireBalance;
        const balance: SorBalance = {
          ref: wire.ref,
          name: wire.name,
          status: wire.status,
          asOf: wire.as_of,
          amountDueCents: wire.amount_due_cents,
          breakdown: wire.breakdown.map((line) => ({
            label: line.label,
            component: line.component,
            ...(line.tax_year === undefined ? {} : { taxYear: line.tax_year }),
            amountCents: line.amount_cents,
          })),
          readAt: new Date(),
          source: "live",
        };
        return { ok: true, value: balance };
      }
    },

    async post(request: PostingRequest) {
      const result = await call("POST", "/v1/payments", {
        payment_id: request.paymentId,
        kind: config.accountKind,
        ref: request.ref,
        amount_cents: request.amountCents,
        paid_at: request.paidAt.toISOString(),
        method: request.method,
      });
      if (!result.ok) return result;
      const { status, json } = result.value;
      if (status !== 200 && status !== 201) return rejected(status, json);
      return { ok: true, value: { receiptNumber: String((json as { receipt_number: string }).receipt_number) } };
    },

    async reverse(paymentId, reason) {
      const result = await call("POST", `/v1/payments/${encodeURIComponent(paymentId)}/reversal`, { reason });
      if (!result.ok) return result;
      const { status, json } = result.value;
      if (status === 404 && (json as { code?: string } | null)?.code === "payment_not_found")
        return { ok: true, value: { receiptNumber: null } };
      if (status !== 200) return rejected(status, json);
      return { ok: true, value: { receiptNumber: (json as { receipt_number?: string }).receipt_number ?? null } };
    },
  };
}

/** One HTTP exchange: the status and the body as JSON (null when it is not JSON). Rejects on a network error or timeout. */
type Transport = (
  method: "GET" | "POST",
  url: string,
  body: string | undefined,
  timeoutMs: number,
) => Promise<{ status: number; json: unknown }>;

function fetchTransport(fetchFn: typeof fetch): Transport {
  return async (method, url, body, timeoutMs) => {
    const response = await fetchFn(url, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      ...(body === undefined ? {} : { body }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    return { status: response.status, json: await response.json().catch(() => null) };
  };
}

/**
 * `node:http` on keep-alive connections, one pool per system, as many sockets as its call limit.
 * Measured beside `fetch` on this path: about half the CPU per call (fetch's WHATWG streams and
 * request objects cost more than the exchange itself), and the posting worker makes one per payment.
 */
function httpTransport(base: string, callLimit: number): Transport {
  const secure = new URL(base).protocol === "https:";
  const agent = secure
    ? new https.Agent({ keepAlive: true, maxSockets: callLimit, timeout: 5_000 })
    : new http.Agent({ keepAlive: true, maxSockets: callLimit, timeout: 5_000 });
  const request = secure ? https.request : http.request;
  return (method, url, body, timeoutMs) =>
    new Promise((resolve, reject) => {
      const headers: http.OutgoingHttpHeaders = { accept: "application/json" };
      if (body !== undefined) {
        headers["content-type"] = "application/json";
        headers["content-length"] = Buffer.byteLength(body);
      }
      let timedOut: Error | undefined;
      const fail = (error: Error) => {
        clearTimeout(timer);
        reject(timedOut ?? error);
      };
      const req = request(url, { method, agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", fail);
        // Cut off before its end (our timeout, or the server went away): no answer.
        res.on("close", () => {
          if (!res.complete) fail(new Error("the connection closed before the answer was complete"));
        });
        res.on("end", () => {
          clearTimeout(timer);
          let json: unknown = null;
          try {
            json = JSON.parse(Buffer.concat(chunks).toString("utf8"));
          } catch {
            // Not JSON (a proxy's error page, an empty body): the status says enough.
          }
          resolve({ status: res.statusCode ?? 0, json });
        });
      });
      const timer = setTimeout(() => {
        timedOut = new Error(`no answer within ${timeoutMs} ms`);
        timedOut.name = "TimeoutError";
        req.destroy(timedOut);
      }, timeoutMs);
      req.on("error", fail);
      req.end(body);
    });
}
