/**
 * Guards for calls to systems outside Remit: a circuit breaker, so a system that is down gets a
 * rest instead of a flood of timeouts, and a concurrency limit, so Remit never sends an agency's
 * system more calls at once than it was configured to take.
 */

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. */
  readonly failureThreshold: number;
  /** How long the circuit stays open before one trial call is let through. */
  readonly openMs: number;
}

type CircuitState =
  | { readonly name: "closed"; readonly failures: number }
  | { readonly name: "open"; readonly until: number }
  | { readonly name: "half_open" };

export class CircuitBreaker {
  #state: CircuitState = { name: "closed", failures: 0 };
  readonly #options: CircuitBreakerOptions;

  constructor(options: CircuitBreakerOptions) {
    this.#options = options;
  }

  get state(): CircuitState["name"] {
    return this.#state.name;
  }

  /** Whether a call may go out now. While half open, only the first caller gets through. */
  allow(nowMs: number): boolean {
    if (this.#state.name === "closed") return true;
    if (this.#state.name === "open" && nowMs >= this.#state.until) {
      this.#state = { name: "half_open" };
      return true;
    }
    return false;
  }

  succeeded(): void {
    this.#state = { name: "closed", failures: 0 };
  }

  failed(nowMs: number): void {
    const failures = this.#state.name === "closed" ? this.#state.failures + 1 : this.#options.failureThreshold;
    this.#state =
      failures >= this.#options.failureThreshold ? { name: "open", until: nowMs + this.#options.openMs } : { name: "closed", failures };
  }
}

/** At most `concurrency` calls run at once; up to `queueMax` wait their turn; more are refused. */
export class ConcurrencyLimit {
  readonly #concurrency: number;
  readonly #queueMax: number;
  #running = 0;
  readonly #waiting: Array<() => void> = [];

  constructor(concurrency: number, queueMax: number) {
    this.#concurrency = concurrency;
    this.#queueMax = queueMax;
  }

  get running(): number {
    return this.#running;
  }

  /** Runs `work` when a slot is free; returns undefined at once, without running it, when the queue is full. */
  async run<T>(work: () => Promise<T>): Promise<{ value: T } | undefined> {
    if (this.#running >= this.#concurrency) {
      if (this.#waiting.length >= this.#queueMax) return undefined;
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    } else {
      this.#running++;
    }
    try {
      return { value: await work() };
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#running--;
    }
  }
}
