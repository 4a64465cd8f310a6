// A namespace: a channel of its own over the same connections, with its own
// middleware, sockets and adapter (socket.io-protocol-v5.md › "Connection to a namespace").
import type { Adapter, Room, SocketId } from "../cluster/adapter.js";
import { PacketType } from "../protocol/socket-packet.js";
import { BroadcastOperator, type RemoteSocket } from "./broadcast-operator.js";
import type { Connection } from "./connection.js";
import { runMiddlewares, type ExtendedError, type Middleware } from "./middleware.js";
import type { ResolvedServerOptions } from "./options.js";
import { Socket } from "./socket.js";
import { TypedEmitter } from "../events/typed-emitter.js";
import type {
  AllButLast,
  DecorateAcknowledgementsWithMultipleResponses,
  DefaultEventsMap,
  EmitWithAckResult,
  EventNames,
  EventNamesWithAck,
  EventParams,
  EventsMap,
} from "../events/typed-events.js";

/** Events the library emits on a namespace (and, for the main one, on the server). */
export interface NamespaceReservedEvents<
  ListenEvents extends EventsMap,
  EmitEvents extends EventsMap,
  ServerSideEvents extends EventsMap,
  SocketData,
> {
  /** A client joined the namespace and passed its middleware. */
  connection: (socket: Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>) => void;
  /** Same as `connection`. */
  connect: (socket: Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>) => void;
  /** A namespace was created (emitted on the main namespace only). */
  new_namespace: (namespace: Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>) => void;
  /** A listener of this namespace, or a broadcast's acknowledgement callback, threw or rejected. */
  error: (error: Error) => void;
}

/** What a namespace needs of its server. */
export interface NamespaceServer {
  readonly options: ResolvedServerOptions;
  /**
   * A fresh acknowledgement id. One counter for the whole server: a parent
   * namespace's broadcast and a child's own emits reach the same sockets.
   */
  nextAckId(): number;
}

type BroadcastEvents<EmitEvents extends EventsMap> = DecorateAcknowledgementsWithMultipleResponses<EmitEvents>;

function connectErrorData(error: ExtendedError): Record<string, unknown> {
  try {
    JSON.stringify(error.data);
    return { message: error.message, data: error.data };
  } catch {
    return { message: error.message };
  }
}

/**
 * A namespace, from `io.of(name)`; `io.sockets` is the main one, `"/"`.
 *
 * @example
 * const admin = io.of("/admin");
 * admin.use((socket, next) => (isAdmin(socket.handshake.auth) ? next() : next(new Error("forbidden"))));
 * admin.on("connection", (socket) => admin.emit("joined", socket.id));
 */
export class Namespace<
  ListenEvents extends EventsMap = DefaultEventsMap,
  EmitEvents extends EventsMap = ListenEvents,
  ServerSideEvents extends EventsMap = DefaultEventsMap,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  SocketData = any,
> extends TypedEmitter<
  ServerSideEvents,
  NamespaceReservedEvents<ListenEvents, EmitEvents, ServerSideEvents, SocketData>
