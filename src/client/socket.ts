// A client socket: one namespace over its Manager's connection. It joins with
// CONNECT (auth, and the recovery fields), emits events with acknowledgements,
// keeps what is emitted while offline (bounded), and retries emits at least once
// when asked to.
import { ArgumentError, EnchufeError, ErrorCode, TimeoutError } from "../errors.js";
import { CatchAllEmitter } from "../events/catch-all-emitter.js";
import type {
  AllButLast,
  DecorateAcknowledgements,
  DefaultEventsMap,
  EmitWithAckResult,
  EventNames,
  EventNamesWithAck,
  EventParams,
  EventsMap,
} from "../events/typed-events.js";
import { PacketType, RESERVED_EVENTS, type SocketPacket } from "../protocol/socket-packet.js";
import type { EngineCloseReason } from "./engine/engine-socket.js";
import type { Manager } from "./manager.js";
import { defined, SOCKET_DEFAULTS, type SocketOptions } from "./options.js";

/** Why a client socket disconnected, in Socket.IO's words. */
export type ClientDisconnectReason = EngineCloseReason | "io server disconnect" | "io client disconnect";

/** A `connect_error`: the server's refusal (`message`, and `data` from its middleware), or a connection failure. */
export interface ConnectError extends Error {
  data?: unknown;
}

export interface ClientSocketReservedEvents {
  connect: () => void;
  connect_error: (error: ConnectError) => void;
  disconnect: (reason: ClientDisconnectReason, description?: Error) => void;
}

type Ack = ((...args: unknown[]) => void) & { withError?: boolean };

interface Flags {
  volatile?: boolean;
  timeout?: number;
  fromQueue?: boolean;
}

const NO_FLAGS: Readonly<Flags> = Object.freeze({});

/**
 * A socket id (or recovery pid) as a server's CONNECT gives it: 1 to 255 printable
 * ASCII characters. It ends up in logs and terminals, so nothing else is taken.
 */
function isSocketId(value: unknown): value is string {
  return typeof value === "string" && /^[\x21-\x7e]{1,255}$/.test(value);
}

/** How often a CONNECT is sent again over UDP until answered. */
const CONNECT_RESEND_MS = 500;

/** An emit waiting in the at-least-once queue (`retries`). */
interface QueuedEmit {
  args: unknown[];
  flags: Flags;
  tries: number;
  isPending: boolean;
  /** The application's acknowledgement, called once with the outcome. */
  ack: Ack | undefined;
}

export class Socket<
  ListenEvents extends EventsMap = DefaultEventsMap,
  EmitEvents extends EventsMap = ListenEvents,
