/**
 * A fixed-window counter per key (a client address, an agency), in this process's memory: enough
 * to make card testing through the tokenize routes slow and visible. Several vault nodes each
 * count on their own, so the limit across a cluster is the per-node limit times the nodes.
 */
export interface RateLimiter {
  take(key: string, nowMs: number): { readonly allowed: true } | { readonly allowed: false; readonly retryAfterMs: number };
}

export interface RateLimit {
  /** Requests allowed per key in one window. */
  readonly limit: number;
  readonly windowMs: number;
  /** Keys counted at once; past it, new keys are refused until the window turns, so memory stays bounded. */
  readonly keysMax?: number;
}

export function fixedWindowLimiter(options: RateLimit): RateLimiter {
  const keysMax = options.keysMax ?? 100_000;
  let windowStartMs = Number.NEGATIVE_INFINITY;
  let counts = new Map<string, number>();
  return {
    take(key, nowMs) {
      const startMs = Math.floor(nowMs / options.windowMs) * options.windowMs;
      if (startMs !== windowStartMs) {
        windowStartMs = startMs;
        counts = new Map();
      }
      const used = counts.get(key) ?? 0;
      if (used >= options.limit || (used === 0 && counts.size >= keysMax)) {
        return { allowed: false, retryAfterMs: startMs + options.windowMs - nowMs };
      }
      counts.set(key, used + 1);
      return { allowed: true };
    },
  };
}