> {
  readonly name: string;
  /** This process's connected sockets, by id. */
  readonly sockets = new Map<SocketId, Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>>();
  readonly adapter: Adapter<Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>>;
  readonly server: NamespaceServer;
  readonly #middlewares: Middleware<Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>>[] = [];
  // Sockets between CONNECT and the end of the middleware: not empty while any.
  #pending = 0;
  #onEmpty: (() => void) | undefined;

  /** @internal Created by `io.of()`. */
  constructor(
    server: NamespaceServer,
    name: string,
    adapter?: Adapter<Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>>,
  ) {
    super();
    this.server = server;
    this.name = name;
    this.adapter = adapter ?? new server.options.adapter(this);
    void Promise.resolve()
      .then(() => this.adapter.init())
      .catch((error: unknown) => this.reportListenerError(error, "adapter"));
  }

  /** Adds a middleware run when a client joins, before `connection`. Call `next(error)` to refuse. */
  use(middleware: Middleware<Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>>): this {
    this.#middlewares.push(middleware);
    return this;
  }

  to(room: Room | readonly Room[]): BroadcastOperator<EmitEvents, SocketData> {
    return this.#operator().to(room);
  }

  in(room: Room | readonly Room[]): BroadcastOperator<EmitEvents, SocketData> {
    return this.#operator().in(room);
  }

  except(room: Room | readonly Room[]): BroadcastOperator<EmitEvents, SocketData> {
    return this.#operator().except(room);
  }

  /** Emits to every socket of the namespace. */
  emit<Event extends EventNames<EmitEvents>>(
    event: Event,
    ...args: EventParams<BroadcastEvents<EmitEvents>, Event>
  ): boolean {
    return this.#operator().emit(event, ...args);
  }

  emitWithAck<Event extends EventNamesWithAck<BroadcastEvents<EmitEvents>>>(
    event: Event,
    ...args: AllButLast<EventParams<BroadcastEvents<EmitEvents>, Event>>
  ): Promise<EmitWithAckResult<BroadcastEvents<EmitEvents>, Event>> {
    return this.#operator().emitWithAck(event, ...args);
  }

  /** Same as `emit("message", ...args)`. */
  send(...args: unknown[]): this {
    (this.emit as (event: string, ...args: unknown[]) => boolean)("message", ...args);
    return this;
  }

  write(...args: unknown[]): this {
    return this.send(...args);
  }

  timeout(ms: number): BroadcastOperator<EmitEvents, SocketData> {
    return this.#operator().timeout(ms);
  }

  compress(compress: boolean): BroadcastOperator<EmitEvents, SocketData> {
    return this.#operator().compress(compress);
  }

  get volatile(): BroadcastOperator<EmitEvents, SocketData> {
    return this.#operator().volatile;
  }

  get local(): BroadcastOperator<EmitEvents, SocketData> {
    return this.#operator().local;
  }

  fetchSockets(): Promise<RemoteSocket<EmitEvents, SocketData>[]> {
    return this.#operator().fetchSockets();
  }

  socketsJoin(room: Room | readonly Room[]): void {
    this.#operator().socketsJoin(room);
  }

  socketsLeave(room: Room | readonly Room[]): void {
    this.#operator().socketsLeave(room);
  }

  disconnectSockets(close = false): void {
    this.#operator().disconnectSockets(close);
  }

  allSockets(): Promise<Set<SocketId>> {
    return this.#operator().allSockets();
  }

  /** A fresh acknowledgement id, unique within the namespace. */
  nextAckId(): number {
    return this.server.nextAckId();
  }

  /** @internal A client asked to join: run the middleware, then accept or refuse. */
  addSocket(connection: Connection, auth: Record<string, unknown> | undefined): void {
    const socket = new Socket(this, connection, auth);
    connection.reserve(this.name, socket);
    if (this.#middlewares.length === 0) return this.#accept(socket, connection);
    this.#pending++;
    runMiddlewares(this.#middlewares, socket, (error) => {
      this.#pending--;
      if (connection.isOpen && error === undefined) return this.#accept(socket, connection);
      socket.abandon();
      if (connection.isOpen) {
        connection.release(this.name);
        connection.writePacket({
          type: PacketType.CONNECT_ERROR,
          namespace: this.name,
          data: connectErrorData(error!),
        });
      }
      this.#checkEmpty();
    });
  }

  #accept(socket: Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>, connection: Connection): void {
    this.sockets.set(socket.id, socket);
    socket.onConnect();
    connection.didConnect();
    this.emitReserved("connect", socket);
    this.emitReserved("connection", socket);
  }

  /** @internal */
  removeSocket(socket: Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>): void {
    if (this.sockets.delete(socket.id)) this.#checkEmpty();
  }

  #checkEmpty(): void {
    if (this.sockets.size === 0 && this.#pending === 0) this.#onEmpty?.();
  }

  /** @internal Called when the last socket leaves (dynamic namespaces with cleanup on). */
  set onEmpty(callback: (() => void) | undefined) {
    this.#onEmpty = callback;
  }

  /** @internal Copies the middleware of a parent namespace. */
  inheritMiddlewares(
    middlewares: readonly Middleware<Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>>[],
  ) {
    this.#middlewares.push(...middlewares);
  }

  /** @internal */
  get middlewares(): readonly Middleware<Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>>[] {
    return this.#middlewares;
  }

  /** @internal Emits a library event on this namespace. */
  emitNamespaceEvent<Event extends "new_namespace">(
    event: Event,
    namespace: Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>,
  ): void {
    this.dispatch(event, [namespace]);
  }

  #operator(): BroadcastOperator<EmitEvents, SocketData> {
    return new BroadcastOperator(this);
  }
}
