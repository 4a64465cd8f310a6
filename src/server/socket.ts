// The server side of one client in one namespace: Socket.IO 4's `Socket`.
// Over the 400-line budget for a core class by its TSDoc; the code itself is under.
import type { IncomingHttpHeaders } from "node:http";
import type { ParsedUrlQuery } from "node:querystring";
import type { PeerCertificate } from "node:tls";
import type { AckCallback, AdapterSocket, BroadcastFlags, Room, SocketId } from "../cluster/adapter.js";
import { queryOf } from "../engine/handshake.js";
import type { HandshakeRequest, Session } from "../engine/session.js";
import { generateId } from "../engine/session-id.js";
import { ArgumentError, EnchufeError, ErrorCode, TimeoutError } from "../errors.js";
import { EncodedPacket } from "../protocol/encoded-packet.js";
import { PacketType, RESERVED_EVENTS, type SocketPacket } from "../protocol/socket-packet.js";
import { BroadcastOperator } from "./broadcast-operator.js";
import type { Connection } from "./connection.js";
import { runMiddlewares, type ExtendedError, type NextFunction } from "./middleware.js";
import type { Namespace } from "./namespace.js";
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

/** Why a socket disconnected: Socket.IO's reasons, plus `"slow consumer"`. */
export type DisconnectReason =
  | "transport error"
  | "transport close"
  | "forced close"
  | "ping timeout"
  | "parse error"
  | "server shutting down"
  | "forced server close"
  | "client namespace disconnect"
  | "server namespace disconnect"
  | "slow consumer";

/** What the client sent when it connected. */
export interface Handshake {
  /** The headers of the HTTP request that opened the connection. */
  headers: IncomingHttpHeaders;
  /** When the socket was created, as a date string. */
  time: string;
  /** The client's address. */
  address: string;
  /** Whether the request came with an Origin header (a browser page). */
  xdomain: boolean;
  /** Whether the connection is encrypted. */
  secure: boolean;
  /** When the socket was created, in milliseconds since the epoch. */
  issued: number;
  /** The URL of the request. */
  url: string;
  /** The query of the request. */
  query: ParsedUrlQuery;
  /** The payload of the CONNECT packet (`auth` on the client). */
  auth: Record<string, unknown>;
  /** The client's TLS certificate, when it presented one (`tls://` or HTTPS with `requestCert`). */
  certificate: PeerCertificate | undefined;
}

/** Events the library emits on a socket. */
export interface SocketReservedEvents {
  /** The socket is leaving; `socket.rooms` still holds its rooms. */
  disconnecting: (reason: DisconnectReason, description?: unknown) => void;
  disconnect: (reason: DisconnectReason, description?: unknown) => void;
  /** A `socket.use()` middleware refused a packet, or a listener threw. */
  error: (error: Error) => void;
}

export type { AnyListener } from "../events/catch-all-emitter.js";

/** A middleware for incoming packets: `([event, ...args], next) => …`. */
export type EventMiddleware = (event: [string, ...unknown[]], next: NextFunction) => unknown;

const NO_FLAGS: BroadcastFlags = Object.freeze({});

/** When the last too-large warning was given: at most one a second, whatever the broadcasts. */
let lastTooLargeWarningAt = -Infinity;

function warnTooLarge(transport: string): void {
  const now = performance.now();
  if (now - lastTooLargeWarningAt < 1000) return;
  lastTooLargeWarningAt = now;
  process.emitWarning(`a broadcast skipped ${transport} clients: the packet does not fit in one datagram`, {
    type: "EnchufeWarning",
    code: ErrorCode.MESSAGE_TOO_LARGE,
    detail: "Raise maxDatagramBytes on the udp:// listener, or send less.",
  });
}

/**
 * One client connected to one namespace.
 *
 * @example
 * io.on("connection", (socket) => {
 *   socket.join("lobby");
 *   socket.on("hello", (name, ack) => ack(`hola ${name}`));
 *   socket.to("lobby").emit("joined", socket.id);
 * });
 */
