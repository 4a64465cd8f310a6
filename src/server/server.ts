// The Socket.IO server: Socket.IO 4's `Server`, over enchufe's engine.
import { createServer, type Server as HttpServer } from "node:http";
import type { Room, SocketId } from "../cluster/adapter.js";
import { EngineServer, type HttpServerLike } from "../engine/engine-server.js";
import type { Session } from "../engine/session.js";
import { ArgumentError, ErrorCode } from "../errors.js";
import { PacketType } from "../protocol/socket-packet.js";
import type { BroadcastOperator, RemoteSocket } from "./broadcast-operator.js";
import { serveClientFiles } from "./client-files.js";
import { listenRaw, type RawListener, type RawListenOptions, type RawListenUrl } from "./raw-listener.js";
import { Connection, type ConnectionHost } from "./connection.js";
import type { Middleware } from "./middleware.js";
import { Namespace, type NamespaceReservedEvents } from "./namespace.js";
import { resolveServerOptions, type ResolvedServerOptions, type ServerOptions } from "./options.js";
import { ParentNamespace, type NamespaceAuthorizer, type ParentNamespaceServer } from "./parent-namespace.js";
import type { Socket } from "./socket.js";
import type {
  AllButLast,
  DecorateAcknowledgementsWithMultipleResponses,
  DefaultEventsMap,
  EmitWithAckResult,
  EventNames,
  EventNamesWithAck,
  EventParams,
  EventsMap,
  ReservedOrUserEventNames,
  ReservedOrUserListener,
} from "../events/typed-events.js";

type BroadcastEvents<EmitEvents extends EventsMap> = DecorateAcknowledgementsWithMultipleResponses<EmitEvents>;

function isHttpServer(value: unknown): value is HttpServerLike {
  return typeof value === "object" && value !== null && typeof (value as HttpServer).listen === "function";
}

/**
 * A Socket.IO server. Every Socket.IO v3+ client connects to it unchanged.
 *
 * The type parameters are the events the server listens to, the events it emits,
 * the events servers exchange (with a cluster adapter) and the type of `socket.data`.
 *
 * @example
 * import { Server } from "enchufe";
 *
 * const io = new Server(3000);
 * io.on("connection", (socket) => {
 *   socket.on("chat", (text) => io.emit("chat", text));
 * });
 */
export class Server<
  ListenEvents extends EventsMap = DefaultEventsMap,
  EmitEvents extends EventsMap = ListenEvents,
  ServerSideEvents extends EventsMap = DefaultEventsMap,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  SocketData = any,
