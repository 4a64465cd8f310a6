// A small typed event emitter. Not Node's EventEmitter: an event named "error"
// from the network must not throw when nobody listens, and a listener that throws
// or rejects must never take the process down (issue #2).
import type {
  EventNames,
  EventParams,
  EventsMap,
  ReservedOrUserEventNames,
  ReservedOrUserListener,
} from "./typed-events.js";

type Listener = (...args: never[]) => unknown;
type OnceListener = Listener & { listener: Listener };
// One listener is kept as itself, several in an array: most events have one (memory per socket).
type Entry = Listener | Listener[];

function isList(entry: Entry): entry is Listener[] {
  return Array.isArray(entry);
}

/** Emits `error` on `target`'s behalf when a listener fails. */
function reportRejection(this: { target: TypedEmitter<EventsMap, EventsMap>; event: string }, error: unknown): void {
  this.target.reportListenerError(error, this.event);
}

/**
 * Listener registration shared by the server, its namespaces and sockets.
 * `ListenEvents` are the events the application declares; `ReservedEvents` the
 * ones the library emits itself.
 */
export class TypedEmitter<ListenEvents extends EventsMap, ReservedEvents extends EventsMap> {
  #listeners: Map<string, Entry> | undefined;

  /** Adds a listener for `event`. */
  on<Event extends ReservedOrUserEventNames<ReservedEvents, ListenEvents>>(
    event: Event,
    listener: ReservedOrUserListener<ReservedEvents, ListenEvents, Event>,
  ): this {
    this.#listeners ??= new Map();
    const entry = this.#listeners.get(event);
    if (entry === undefined) this.#listeners.set(event, listener);
    else if (isList(entry)) entry.push(listener);
    else this.#listeners.set(event, [entry, listener]);
    return this;
  }

  /** Same as {@link on}. */
  addListener<Event extends ReservedOrUserEventNames<ReservedEvents, ListenEvents>>(
    event: Event,
    listener: ReservedOrUserListener<ReservedEvents, ListenEvents, Event>,
  ): this {
    return this.on(event, listener);
  }

  /** Adds a listener that runs at most once. */
  once<Event extends ReservedOrUserEventNames<ReservedEvents, ListenEvents>>(
    event: Event,
    listener: ReservedOrUserListener<ReservedEvents, ListenEvents, Event>,
  ): this {
    const wrapper = ((...args: never[]): unknown => {
      this.off(event, wrapper as never);
      return (listener as Listener).apply(this, args);
    }) as OnceListener;
    wrapper.listener = listener;
    return this.on(event, wrapper as never);
  }

  /** Removes one listener (or its `once` wrapper) of `event`. */
  off<Event extends ReservedOrUserEventNames<ReservedEvents, ListenEvents>>(
    event: Event,
    listener: ReservedOrUserListener<ReservedEvents, ListenEvents, Event>,
  ): this {
    const entry = this.#listeners?.get(event);
    if (entry === undefined) return this;
    const list = isList(entry) ? entry : [entry];
    const index = list.findIndex(
      (candidate) => candidate === listener || (candidate as Partial<OnceListener>).listener === listener,
    );
    if (index === -1) return this;
    list.splice(index, 1);
    if (list.length === 0) this.#listeners!.delete(event);
    else if (list.length === 1) this.#listeners!.set(event, list[0]!);
    return this;
  }

  /** Same as {@link off}. */
  removeListener<Event extends ReservedOrUserEventNames<ReservedEvents, ListenEvents>>(
    event: Event,
    listener: ReservedOrUserListener<ReservedEvents, ListenEvents, Event>,
  ): this {
    return this.off(event, listener);
  }

  /** Removes every listener of `event`, or of every event. */
  removeAllListeners(event?: ReservedOrUserEventNames<ReservedEvents, ListenEvents>): this {
    if (event === undefined) this.#listeners = undefined;
    else this.#listeners?.delete(event);
    return this;
  }

  /** The listeners of `event`, in the order they run. */
  listeners<Event extends ReservedOrUserEventNames<ReservedEvents, ListenEvents>>(
    event: Event,
  ): ReservedOrUserListener<ReservedEvents, ListenEvents, Event>[] {
    const entry = this.#listeners?.get(event);
    const list = entry === undefined ? [] : isList(entry) ? entry : [entry];
    return list.map((listener) => (listener as Partial<OnceListener>).listener ?? listener) as never;
  }

  /** How many listeners `event` has. */
  listenerCount(event: ReservedOrUserEventNames<ReservedEvents, ListenEvents>): number {
    const entry = this.#listeners?.get(event);
    return entry === undefined ? 0 : isList(entry) ? entry.length : 1;
  }

  /** Runs the listeners of a library event. */
  protected emitReserved<Event extends EventNames<ReservedEvents>>(
    event: Event,
    ...args: EventParams<ReservedEvents, Event>
  ): boolean {
    return this.dispatch(event, args);
  }

  /**
   * @internal Runs the listeners of `event` with `args`. A listener that throws or
   * rejects is reported through {@link reportListenerError}; the others still run.
   */
  dispatch(event: string, args: readonly unknown[]): boolean {
    const entry = this.#listeners?.get(event);
    if (entry === undefined) return false;
    if (!isList(entry)) this.#invoke(entry, event, args);
    else for (const listener of entry.slice()) this.#invoke(listener, event, args);
    return true;
  }

  /**
   * @internal Where a listener's exception or rejection goes: to the `error`
   * listeners of this emitter if it has any, else to `process.emitWarning`.
   */
  reportListenerError(error: unknown, event: string): void {
    if (event !== "error" && this.#listeners?.has("error") === true) {
      this.dispatch("error", [error]);
      return;
    }
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.emitWarning(`a listener of "${event}" failed: ${detail}`, {
      type: "EnchufeWarning",
      code: "ENCHUFE_LISTENER_ERROR",
      detail: 'Add an "error" listener to handle this.',
    });
  }

  #invoke(listener: Listener, event: string, args: readonly unknown[]): void {
    try {
      const result = (listener as (...args: unknown[]) => unknown).apply(this, args as unknown[]);
      if (typeof (result as PromiseLike<unknown> | undefined)?.then === "function") {
        (result as PromiseLike<unknown>).then(undefined, reportRejection.bind({ target: this as never, event }));
      }
    } catch (error) {
      this.reportListenerError(error, event);
    }
  }
}
