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

// A client able to make a listener throw could otherwise fill the log with one
// warning (and a stack capture) per message: at most one warning a second.
const WARNING_INTERVAL_MS = 1000;
let lastWarningAt = -Infinity;
let suppressedWarnings = 0;

function warnListenerFailure(error: unknown, event: string): void {
  const now = performance.now();
  if (now - lastWarningAt < WARNING_INTERVAL_MS) {
    suppressedWarnings++;
    return;
  }
  lastWarningAt = now;
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  const more = suppressedWarnings > 0 ? ` (${suppressedWarnings} more failures in the last interval not shown)` : "";
  suppressedWarnings = 0;
  const message = `a listener of "${event}" failed${more}: ${detail}`;
  // Browsers (the client bundle) have no process: the console is their warning channel.
  if (typeof globalThis.process?.emitWarning !== "function") return console.warn(message);
  globalThis.process.emitWarning(message, {
    type: "EnchufeWarning",
    code: "ENCHUFE_LISTENER_ERROR",
    detail: 'Add an "error" listener to handle this.',
  });
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
    return this.#add(event, listener, false);
  }

  /** Adds a listener for `event`, run before the others. */
  prependListener<Event extends ReservedOrUserEventNames<ReservedEvents, ListenEvents>>(
    event: Event,
    listener: ReservedOrUserListener<ReservedEvents, ListenEvents, Event>,
  ): this {
    return this.#add(event, listener, true);
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
    return this.#add(event, this.#onceWrapper(event, listener), false);
  }

  /** Adds a listener that runs at most once, before the others. */
  prependOnceListener<Event extends ReservedOrUserEventNames<ReservedEvents, ListenEvents>>(
    event: Event,
    listener: ReservedOrUserListener<ReservedEvents, ListenEvents, Event>,
  ): this {
    return this.#add(event, this.#onceWrapper(event, listener), true);
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

  /** The listeners of `event`, `once` wrappers as they are. */
  rawListeners(event: ReservedOrUserEventNames<ReservedEvents, ListenEvents>): Listener[] {
    const entry = this.#listeners?.get(event);
    return entry === undefined ? [] : isList(entry) ? entry.slice() : [entry];
  }

  /** The events that have listeners. */
  eventNames(): string[] {
    return [...(this.#listeners?.keys() ?? [])];
  }

  /** Accepted for compatibility with Node's EventEmitter; there is no listener-count warning. */
  setMaxListeners(_count: number): this {
    return this;
  }

  /** Always 0 (unlimited), as there is no listener-count warning. */
  getMaxListeners(): number {
    return 0;
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
    warnListenerFailure(error, event);
  }

  #add(event: string, listener: Listener, isFirst: boolean): this {
    this.#listeners ??= new Map();
    const entry = this.#listeners.get(event);
    if (entry === undefined) this.#listeners.set(event, listener);
    else if (!isList(entry)) this.#listeners.set(event, isFirst ? [listener, entry] : [entry, listener]);
    else if (isFirst) entry.unshift(listener);
    else entry.push(listener);
    return this;
  }

  #onceWrapper(event: string, listener: Listener): OnceListener {
    const wrapper = ((...args: never[]): unknown => {
      this.off(event as never, wrapper as never);
      return listener.apply(this, args);
    }) as OnceListener;
    wrapper.listener = listener;
    return wrapper;
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
