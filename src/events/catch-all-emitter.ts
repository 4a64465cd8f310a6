// The catch-all listeners of Socket.IO's sockets, on the server and in the client:
// `onAny` hears every incoming event, `onAnyOutgoing` every event sent. The lists
// are made on first use, so a socket without such listeners holds nothing for them.
import { TypedEmitter } from "./typed-emitter.js";
import type { EventsMap } from "./typed-events.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a catch-all listener takes any arguments
export type AnyListener = (event: string, ...args: any[]) => void;

function removeFrom(list: AnyListener[] | undefined, listener: AnyListener | undefined): AnyListener[] | undefined {
  if (list === undefined || listener === undefined) return undefined;
  const index = list.indexOf(listener);
  if (index !== -1) list.splice(index, 1);
  return list;
}

export class CatchAllEmitter<ListenEvents extends EventsMap, ReservedEvents extends EventsMap> extends TypedEmitter<
  ListenEvents,
  ReservedEvents
> {
  #incoming: AnyListener[] | undefined;
  #outgoing: AnyListener[] | undefined;

  /** Adds a listener of every incoming event: `(event, ...args)`. */
  onAny(listener: AnyListener): this {
    (this.#incoming ??= []).push(listener);
    return this;
  }

  /** Adds a listener of every incoming event, run before the others. */
  prependAny(listener: AnyListener): this {
    (this.#incoming ??= []).unshift(listener);
    return this;
  }

  /** Removes one catch-all listener, or all of them. */
  offAny(listener?: AnyListener): this {
    this.#incoming = removeFrom(this.#incoming, listener);
    return this;
  }

  listenersAny(): AnyListener[] {
    return this.#incoming?.slice() ?? [];
  }

  /** Adds a listener of every event this socket sends. */
  onAnyOutgoing(listener: AnyListener): this {
    (this.#outgoing ??= []).push(listener);
    return this;
  }

  prependAnyOutgoing(listener: AnyListener): this {
    (this.#outgoing ??= []).unshift(listener);
    return this;
  }

  offAnyOutgoing(listener?: AnyListener): this {
    this.#outgoing = removeFrom(this.#outgoing, listener);
    return this;
  }

  listenersAnyOutgoing(): AnyListener[] {
    return this.#outgoing?.slice() ?? [];
  }

  /** Whether an `onAnyOutgoing` listener is there (so callers skip building what it would get). */
  protected get hasAnyOutgoing(): boolean {
    return this.#outgoing !== undefined;
  }

  /** Runs the `onAny` listeners with an incoming event (`[name, ...args]`). */
  protected notifyAnyIncoming(event: readonly unknown[]): void {
    if (this.#incoming !== undefined) this.#notify(this.#incoming, event);
  }

  /** Runs the `onAnyOutgoing` listeners with an event sent (`[name, ...args]`). */
  protected notifyAnyOutgoing(event: readonly unknown[]): void {
    if (this.#outgoing !== undefined) this.#notify(this.#outgoing, event);
  }

  /** A listener that throws is reported like any failing listener; the others still run. */
  #notify(listeners: readonly AnyListener[], event: readonly unknown[]): void {
    for (const listener of listeners.slice()) {
      try {
        (listener as (...args: unknown[]) => void).apply(this, event as unknown[]);
      } catch (error) {
        this.reportListenerError(error, "any");
      }
    }
  }
}
