// What the dashboard shows about the process: message counters sampled every
// second into a short history, memory, and the event loop's delay.
import { monitorEventLoopDelay, type IntervalHistogram } from "node:perf_hooks";
import { DEMO_LIMITS } from "./limits.js";

/** Running totals the chat increments: events received from clients, and deliveries to them. */
export interface Counters {
  in: number;
  out: number;
}

const DELAY_RESOLUTION_MS = 10;

export interface RateSample {
  /** Seconds since the epoch. */
  t: number;
  in: number;
  out: number;
}

export interface ProcessStats {
  memory: { rss: number; heapUsed: number; heapTotal: number };
  /** Event-loop delay over the last second, in milliseconds. */
  eventLoop: { mean: number; p99: number; max: number };
  uptime: number;
}

export class Stats {
  readonly counters: Counters = { in: 0, out: 0 };
  readonly #rates: RateSample[] = [];
  readonly #last: Counters = { in: 0, out: 0 };
  readonly #delay: IntervalHistogram = monitorEventLoopDelay({ resolution: DELAY_RESOLUTION_MS });
  readonly #started = Date.now();
  #eventLoop = { mean: 0, p99: 0, max: 0 };

  constructor() {
    this.#delay.enable();
  }

  /** Closes the past second: its rates join the history, the delay histogram starts over. */
  sample(now = Date.now()): void {
    this.#rates.push({
      t: Math.floor(now / 1000),
      in: this.counters.in - this.#last.in,
      out: this.counters.out - this.#last.out,
    });
    if (this.#rates.length > DEMO_LIMITS.rateHistorySeconds) this.#rates.shift();
    this.#last.in = this.counters.in;
    this.#last.out = this.counters.out;
    // The histogram records the time between its timer's runs: the delay is what exceeds the resolution.
    const toMs = (ns: number): number =>
      Number.isFinite(ns) ? Math.max(0, Math.round((ns / 1e6 - DELAY_RESOLUTION_MS) * 100) / 100) : 0;
    this.#eventLoop = {
      mean: toMs(this.#delay.mean),
      p99: toMs(this.#delay.percentile(99)),
      max: toMs(this.#delay.max),
    };
    this.#delay.reset();
  }

  get rates(): readonly RateSample[] {
    return this.#rates;
  }

  process(): ProcessStats {
    const { rss, heapUsed, heapTotal } = process.memoryUsage();
    return {
      memory: { rss, heapUsed, heapTotal },
      eventLoop: this.#eventLoop,
      uptime: Math.round((Date.now() - this.#started) / 1000),
    };
  }

  stop(): void {
    this.#delay.disable();
  }
}