>
  implements ConnectionHost, ParentNamespaceServer
{
  /** The resolved options, defaults applied. */
  options: ResolvedServerOptions;
  /** The main namespace, `"/"`. */
  readonly sockets: Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>;
  /** The HTTP server given to, or created by, the constructor or `attach()`. */
  httpServer: HttpServerLike | undefined;
  readonly #rawOptions: ServerOptions;
  #engine: EngineServer | undefined;
  readonly #rawListeners: RawListener[] = [];
  #ackId = 0;
  readonly #namespaces = new Map<string, Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>>();
  readonly #parents = new Map<
    RegExp | NamespaceAuthorizer,
    ParentNamespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>
  >();

  /**
   * Creates a server, and attaches it to `server` (or to a new HTTP server on `port`) when given.
   *
   * @throws ArgumentError when an option is invalid.
   */
  constructor(options?: ServerOptions);
  constructor(port: number, options?: ServerOptions);
  constructor(server: HttpServerLike, options?: ServerOptions);
  constructor(target?: number | HttpServerLike | ServerOptions, options: ServerOptions = {}) {
    if (typeof target === "object" && !isHttpServer(target)) {
      options = target;
      target = undefined;
    }
    this.#rawOptions = { ...options };
    this.options = resolveServerOptions(this.#rawOptions);
    this.sockets = this.of("/");
    if (target !== undefined) this.attach(target);
  }

  /** The Engine.IO server (`io.engine.clientsCount`); created by the first `attach()` or raw `listen()`. */
  get engine(): EngineServer {
    if (this.#engine === undefined) {
      throw new ArgumentError(ErrorCode.ARGUMENT_INVALID, "the server is not attached or listening yet");
    }
    return this.#engine;
  }

  /**
   * Serves on an HTTP server (its other routes are left as they are), or on a new
   * one listening on `port`. Options given here are merged with the constructor's.
   */
  attach(target: number | HttpServerLike, options: ServerOptions = {}): this {
    if (typeof target === "function") {
      throw new ArgumentError(ErrorCode.ARGUMENT_INVALID, "pass an http.Server, not a request handler function");
    }
    if (Object.keys(options).length > 0) {
      if (this.#engine !== undefined) {
        throw new ArgumentError(ErrorCode.OPTION_INVALID, "options can only change before the first attach()");
      }
      Object.assign(this.#rawOptions, options);
      this.options = resolveServerOptions(this.#rawOptions);
    }
    let server: HttpServerLike;
    if (typeof target === "number" || typeof target === "string") {
      const created = createServer();
      created.listen(Number(target));
      server = created;
    } else {
      server = target;
    }
    this.#startEngine().attach(server);
    // In front of the engine, as in Socket.IO: <path>/socket.io.js and the rest, beside <path>/.
    if (this.options.serveClient) serveClientFiles(server, this.options.path, this.options.cors);
    this.httpServer = server;
    return this;
  }

  /**
   * Same as {@link attach}; or, given a `tcp://`, `tls://` or `ipc://` URL, listens
   * there too (with TLS settings for `tls://`) and resolves once listening. Clients
   * of every listener share the namespaces and rooms.
   *
   * @example
   * const tcp = await io.listen("tcp://0.0.0.0:4000");
   * await io.listen("tls://:4443", { key, cert });
   * await io.listen("ipc:///tmp/app.sock");
   */
  listen(url: RawListenUrl, options?: RawListenOptions): Promise<RawListener>;
  listen(target: number | HttpServerLike, options?: ServerOptions): this;
  listen(
    target: number | HttpServerLike | RawListenUrl,
    options?: ServerOptions | RawListenOptions,
  ): this | Promise<RawListener> {
    if (typeof target === "string" && target.includes("://"))
      return this.#listenRaw(target, (options ?? {}) as RawListenOptions);
    return this.attach(target as number | HttpServerLike, options as ServerOptions | undefined);
  }

  async #listenRaw(url: string, options: RawListenOptions): Promise<RawListener> {
    const engine = this.#startEngine();
    const listener = await listenRaw(url, options, engine);
    this.#rawListeners.push(listener);
    return listener;
  }

  /**
   * The namespace `name`, created if needed. With a RegExp or a function, a parent
   * namespace whose children are created as clients ask for matching names.
   *
   * @example
   * io.of("/admin").on("connection", (socket) => socket.emit("hello"));
   * io.of(/^\/room-\d+$/).on("connection", (socket) => socket.emit("in", socket.nsp.name));
   */
  of(
    name: RegExp | NamespaceAuthorizer,
    onConnection?: (socket: Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>) => void,
  ): ParentNamespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>;
  of(
    name: string,
    onConnection?: (socket: Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>) => void,
  ): Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>;
  of(
    name: string | RegExp | NamespaceAuthorizer,
    onConnection?: (socket: Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>) => void,
  ): Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData> {
    let namespace: Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>;
    if (typeof name === "function" || name instanceof RegExp) {
      if (name instanceof RegExp && (name.global || name.sticky)) {
        throw new ArgumentError(ErrorCode.ARGUMENT_INVALID, "a namespace RegExp cannot be global or sticky");
      }
      const parent = new ParentNamespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>(this, name);
      this.#parents.set(name, parent);
      namespace = parent;
    } else {
      const path = name.startsWith("/") ? name : `/${name}`;
      namespace = this.#namespaces.get(path) ?? this.#createNamespace(path);
    }
    if (onConnection !== undefined) namespace.on("connection", onConnection);
    return namespace;
  }

  /** Adds a middleware to the main namespace. */
  use(middleware: Middleware<Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>>): this {
    this.sockets.use(middleware);
    return this;
  }

  // The listener API forwards to the main namespace, as Socket.IO's does: io.on("connection") is
  // io.sockets.on("connection").

  /** Adds a listener to the main namespace (`connection`, `new_namespace`, …). */
  readonly on: ListenerMethod<
    this,
    ServerEvents<ListenEvents, EmitEvents, ServerSideEvents, SocketData>,
    ServerSideEvents
  > = (event, listener) => this.#forward("on", event, listener);
  readonly once: ListenerMethod<
    this,
    ServerEvents<ListenEvents, EmitEvents, ServerSideEvents, SocketData>,
    ServerSideEvents
  > = (event, listener) => this.#forward("once", event, listener);
  readonly off: ListenerMethod<
    this,
    ServerEvents<ListenEvents, EmitEvents, ServerSideEvents, SocketData>,
    ServerSideEvents
  > = (event, listener) => this.#forward("off", event, listener);
  readonly addListener: ListenerMethod<
    this,
    ServerEvents<ListenEvents, EmitEvents, ServerSideEvents, SocketData>,
    ServerSideEvents
  > = (event, listener) => this.#forward("on", event, listener);
  readonly removeListener: ListenerMethod<
    this,
    ServerEvents<ListenEvents, EmitEvents, ServerSideEvents, SocketData>,
    ServerSideEvents
  > = (event, listener) => this.#forward("off", event, listener);
  readonly prependListener: ListenerMethod<
    this,
    ServerEvents<ListenEvents, EmitEvents, ServerSideEvents, SocketData>,
    ServerSideEvents
  > = (event, listener) => this.#forward("prependListener", event, listener);
  readonly prependOnceListener: ListenerMethod<
    this,
    ServerEvents<ListenEvents, EmitEvents, ServerSideEvents, SocketData>,
    ServerSideEvents
  > = (event, listener) => this.#forward("prependOnceListener", event, listener);

  /** Removes the main namespace's listeners of `event`, or all of them. */
  removeAllListeners(event?: Parameters<Namespace["removeAllListeners"]>[0]): this {
    this.sockets.removeAllListeners(event);
    return this;
  }

  listeners(event: Parameters<Namespace["listeners"]>[0]): ReturnType<Namespace["listeners"]> {
    return this.sockets.listeners(event as never);
  }

  listenerCount(event: Parameters<Namespace["listenerCount"]>[0]): number {
    return this.sockets.listenerCount(event);
  }

  eventNames(): string[] {
    return this.sockets.eventNames();
  }

  to(room: Room | readonly Room[]): BroadcastOperator<EmitEvents, SocketData> {
    return this.sockets.to(room);
  }

  in(room: Room | readonly Room[]): BroadcastOperator<EmitEvents, SocketData> {
    return this.sockets.in(room);
  }

  except(room: Room | readonly Room[]): BroadcastOperator<EmitEvents, SocketData> {
    return this.sockets.except(room);
  }

  /** Emits to every socket of the main namespace. */
  emit<Event extends EventNames<EmitEvents>>(
    event: Event,
    ...args: EventParams<BroadcastEvents<EmitEvents>, Event>
  ): boolean {
    return this.sockets.emit(event, ...args);
  }

  emitWithAck<Event extends EventNamesWithAck<BroadcastEvents<EmitEvents>>>(
    event: Event,
    ...args: AllButLast<EventParams<BroadcastEvents<EmitEvents>, Event>>
  ): Promise<EmitWithAckResult<BroadcastEvents<EmitEvents>, Event>> {
    return this.sockets.emitWithAck(event, ...args);
  }

  send(...args: unknown[]): this {
    this.sockets.send(...args);
    return this;
  }

  write(...args: unknown[]): this {
    return this.send(...args);
  }

  timeout(ms: number): BroadcastOperator<EmitEvents, SocketData> {
    return this.sockets.timeout(ms);
  }

  compress(compress: boolean): BroadcastOperator<EmitEvents, SocketData> {
    return this.sockets.compress(compress);
  }

  get volatile(): BroadcastOperator<EmitEvents, SocketData> {
    return this.sockets.volatile;
  }

  get local(): BroadcastOperator<EmitEvents, SocketData> {
    return this.sockets.local;
  }

  fetchSockets(): Promise<RemoteSocket<EmitEvents, SocketData>[]> {
    return this.sockets.fetchSockets();
  }

  socketsJoin(room: Room | readonly Room[]): void {
    this.sockets.socketsJoin(room);
  }

  socketsLeave(room: Room | readonly Room[]): void {
    this.sockets.socketsLeave(room);
  }

  disconnectSockets(close = false): void {
    this.sockets.disconnectSockets(close);
  }

  allSockets(): Promise<Set<SocketId>> {
    return this.sockets.allSockets();
  }

  /** The engine, created on first use: by the first attach() or raw listener. */
  #startEngine(): EngineServer {
    if (this.#engine === undefined) {
      this.#engine = new EngineServer(this.options);
      this.#engine.on("connection", (session) => this.#onSession(session));
    }
    return this.#engine;
  }

  /**
   * Disconnects every socket (clients see `"io server disconnect"` and do not
   * reconnect), closes the engine, then the raw listeners and the HTTP server.
   */
  async close(callback?: (error?: Error) => void): Promise<void> {
    // Stop accepting first; each listener's close completes once its connections are gone.
    const listenersClosed = Promise.all(this.#rawListeners.splice(0).map((listener) => listener.close()));
    for (const namespace of this.#namespaces.values()) {
      for (const socket of [...namespace.sockets.values()]) socket.closeWith("server shutting down");
      try {
        await namespace.adapter.close();
      } catch {
        // A failing adapter must not keep the server from closing.
      }
    }
    await this.#engine?.close();
    await listenersClosed;
    const server = this.httpServer as HttpServer | undefined;
    if (server === undefined || typeof server.close !== "function") return callback?.();
    await new Promise<void>((resolve) => {
      server.close((error) => {
        callback?.(error);
        resolve();
      });
    });
  }

  /** @internal */
  connectToNamespace(connection: Connection, name: string, auth: Record<string, unknown> | undefined): void {
    const namespace = this.#namespaces.get(name);
    if (namespace !== undefined) return namespace.addSocket(connection, auth);
    const refuse = (): void =>
      connection.writePacket({
        type: PacketType.CONNECT_ERROR,
        namespace: name,
        data: { message: "Invalid namespace" },
      });
    if (this.#parents.size === 0) return refuse();
    connection.reserve(name, null);
    this.#findParent(name, auth ?? {}, (parent) => {
      if (!connection.isOpen) return;
      connection.release(name);
      if (parent === undefined) return refuse();
      (this.#namespaces.get(name) ?? parent.createChild(name)).addSocket(connection, auth);
    });
  }

  /** @internal A fresh acknowledgement id, unique in this server. */
  nextAckId(): number {
    return this.#ackId++;
  }

  /** @internal */
  addChildNamespace(namespace: Namespace): void {
    this.#register(namespace as Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>);
  }

  /** @internal */
  removeChildNamespace(namespace: Namespace): void {
    if (this.#namespaces.get(namespace.name) === namespace) this.#namespaces.delete(namespace.name);
  }

  #forward(
    method: "on" | "once" | "off" | "prependListener" | "prependOnceListener",
    event: string,
    listener: unknown,
  ): this {
    this.sockets[method](event as never, listener as never);
    return this;
  }

  #onSession(session: Session): void {
    new Connection(this, session);
  }

  #createNamespace(name: string): Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData> {
    for (const [matcher, parent] of this.#parents) {
      if (matcher instanceof RegExp && matcher.test(name)) return parent.createChild(name);
    }
    const namespace = new Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>(this, name);
    this.#register(namespace);
    return namespace;
  }

  #register(namespace: Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>): void {
    this.#namespaces.set(namespace.name, namespace);
    if (namespace.name !== "/") this.sockets.emitNamespaceEvent("new_namespace", namespace);
  }

  #findParent(
    name: string,
    auth: Record<string, unknown>,
    callback: (parent: ParentNamespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData> | undefined) => void,
  ): void {
    const parents = [...this.#parents.values()];
    const next = (index: number): void => {
      const parent = parents[index];
      if (parent === undefined) return callback(undefined);
      parent.authorize(name, auth, (isChild) => (isChild ? callback(parent) : next(index + 1)));
    };
    next(0);
  }
}

/** A method like `on(event, listener)`, typed for the events of `Reserved` and `User`. */
type ListenerMethod<Self, Reserved extends EventsMap, User extends EventsMap> = <
  Event extends ReservedOrUserEventNames<Reserved, User>,
>(
  event: Event,
  listener: ReservedOrUserListener<Reserved, User, Event>,
) => Self;

/** The events `io.on()` takes: those of the main namespace. */
type ServerEvents<
  ListenEvents extends EventsMap,
  EmitEvents extends EventsMap,
  ServerSideEvents extends EventsMap,
  SocketData,
> = NamespaceReservedEvents<ListenEvents, EmitEvents, ServerSideEvents, SocketData>;
