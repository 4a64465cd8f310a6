// Reconnection delays: exponential from `min` to `max`, each spread by up to
// ±`jitter` of itself so that clients dropped together do not return together.

export class Backoff {
  attempts = 0;
  readonly #min: number;
  readonly #max: number;
  readonly #jitter: number;

  constructor(min: number, max: number, jitter: number) {
    this.#min = min;
    this.#max = max;
    this.#jitter = jitter;
  }

  /** The delay before the next attempt, in milliseconds; counts the attempt. */
  duration(): number {
    const base = Math.min(this.#min * 2 ** this.attempts++, this.#max);
    const spread = base * this.#jitter * (Math.random() * 2 - 1);
    return Math.max(0, Math.min(Math.round(base + spread), this.#max));
  }

  reset(): void {
    this.attempts = 0;
  }
}
