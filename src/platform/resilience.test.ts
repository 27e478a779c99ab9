import assert from "node:assert/strict";
import { test } from "node:test";
import { CircuitBreaker, ConcurrencyLimit } from "./resilience.ts";

test("the circuit opens after the threshold of consecutive failures and lets one trial through after the pause", () => {
  const breaker = new CircuitBreaker({ failureThreshold: 3, openMs: 1000 });
  breaker.failed(0);
  breaker.failed(0);
  assert.equal(breaker.allow(0), true);
  breaker.failed(0);
  assert.equal(breaker.state, "open");
  assert.equal(breaker.allow(999), false);
  assert.equal(breaker.allow(1000), true);
  assert.equal(breaker.state, "half_open");
  assert.equal(breaker.allow(1000), false, "only one trial call while half open");
  breaker.failed(1000);
  assert.equal(breaker.allow(1500), false, "a failed trial opens the circuit again");
  assert.equal(breaker.allow(2000), true);
  breaker.succeeded();
  assert.equal(breaker.state, "closed");
});

test("a success resets the count of consecutive failures", () => {
  const breaker = new CircuitBreaker({ failureThreshold: 2, openMs: 1000 });
  breaker.failed(0);
  breaker.succeeded();
  breaker.failed(0);
  assert.equal(breaker.state, "closed");
});

test("the concurrency limit never runs more than its limit at once and refuses beyond its queue", async () => {
  const limit = new ConcurrencyLimit(2, 3);
  let running = 0;
  let peak = 0;
  const releases: Array<() => void> = [];
  const work = () =>
    new Promise<number>((resolve) => {
      running++;
      peak = Math.max(peak, running);
      releases.push(() => {
        running--;
        resolve(1);
      });
    });
  const calls = Array.from({ length: 5 }, () => limit.run(work));
  assert.equal(await limit.run(work), undefined, "the sixth call finds the queue full");
  while (releases.length || running) {
    await new Promise((r) => setImmediate(r));
    releases.shift()?.();
  }
  const results = await Promise.all(calls);
  assert.deepEqual(
    results.map((r) => r?.value),
    [1, 1, 1, 1, 1],
  );
  assert.equal(peak, 2);
  assert.equal(limit.running, 0);
});