> extends CatchAllEmitter<ListenEvents, ClientSocketReservedEvents> {
  /** The Manager, which owns the connection. */
  readonly io: Manager<ListenEvents, EmitEvents>;
  /** The namespace. */
  readonly nsp: string;
  /** The socket id the server gave, while connected. */
  id: string | undefined;
  connected = false;
  /** Whether the last connection resumed the previous session (connection-state recovery). */
  recovered = false;
  /** The CONNECT payload, or a function producing it on every (re)connect. */
  auth: SocketOptions["auth"];
  /** Events emitted while offline, sent on (re)connection. */
  sendBuffer: SocketPacket[] = [];
  /** Events that came before CONNECT (a recovered session's missed events do), emitted on connect. */
  receiveBuffer: unknown[][] = [];
  readonly #options: typeof SOCKET_DEFAULTS & SocketOptions;
  readonly #acks = new Map<number, Ack>();
  readonly #queue: QueuedEmit[] = [];
  #nextAckId = 0;
  /** Flags for the next emit only (`timeout()`, `volatile`); none, most of the time. */
  #flags: Flags | undefined;
  #cleanups: (() => void)[] | undefined;
  #pid: string | undefined;
  #connectResend: ReturnType<typeof setInterval> | undefined;
  #lastOffset: string | undefined;

  constructor(io: Manager<ListenEvents, EmitEvents>, nsp: string, options: SocketOptions = {}) {
    super();
    this.io = io;
    this.nsp = nsp;
    this.#options = { ...SOCKET_DEFAULTS, ...defined(options) };
    this.auth = options.auth;
    if (io.opts.autoConnect) this.connect();
  }

  get disconnected(): boolean {
    return !this.connected;
  }

  /** Whether the socket is connected or will try to be (it listens to its Manager). */
  get active(): boolean {
    return this.#cleanups !== undefined;
  }

  /** Connects (or reconnects by hand after `disconnect()`). */
  connect(): this {
    if (this.connected) return this;
    this.#subscribe();
    if (!this.io.reconnecting) this.io.open();
    if (this.io.readyState === "open") this.#onOpen();
    return this;
  }

  /** Same as {@link connect}. */
  open(): this {
    return this.connect();
  }

  /** Leaves the namespace (`"io client disconnect"`); the connection closes with its last socket. */
  disconnect(): this {
    const wasConnected = this.connected;
    if (wasConnected) this.io.packet({ type: PacketType.DISCONNECT, namespace: this.nsp });
    this.#destroy();
    if (wasConnected) this.#onClose("io client disconnect");
    return this;
  }

  /** Same as {@link disconnect}. */
  close(): this {
    return this.disconnect();
  }

  /**
   * Emits an event; a final function receives the server's acknowledgement.
   * While disconnected, the event waits in `sendBuffer` (unless volatile).
   *
   * @throws ArgumentError for a reserved event name.
   * @throws EnchufeError `ENCHUFE_ERR_MESSAGE_TOO_LARGE` when, over UDP, the event does
   *   not fit in one datagram (an event buffered offline fails its timed ack instead).
   */
  emit<Event extends EventNames<EmitEvents>>(event: Event, ...args: EventParams<EmitEvents, Event>): this {
    if (RESERVED_EVENTS.has(event)) {
      throw new ArgumentError(ErrorCode.ARGUMENT_INVALID, `"${event}" is a reserved event name`);
    }
    const flags = this.#flags ?? NO_FLAGS;
    this.#flags = undefined;
    if (this.#options.retries > 0 && flags.fromQueue !== true && flags.volatile !== true) {
      this.#enqueue([event, ...args], flags);
      return this;
    }
    const data: unknown[] = [event, ...args];
    const packet: SocketPacket = { type: PacketType.EVENT, namespace: this.nsp, data };
    const ack = typeof data[data.length - 1] === "function" ? (data.pop() as Ack) : undefined;
    if (ack !== undefined) packet.id = this.#nextAckId++;
    // A volatile emit goes only if it can be written now.
    const isSent = this.connected && (flags.volatile !== true || this.io.engine?.transport.writable === true);
    if (isSent) this.io.packet(packet); // throws when it cannot be sent at all; no ack is registered then
    // Registered once sent: an answer cannot come back within this turn.
    if (ack !== undefined) this.#registerAck(packet.id!, ack, flags.timeout);
    if (isSent) this.notifyAnyOutgoing(data);
    else if (flags.volatile !== true) this.#buffer(packet);
    return this;
  }

  /** Emits and resolves with the acknowledgement (rejects on timeout). */
  emitWithAck<Event extends EventNamesWithAck<EmitEvents>>(
    event: Event,
    ...args: AllButLast<EventParams<EmitEvents, Event>>
  ): Promise<EmitWithAckResult<EmitEvents, Event>> {
    return new Promise((resolve, reject) => {
      const ack: Ack = (error, response) => {
        if (error instanceof Error) reject(error);
        else resolve(response as never);
      };
      ack.withError = true;
      (this.emit as (...all: unknown[]) => this)(event, ...args, ack);
    });
  }

  /** `emit("message", ...args)`. */
  send(...args: unknown[]): this {
    return (this.emit as (...all: unknown[]) => this)("message", ...args);
  }

  /** Same as {@link send}. */
  write(...args: unknown[]): this {
    return this.send(...args);
  }

  /** The next emit's acknowledgement gets an Error first, after `ms` without an answer. */
  timeout(ms: number): Socket<ListenEvents, DecorateAcknowledgements<EmitEvents>> {
    (this.#flags ??= {}).timeout = ms;
    return this;
  }

  /** The next emit is dropped unless it can be written at once. */
  get volatile(): this {
    (this.#flags ??= {}).volatile = true;
    return this;
  }

  /** Accepted for compatibility; no compression is negotiated. */
  compress(_compress: boolean): this {
    return this;
  }

  /** @internal A packet of this namespace arrived. */
  onPacket(packet: SocketPacket): void {
    switch (packet.type) {
      case PacketType.CONNECT: {
        // A resent CONNECT's second answer (UDP), or a late one after this socket left.
        if (this.connected || !this.active) return;
        const data = packet.data as { sid?: unknown; pid?: unknown } | undefined;
        if (!isSocketId(data?.sid)) return this.#connectError(new Error("invalid CONNECT packet"));
        return this.#onConnect(data.sid, isSocketId(data.pid) ? data.pid : undefined);
      }
      case PacketType.EVENT:
      case PacketType.BINARY_EVENT:
        return this.#onEvent(packet);
      case PacketType.ACK:
      case PacketType.BINARY_ACK:
        return this.#onAck(packet);
      case PacketType.DISCONNECT:
        this.#destroy();
        return this.#onClose("io server disconnect");
      case PacketType.CONNECT_ERROR: {
        this.#destroy();
        const data = packet.data as { message?: unknown; data?: unknown } | string;
        const message = typeof data === "string" ? data : String(data.message);
        const error: ConnectError = new Error(message);
        if (typeof data === "object") error.data = data.data;
        return this.#connectError(error);
      }
    }
  }

  #subscribe(): void {
    if (this.#cleanups !== undefined) return;
    const onOpen = (): void => this.#onOpen();
    const onError = (error: Error): void => {
      if (!this.connected) this.#connectError(error);
    };
    const onClose = (reason: EngineCloseReason, description?: Error): void => this.#onClose(reason, description);
    this.io.on("open", onOpen).on("error", onError).on("close", onClose);
    this.#cleanups = [() => this.io.off("open", onOpen).off("error", onError).off("close", onClose)];
  }

  #onOpen(): void {
    this.receiveBuffer = []; // anything that came before this CONNECT belongs to an older session
    const send = (data?: Record<string, unknown>): void => {
      const recovery = this.#pid === undefined ? undefined : { pid: this.#pid, offset: this.#lastOffset };
      const payload = recovery === undefined ? data : { ...recovery, ...data };
      const packet: SocketPacket = { type: PacketType.CONNECT, namespace: this.nsp, ...(payload && { data: payload }) };
      try {
        this.io.packet(packet);
      } catch (error) {
        // `auth` too large for a UDP datagram: this socket cannot join, and says why.
        this.#destroy();
        return this.#connectError(error as Error);
      }
      if (this.io.engine?.transport.reliable === false) this.#resendConnect(packet);
    };
    if (typeof this.auth === "function") this.auth(send);
    else send(this.auth);
  }

  /** Over UDP the CONNECT or its answer may be lost: sent again until the namespace answers. */
  #resendConnect(packet: SocketPacket): void {
    const engine = this.io.engine;
    clearInterval(this.#connectResend);
    this.#connectResend = setInterval(() => {
      const isWaiting = !this.connected && this.active && this.io.engine === engine;
      if (isWaiting && engine?.readyState === "open") return this.io.packet(packet);
      clearInterval(this.#connectResend);
      this.#connectResend = undefined;
    }, CONNECT_RESEND_MS);
    this.#connectResend.unref?.();
  }

  #onConnect(id: string, pid: string | undefined): void {
    clearInterval(this.#connectResend);
    this.id = id;
    this.recovered = pid !== undefined && this.#pid === pid;
    this.#pid = pid;
    this.connected = true;
    for (const args of this.receiveBuffer.splice(0)) this.#emitEvent(args);
    for (const packet of this.sendBuffer.splice(0)) {
      try {
        this.io.packet(packet);
      } catch (error) {
        this.#failAck(packet.id, error as Error); // too large for this transport: dropped
        continue;
      }
      this.notifyAnyOutgoing(packet.data as unknown[]);
    }
    this.emitReserved("connect");
    this.#drainQueue(true);
  }

  #onEvent(packet: SocketPacket): void {
    const args = (packet.data as unknown[]).slice();
    if (packet.id !== undefined) args.push(this.#answer(packet.id));
    if (this.connected) this.#emitEvent(args);
    else if (this.active) this.#keep(this.receiveBuffer, args);
  }

  #emitEvent(args: unknown[]): void {
    this.notifyAnyIncoming(args);
    this.dispatch(args[0] as string, args.slice(1));
    // With connection-state recovery the server adds each event's offset as its last argument.
    const last = args[args.length - 1];
    if (this.#pid !== undefined && typeof last === "string") this.#lastOffset = last;
  }

  /** The acknowledgement callback of an incoming event: answers once. */
  #answer(id: number): (...args: unknown[]) => void {
    let isSent = false;
    return (...args) => {
      if (isSent) return;
      isSent = true;
      this.io.packet({ type: PacketType.ACK, namespace: this.nsp, id, data: args });
    };
  }

  #onAck(packet: SocketPacket): void {
    const ack = packet.id === undefined ? undefined : this.#acks.get(packet.id);
    if (ack === undefined) return;
    this.#acks.delete(packet.id!);
    const args = packet.data as unknown[];
    if (ack.withError === true) ack(null, ...args);
    else ack(...args);
  }

  #registerAck(id: number, ack: Ack, flagTimeout: number | undefined): void {
    const timeout = flagTimeout ?? this.#options.ackTimeout;
    if (timeout === undefined) {
      this.#acks.set(id, ack);
      return;
    }
    const timer = setTimeout(() => {
      this.#acks.delete(id);
      const index = this.sendBuffer.findIndex((packet) => packet.id === id);
      if (index !== -1) this.sendBuffer.splice(index, 1);
      ack(new TimeoutError(ErrorCode.ACK_TIMEOUT, "operation has timed out"));
    }, timeout);
    const settled: Ack = (...args) => {
      clearTimeout(timer);
      ack(...args);
    };
    settled.withError = true;
    this.#acks.set(id, settled);
  }

  /** Keeps a packet for the next connection; past `maxBufferedEvents` the oldest goes. */
  #buffer(packet: SocketPacket): void {
    const dropped = this.#keep(this.sendBuffer, packet);
    if (dropped !== undefined) {
      this.#failAck(dropped.id, new EnchufeError(ErrorCode.BUFFER_FULL, "dropped from the offline buffer"));
    }
  }

  /** A packet that will never be sent: its acknowledgement, if timed, fails with `error`. */
  #failAck(id: number | undefined, error: Error): void {
    const ack = id === undefined ? undefined : this.#acks.get(id);
    if (ack === undefined) return;
    this.#acks.delete(id!);
    if (ack.withError === true) ack(error);
  }

  /** Adds to a buffer bounded by `maxBufferedEvents`; returns the oldest item when it fell out. */
  #keep<Item>(buffer: Item[], item: Item): Item | undefined {
    buffer.push(item);
    return buffer.length > this.#options.maxBufferedEvents ? buffer.shift() : undefined;
  }

  /** At-least-once emits: one at a time, each sent again on timeout until acknowledged or out of retries. */
  #enqueue(args: unknown[], flags: Flags): void {
    const ack = typeof args[args.length - 1] === "function" ? (args.pop() as Ack) : undefined;
    const entry: QueuedEmit = { args, flags: { ...flags, fromQueue: true }, tries: 0, isPending: false, ack };
    const settle: Ack = (error, ...responses) => {
      if (entry !== this.#queue[0]) return;
      if (error !== null && entry.tries <= this.#options.retries) {
        entry.isPending = false; // timed out: sent again below
      } else {
        this.#queue.shift();
        ack?.(error, ...responses); // error first, as with every emit that can time out
      }
      this.#drainQueue();
    };
    settle.withError = true;
    args.push(settle);
    this.#queue.push(entry);
    this.#drainQueue();
  }

  #drainQueue(force = false): void {
    const entry = this.#queue[0];
    if (!this.connected || entry === undefined || (entry.isPending && !force)) return;
    entry.isPending = true;
    entry.tries++;
    this.#flags = entry.flags;
    try {
      (this.emit as (...all: unknown[]) => this)(...entry.args);
    } catch (error) {
      // It can never be sent (too large for a datagram): it ends with the error, and the next one goes.
      this.#queue.shift();
      entry.ack?.(error);
      this.#drainQueue();
    }
  }

  #connectError(error: ConnectError): void {
    this.emitReserved("connect_error", error);
  }

  #destroy(): void {
    if (this.#cleanups === undefined) return;
    for (const cleanup of this.#cleanups) cleanup();
    this.#cleanups = undefined;
    this.io.destroySocket();
  }

  #onClose(reason: ClientDisconnectReason, description?: Error): void {
    // Never connected: a failure to connect is a connect_error, not a disconnect.
    if (!this.connected) return;
    this.connected = false;
    this.id = undefined;
    // Acknowledgements with a timeout fail now; the others may still come after a recovery.
    for (const [id, ack] of this.#acks) {
      if (ack.withError !== true || this.sendBuffer.some((packet) => packet.id === id)) continue;
      this.#acks.delete(id);
      ack(new EnchufeError(ErrorCode.SOCKET_DISCONNECTED, "socket has been disconnected"));
    }
    this.emitReserved("disconnect", reason, description);
  }
}