export class Socket<
  ListenEvents extends EventsMap = DefaultEventsMap,
  EmitEvents extends EventsMap = ListenEvents,
  ServerSideEvents extends EventsMap = DefaultEventsMap,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  SocketData = any,
>
  extends CatchAllEmitter<ListenEvents, SocketReservedEvents>
  implements AdapterSocket
{
  /** The socket id, distinct from the session id and safe to share with other clients. */
  readonly id: SocketId = generateId();
  /** The namespace this socket belongs to. */
  readonly nsp: Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>;
  /** True from the CONNECT answer until the disconnect. */
  connected = false;
  readonly #connection: Connection;
  // Set once the socket left (or was refused): no more joins, emits or disconnect events.
  #isClosed = false;
  readonly #auth: Record<string, unknown> | undefined;
  readonly #issued = Date.now();
  // Built on first use: an idle connection should cost little memory (issue #3).
  #handshake: Handshake | undefined;
  #data: SocketData | undefined;
  #flags: BroadcastFlags | undefined;
  #acks: Map<number, AckCallback> | undefined;
  #middlewares: EventMiddleware[] | undefined;

  /** @internal Created by the namespace when a client asks to join it. */
  constructor(
    namespace: Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>,
    connection: Connection,
    auth: Record<string, unknown> | undefined,
  ) {
    super();
    this.nsp = namespace;
    this.#connection = connection;
    this.#auth = auth;
  }

  /** Whether the socket took over an earlier session (connection state recovery, not offered yet). */
  get recovered(): boolean {
    return false;
  }

  /** What the client sent when it connected: headers, address, query, `auth`, times. */
  get handshake(): Handshake {
    if (this.#handshake === undefined) {
      const session = this.#connection.session;
      this.#handshake = {
        headers: session.headers,
        time: new Date(this.#issued).toString(),
        address: session.remoteAddress,
        xdomain: session.headers.origin !== undefined,
        secure: session.secure,
        issued: this.#issued,
        url: session.url,
        query: queryOf(session.url),
        auth: this.#auth ?? {},
        certificate: session.peerCertificate,
      };
    }
    return this.#handshake;
  }

  /** Any data the application attaches to the socket (shared with `fetchSockets()`). */
  get data(): SocketData {
    return (this.#data ??= {} as SocketData);
  }

  set data(value: SocketData) {
    this.#data = value;
  }

  /** The Engine.IO session under this socket (`socket.conn.transport.name` tells the transport). */
  get conn(): Session {
    return this.#connection.session;
  }

  /**
   * The request that opened the connection: method, url, headers and socket, as a
   * lightweight stand-in (enchufe does not keep the IncomingMessage alive).
   */
  get request(): HandshakeRequest {
    return this.#connection.session.request;
  }

  get disconnected(): boolean {
    return !this.connected;
  }

  /** The rooms the socket is in, its own room (its id) included. */
  get rooms(): Set<Room> {
    return this.nsp.adapter.socketRooms(this.id) ?? new Set();
  }

  /**
   * Sends an event to this client. Give a function as the last argument to get
   * the client's acknowledgement; with {@link timeout} it receives an error first.
   *
   * @throws ArgumentError for a reserved event name.
   * @throws EnchufeError `ENCHUFE_ERR_ACK_LIMIT` when `maxPendingAcks` acknowledgements are pending.
   * @throws EnchufeError `ENCHUFE_ERR_MESSAGE_TOO_LARGE` when the event does not fit in one datagram of a `udp://` client.
   */
  emit<Event extends EventNames<EmitEvents>>(event: Event, ...args: EventParams<EmitEvents, Event>): boolean {
    if (RESERVED_EVENTS.has(event)) {
      throw new ArgumentError(ErrorCode.ARGUMENT_INVALID, `"${event}" is a reserved event name`);
    }
    const flags = this.#flags ?? NO_FLAGS;
    this.#flags = undefined;
    const data = args as unknown[];
    const last = data[data.length - 1];
    const ack = typeof last === "function" ? (data.pop() as (...args: unknown[]) => void) : undefined;
    if (this.#isClosed) {
      // Nothing reaches a client that left; a timed acknowledgement learns it at once.
      if (ack !== undefined && flags.timeout !== undefined) queueMicrotask(() => this.#failAck(ack));
      return false;
    }
    data.unshift(event);
    const packet: SocketPacket = { type: PacketType.EVENT, namespace: this.nsp.name, data };
    if (ack !== undefined) packet.id = this.nsp.nextAckId();
    const encoded = EncodedPacket.from(packet);
    const { session } = this.#connection;
    if (!session.fits(encoded)) {
      throw new EnchufeError(
        ErrorCode.MESSAGE_TOO_LARGE,
        `"${event}" does not fit in one ${session.transport.name} datagram`,
      );
    }
    if (ack !== undefined) this.#registerAck(packet.id!, ack, flags.timeout);
    this.notifyAnyOutgoing(data);
    session.sendEncoded(encoded, flags.volatile === true);
    return true;
  }

  /**
   * Emits and resolves with the client's acknowledgement; after {@link timeout},
   * rejects with a `TimeoutError` when none comes in time.
   *
   * @example
   * const answer = await socket.timeout(5000).emitWithAck("question", 42);
   */
  emitWithAck<Event extends EventNamesWithAck<EmitEvents>>(
    event: Event,
    ...args: AllButLast<EventParams<EmitEvents, Event>>
  ): Promise<EmitWithAckResult<EmitEvents, Event>> {
    const hasTimeout = this.#flags?.timeout !== undefined;
    return new Promise((resolve, reject) => {
      const callback = hasTimeout
        ? (error: Error | null, value: EmitWithAckResult<EmitEvents, Event>) =>
            error === null ? resolve(value) : reject(error)
        : resolve;
      (this.emit as (event: string, ...args: unknown[]) => boolean)(event, ...args, callback);
    });
  }

  /** Same as `emit("message", ...args)`. */
  send(...args: unknown[]): this {
    (this.emit as (event: string, ...args: unknown[]) => boolean)("message", ...args);
    return this;
  }

  /** Same as {@link send}. */
  write(...args: unknown[]): this {
    return this.send(...args);
  }

  /** The next emit's acknowledgement fails with a `TimeoutError` after `ms` milliseconds. */
  timeout(ms: number): Socket<ListenEvents, DecorateAcknowledgements<EmitEvents>, ServerSideEvents, SocketData> {
    checkTimeout(ms);
    this.#flags = { ...this.#flags, timeout: ms };
    return this;
  }

  /** The next emit is dropped if the client is behind on reading. */
  get volatile(): this {
    this.#flags = { ...this.#flags, volatile: true };
    return this;
  }

  /** Sets compression for the next emit, where the transport offers it. */
  compress(compress: boolean): this {
    this.#flags = { ...this.#flags, compress };
    return this;
  }

  /** Broadcasts to everyone in the namespace but this socket. */
  get broadcast(): BroadcastOperator<EmitEvents, SocketData> {
    return this.#operator();
  }

  /** Broadcasts to this process's sockets only (with a cluster adapter). */
  get local(): BroadcastOperator<EmitEvents, SocketData> {
    return this.#operator().local;
  }

  /** Broadcasts to `room` (or rooms), this socket excluded. */
  to(room: Room | readonly Room[]): BroadcastOperator<EmitEvents, SocketData> {
    return this.#operator().to(room);
  }

  /** Same as {@link to}. */
  in(room: Room | readonly Room[]): BroadcastOperator<EmitEvents, SocketData> {
    return this.to(room);
  }

  /** Broadcasts to everyone but those in `room` and this socket. */
  except(room: Room | readonly Room[]): BroadcastOperator<EmitEvents, SocketData> {
    return this.#operator().except(room);
  }

  /** Joins one room or several; does nothing once the socket has left. */
  join(rooms: Room | readonly Room[]): void | Promise<void> {
    if (this.#isClosed) return;
    return this.nsp.adapter.addAll(this.id, typeof rooms === "string" ? [rooms] : rooms);
  }

  /** Leaves a room. */
  leave(room: Room): void | Promise<void> {
    if (this.#isClosed) return;
    return this.nsp.adapter.del(this.id, room);
  }

  /**
   * Disconnects this socket from its namespace: the client sees
   * `"io server disconnect"`. With `close`, closes the whole connection, every
   * namespace on it included.
   */
  disconnect(close = false): this {
    if (!this.connected || this.#isClosed) return this;
    if (close) this.#connection.disconnectAll();
    else this.closeWith("server namespace disconnect");
    return this;
  }

  /** @internal Tells the client it is disconnected, then leaves with `reason`. */
  closeWith(reason: DisconnectReason): void {
    if (!this.connected || this.#isClosed) return;
    this.#connection.writePacket({ type: PacketType.DISCONNECT, namespace: this.nsp.name });
    this.onClose(reason);
  }

  /** Adds a middleware run on each incoming event before its listeners. */
  use(middleware: EventMiddleware): this {
    (this.#middlewares ??= []).push(middleware);
    return this;
  }

  /**
   * Writes a packet encoded once for many sockets (used by adapters). False when
   * this socket is skipped: it is closed, or the packet does not fit its transport
   * (a UDP datagram; a process warning says so, at most once a second).
   */
  deliver(packet: EncodedPacket, flags: BroadcastFlags): boolean {
    if (this.#isClosed) return false;
    const { session } = this.#connection;
    if (!session.fits(packet)) {
      warnTooLarge(session.transport.name);
      return false;
    }
    const source = packet.packet;
    if (this.hasAnyOutgoing && source?.type === PacketType.EVENT) this.notifyAnyOutgoing(source.data as unknown[]);
    session.sendEncoded(packet, flags.volatile === true);
    return true;
  }

  /** Registers the callback of a broadcast's acknowledgement (used by adapters). */
  expectAck(id: number, onAck: AckCallback): boolean {
    const acks = (this.#acks ??= new Map<number, AckCallback>());
    if (this.#isClosed || acks.size >= this.nsp.server.options.maxPendingAcks || acks.has(id)) return false;
    acks.set(id, onAck);
    return true;
  }

  /** Forgets acknowledgement `id` (its broadcast ended; used by adapters). */
  cancelAck(id: number): void {
    this.#acks?.delete(id);
  }

  /** @internal The namespace accepted the socket: answer the client's CONNECT. */
  onConnect(): void {
    this.connected = true;
    this.answerConnect();
  }

  /** @internal Tells the client it joined; again when a UDP client resends its CONNECT (the answer was lost). */
  answerConnect(): void {
    this.#connection.writePacket({ type: PacketType.CONNECT, namespace: this.nsp.name, data: { sid: this.id } });
  }

  /** @internal A packet for this socket arrived. */
  onPacket(packet: SocketPacket): void {
    switch (packet.type) {
      case PacketType.EVENT:
      case PacketType.BINARY_EVENT:
        return this.#onEvent(packet.data as [string, ...unknown[]], packet.id);
      case PacketType.ACK:
      case PacketType.BINARY_ACK:
        return this.#onAck(packet.id!, packet.data as unknown[]);
      case PacketType.DISCONNECT:
        return this.onClose("client namespace disconnect");
      case PacketType.CONNECT:
      case PacketType.CONNECT_ERROR:
        return; // the connection handles these
    }
  }

  /** @internal The namespace refused the socket, or its connection went away before it joined. */
  abandon(): void {
    this.#isClosed = true;
    this.nsp.adapter.delAll(this.id); // rooms a middleware may have joined
  }

  /** @internal The socket leaves its namespace for `reason`. */
  onClose(reason: DisconnectReason, description?: unknown): void {
    if (!this.connected || this.#isClosed) return;
    this.#isClosed = true;
    this.dispatch("disconnecting", [reason, description]);
    this.#failPendingAcks();
    this.nsp.adapter.delAll(this.id);
    this.nsp.removeSocket(this);
    this.#connection.removeSocket(this);
    this.connected = false;
    this.dispatch("disconnect", [reason, description]);
  }

  #operator(): BroadcastOperator<EmitEvents, SocketData> {
    const flags = this.#flags ?? {};
    this.#flags = undefined;
    return new BroadcastOperator(this.nsp, new Set(), new Set([this.id]), flags);
  }

  #onEvent(event: [string, ...unknown[]], id: number | undefined): void {
    if (id !== undefined) event.push(this.#createAck(id));
    this.notifyAnyIncoming(event);
    if (this.#middlewares === undefined) return this.#dispatchEvent(event);
    runMiddlewares(this.#middlewares, event, (error?: ExtendedError) => {
      if (error !== undefined) this.reportListenerError(error, "use");
      else if (this.connected) this.#dispatchEvent(event);
    });
  }

  #dispatchEvent(event: [string, ...unknown[]]): void {
    const name = event.shift() as string;
    this.dispatch(name, event);
  }

  /** The acknowledgement callback of an incoming event: answers once. @throws MESSAGE_TOO_LARGE as emit does. */
  #createAck(id: number): (...args: unknown[]) => void {
    let isSent = false;
    return (...args: unknown[]) => {
      if (isSent) return;
      const encoded = EncodedPacket.from({ type: PacketType.ACK, namespace: this.nsp.name, id, data: args });
      const { session } = this.#connection;
      if (!session.fits(encoded)) {
        const where = session.transport.name;
        throw new EnchufeError(
          ErrorCode.MESSAGE_TOO_LARGE,
          `the acknowledgement does not fit in one ${where} datagram`,
        );
      }
      isSent = true;
      session.sendEncoded(encoded);
    };
  }

  #onAck(id: number, args: unknown[]): void {
    const pending = this.#acks?.get(id);
    if (pending === undefined) return;
    this.#acks!.delete(id);
    try {
      pending(null, args);
    } catch (error) {
      this.reportListenerError(error, "ack");
    }
  }

  #registerAck(id: number, callback: (...args: unknown[]) => void, timeout: number | undefined): void {
    const acks = (this.#acks ??= new Map<number, AckCallback>());
    if (acks.size >= this.nsp.server.options.maxPendingAcks) {
      throw new EnchufeError(ErrorCode.ACK_LIMIT, `more than ${acks.size} acknowledgements pending`);
    }
    if (timeout === undefined) {
      acks.set(id, (error, args) => {
        if (error === null) callback.apply(this, args);
      });
      return;
    }
    const timer = setTimeout(Socket.#expireAck, timeout, this, id);
    acks.set(id, (error, args) => {
      clearTimeout(timer);
      if (error === null) callback.call(this, null, ...args);
      else callback.call(this, error);
    });
  }

  static #expireAck(socket: Socket, id: number): void {
    const pending = socket.#acks?.get(id);
    if (pending === undefined) return;
    socket.#acks!.delete(id);
    try {
      pending(new TimeoutError(ErrorCode.ACK_TIMEOUT, "operation has timed out"), []);
    } catch (error) {
      socket.reportListenerError(error, "ack");
    }
  }

  /** Calls a timed acknowledgement callback of an emit that could not be sent. */
  #failAck(callback: (...args: unknown[]) => void): void {
    try {
      callback.call(this, new EnchufeError(ErrorCode.SOCKET_DISCONNECTED, "socket has been disconnected"));
    } catch (error) {
      this.reportListenerError(error, "ack");
    }
  }

  #failPendingAcks(): void {
    const acks = this.#acks;
    if (acks === undefined || acks.size === 0) return;
    this.#acks = undefined;
    const error = new EnchufeError(ErrorCode.SOCKET_DISCONNECTED, "socket has been disconnected");
    for (const pending of acks.values()) {
      try {
        pending(error, []);
      } catch (cause) {
        this.reportListenerError(cause, "ack");
      }
    }
  }
}

/** Checks a `timeout()` argument. */
export function checkTimeout(ms: number): void {
  if (typeof ms !== "number" || !Number.isInteger(ms) || ms < 0 || ms > 2 ** 31 - 1) {
    throw new ArgumentError(ErrorCode.ARGUMENT_INVALID, `timeout must be an integer from 0 to 2147483647, got ${ms}`);
  }
}
