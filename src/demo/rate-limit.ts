// A token bucket: a burst at once, then a steady rate. The chat's actions (a token
// each, rate-check.ts) and the file senders' bytes (a token a byte, files.ts) are
// both metered by it.
import { performance } from "node:perf_hooks";

export class TokenBucket {
  #tokens: number;
  #updated = performance.now();
  readonly #burst: number;
  readonly #perMs: number;

  constructor(burst: number, perSecond: number) {
    this.#burst = burst;
    this.#perMs = perSecond / 1000;
    this.#tokens = burst;
  }

  /**
   * Takes `cost` tokens: 0 when they may be spent, else the milliseconds until they
   * could. A refused take costs nothing, so the bucket never goes below zero and a
   * client that keeps pushing only gets refusals until it has waited.
   */
  take(cost = 1, now = performance.now()): number {
    this.#tokens = Math.min(this.#burst, this.#tokens + (now - this.#updated) * this.#perMs);
    this.#updated = now;
    if (this.#tokens >= cost) {
      this.#tokens -= cost;
      return 0;
    }
    return Math.ceil((cost - this.#tokens) / this.#perMs);
  }
}
