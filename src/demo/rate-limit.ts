// A token bucket per socket: a burst is allowed, then a steady rate. Refusals in
// a row count as strikes, so a client that keeps flooding is told to go.
import { DEMO_LIMITS } from "./limits.js";

export type RateDecision = "ok" | "refused" | "abuse";

export class TokenBucket {
  #tokens: number;
  #updated: number;
  #strikes = 0;
  readonly #burst: number;
  readonly #perMs: number;

  constructor(burst: number = DEMO_LIMITS.rateBurst, perSecond: number = DEMO_LIMITS.ratePerSecond) {
    this.#burst = burst;
    this.#perMs = perSecond / 1000;
    this.#tokens = burst;
    this.#updated = Date.now();
  }

  /** Takes a token: `"ok"`, `"refused"` when none is left, `"abuse"` past the strikes allowed. */
  take(now = Date.now()): RateDecision {
    this.#tokens = Math.min(this.#burst, this.#tokens + (now - this.#updated) * this.#perMs);
    this.#updated = now;
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      this.#strikes = 0;
      return "ok";
    }
    this.#strikes += 1;
    return this.#strikes >= DEMO_LIMITS.maxStrikes ? "abuse" : "refused";
  }

  /** Refusals since the last accepted action. */
  get strikes(): number {
    return this.#strikes;
  }

  /** Milliseconds until the next token. */
  get retryMs(): number {
    return Math.max(0, Math.ceil((1 - this.#tokens) / this.#perMs));
  }
}
