// engine.io-protocol-v4.md › "Heartbeat": the server pings every pingInterval and
// closes a session whose pong does not come within pingTimeout. One interval for
// the whole server pings every session in a round, and one timer per round checks
// the answers: no timer per session (issue #3: no per-socket timers where a shared
// structure serves). A client sees a ping every pingInterval, as it expects.

/** What the heartbeat needs of a session. */
export interface Pingable {
  /** Sends a ping as part of `round`. */
  ping(round: number): void;
  /** Closes the session if a ping of `round` or earlier is still unanswered. */
  expirePing(round: number): void;
}

function tick(heartbeat: Heartbeat): void {
  heartbeat.tick();
}

function check(heartbeat: Heartbeat, round: number): void {
  heartbeat.check(round);
}

/** Pings every session of one engine on a shared schedule. */
export class Heartbeat {
  readonly #sessions: ReadonlyMap<string, Pingable>;
  readonly #interval: number;
  readonly #timeout: number;
  #timer: ReturnType<typeof setInterval> | undefined;
  #round = 0;

  constructor(sessions: ReadonlyMap<string, Pingable>, interval: number, timeout: number) {
    this.#sessions = sessions;
    this.#interval = interval;
    this.#timeout = timeout;
  }

  /** Starts the rounds if they are not running; they stop by themselves when no session is left. */
  start(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(tick, this.#interval, this);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** @internal One round: a ping to every session, and a check once pingTimeout has passed. */
  tick(): void {
    if (this.#sessions.size === 0) return this.stop();
    const round = ++this.#round;
    for (const session of this.#sessions.values()) session.ping(round);
    setTimeout(check, this.#timeout, this, round).unref();
  }

  /** @internal */
  check(round: number): void {
    for (const session of this.#sessions.values()) session.expirePing(round);
  }
}
