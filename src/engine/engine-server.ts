// The Engine.IO server: takes the requests for its path from HTTP servers, checks
// handshakes, opens sessions over polling or WebSocket, routes each later request
// to its session, upgrades polling sessions, and keeps sessions until they close.
// The Socket.IO layer and `enchufe/engine` users both listen to its `connection`.
import type { Buffer } from "node:buffer";
import {
  validateHeaderName,
  validateHeaderValue,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type Server as HttpServer,
  type ServerResponse,
} from "node:http";
import type { ParsedUrlQuery } from "node:querystring";
import type { Socket as DgramSocket } from "node:dgram";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import { ArgumentError, ErrorCode } from "../errors.js";
import { TypedEmitter } from "../events/typed-emitter.js";
import { EnginePacketType } from "../protocol/engine-packet.js";
import { PollingTransport } from "../transports/polling.js";
import { DEFAULT_MAX_MESSAGE_BYTES, MessageModeTransport, type MessageMode } from "../transports/message-mode.js";
import type { DatagramTransport } from "../transports/datagram.js";
import { DatagramEndpoint } from "../transports/datagram-endpoint.js";
import { StreamTransport, type StreamTransportName } from "../transports/stream.js";
import type { Transport } from "../transports/transport.js";
import { WebSocketUpgrader } from "../transports/websocket.js";
import { clientAddress } from "./address.js";
import { sessionCookie } from "./cookie.js";
import { checkOrigin, corsHeaders } from "./cors.js";
import {
  classifyRequest,
  HandshakeError,
  parseRequestTarget,
  pathnameOf,
  refusalMessage,
  refuseRequest,
  refuseUpgrade,
} from "./handshake.js";
import { Heartbeat } from "./heartbeat.js";
import { routeRequests } from "./request-routing.js";
import { headerLines, runMiddlewares, UpgradeResponse, type EngineMiddleware } from "./middleware.js";
import {
  enginePath,
  resolveEngineOptions,
  type EngineOptions,
  type EngineTransportName,
  type ResolvedEngineOptions,
} from "./options.js";
import { Session, type SessionHost } from "./session.js";
import { generateId } from "./session-id.js";

/** The HTTP servers an engine attaches to: `http`, `https` and anything shaped like them. */
export type HttpServerLike = Pick<HttpServer, "on" | "listeners" | "removeAllListeners" | "listenerCount">;

/** A refused request, as the `connection_error` event reports it. */
export interface ConnectionError {
  /** The refused request (engine.io's name for it, so Socket.IO code reads it unchanged). */
  req: IncomingMessage;
  code: HandshakeError;
  message: string;
}

/** The events of an Engine.IO server. */
export interface EngineServerEvents {
  /** A session opened (over polling or WebSocket). */
  connection: (session: Session) => void;
  /** A request to the engine's path was refused. */
  connection_error: (error: ConnectionError) => void;
  /** The headers of the handshake's answer (polling's first answer, or the 101), to change. */
  initial_headers: (headers: OutgoingHttpHeaders, request: IncomingMessage) => void;
  /** The headers of every answer: polling GETs and POSTs, handshakes included, and 101s. */
  headers: (headers: OutgoingHttpHeaders, request: IncomingMessage) => void;
  /** A listener of the engine failed, or set a header HTTP cannot carry; without `error` listeners, a process warning. */
  error: (error: unknown) => void;
}

/** Removes the header values HTTP cannot carry (a line break, say); returns why the first was. */
function dropInvalidHeaders(headers: OutgoingHttpHeaders): Error | undefined {
  let firstError: Error | undefined;
  for (const [name, value] of Object.entries(headers)) {
    try {
      validateHeaderName(name);
      for (const item of [value ?? []].flat()) validateHeaderValue(name, String(item));
    } catch (error) {
      delete headers[name];
      firstError ??= error as Error;
    }
  }
  return firstError;
}

export type { StreamTransportName } from "../transports/stream.js";
export type { MessageMode } from "../transports/message-mode.js";

/**
 * How a stream listener reads its peers: Engine.IO frames (docs/protocol.md), or one
 * of the message modes for peers that do not speak it (`line` for nc and telnet,
 * `raw`, `sized`), whose messages are `message` events of a socket in "/".
 */
export interface StreamFraming {
  /** @default "engine.io" */
  mode: "engine.io" | MessageMode;
  /** Largest message of a `line` or `sized` peer. @default 65536 */
  maxMessageBytes?: number | undefined;
  /**
   * What a `line` peer's text that is not valid UTF-8 does: `"close"` the
   * connection as a parse error, or `"replace"` the bad bytes with U+FFFD and go on
   * (for terminals in another encoding, such as Latin-1). @default "close"
   */
  invalidUtf8?: "close" | "replace" | undefined;
}

/** The limits of a UDP socket's sessions (see the `udp://` listener's options). */
export interface DatagramLimits {
  maxDatagramBytes: number;
  maxNewSessionsPerSecond: number;
}

/** A UDP socket served by the engine. */
export interface DatagramService {
  /** Opens no more sessions; `onEmpty` runs once the open ones are gone (at once if none). */
  stopAccepting(onEmpty: () => void): void;
}

/** A WebSocket handshake on its way through middleware and hooks. */
interface PendingUpgrade {
  request: IncomingMessage;
  socket: Duplex;
  head: Buffer;
  query: ParsedUrlQuery;
  isHandshake: boolean;
}

function ignoreError(): void {
  // Errors of a socket still in its handshake end in its close; nothing else to do.
}

/** How long `cors.origin` and `allowRequest` may take to answer before the request is refused. */
const HOOK_TIMEOUT_MS = 10_000;

/** How long `close()` waits for polling clients to fetch their last packets. */
const CLOSE_GRACE_MS = 2000;

// Several engines may share an HTTP server on different paths: an upgrade for
// none of their paths is destroyed only when no other kind of listener is there.
const enginePaths = new WeakMap<object, Set<string>>();

/**
 * Accepts Engine.IO sessions on one path of one or more HTTP servers.
 *
 * @example
 * const engine = new EngineServer({ path: "/engine.io" });
 * engine.attach(httpServer);
 * engine.on("connection", (session) => session.on("message", (data) => session.send(data)));
 */
export class EngineServer extends TypedEmitter<Record<never, never>, EngineServerEvents> implements SessionHost {
  readonly options: ResolvedEngineOptions;
  /** Sessions by id: open ones, and closing ones whose client is still being told. */
  readonly sessions = new Map<string, Session>();
  readonly #heartbeat: Heartbeat;
  readonly #upgrader: WebSocketUpgrader;
  readonly #openSuffixes: Readonly<Record<EngineTransportName, string>>;
  readonly #attached = new WeakSet<object>();
  readonly #middlewares: EngineMiddleware[] = [];

  /**
   * Creates an engine; `attach()` it to an HTTP server.
   *
   * @throws ArgumentError when an option is invalid.
   */
  constructor(options: EngineOptions = {}) {
    super();
    this.options = resolveEngineOptions(options);
    const { pingInterval, pingTimeout, maxHttpBufferSize, allowUpgrades, transports } = this.options;
    this.#heartbeat = new Heartbeat(this.sessions, pingInterval, pingTimeout);
    this.#upgrader = new WebSocketUpgrader({ maxPayload: maxHttpBufferSize });
    // engine.io-protocol-v4.md › "Handshake": everything after the sid is the same for every session.
    this.#openSuffixes = {
      polling: this.#openSuffix(
        allowUpgrades && transports.includes("websocket") ? ["websocket"] : [],
        maxHttpBufferSize,
      ),
      websocket: this.#openSuffix([], maxHttpBufferSize),
    };
  }

  /** The `open` packet's JSON after the sid. */
  #openSuffix(upgrades: string[], maxPayload: number): string {
    const { pingInterval, pingTimeout } = this.options;
    return JSON.stringify({ upgrades, pingInterval, pingTimeout, maxPayload }).slice(1);
  }

  /** The number of sessions, closing ones included. */
  get clientsCount(): number {
    return this.sessions.size;
  }

  get maxBufferedBytes(): number {
    return this.options.maxBufferedBytes;
  }

  get upgradeTimeout(): number {
    return this.options.upgradeTimeout;
  }

  /**
   * Routes the requests for the engine's path (`options.path`) of `server` here;
   * every other request still reaches the server's own listeners, untouched.
   */
  attach(server: HttpServerLike): this {
    if (this.#attached.has(server)) return this;
    const path = enginePath(this.options);
    const paths = enginePaths.get(server) ?? new Set<string>();
    if (paths.has(path)) {
      throw new ArgumentError(ErrorCode.ARGUMENT_INVALID, `another engine already serves ${path} on this server`);
    }
    this.#attached.add(server);
    enginePaths.set(server, paths.add(path));
    routeRequests(server, (request, response) => {
      if (pathnameOf(request.url) !== path) return false;
      this.handleRequest(request, response);
      return true;
    });
    server.on("upgrade", (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      const pathname = pathnameOf(request.url);
      if (pathname === path) return this.handleUpgrade(request, socket, head);
      // Node destroys unclaimed upgrades only while nobody listens; engines listen, so when
      // only engines do and none has the path, the first of them to look destroys it.
      if (server.listenerCount("upgrade") === paths.size && !paths.has(pathname) && !socket.destroyed) {
        socket.on("error", ignoreError);
        socket.destroy();
      }
    });
    return this;
  }

  /**
   * Adds an Express-style middleware, run on every request and WebSocket handshake
   * of the engine's path before its own checks; `next(error)` refuses the request
   * (400, code 3). Properties it puts on a handshake's request (express-session's
   * `session`) stay on the session's `request`. On a WebSocket handshake `res` is a
   * stand-in: headers it sets go on the 101, and `end()` refuses.
   */
  use(middleware: EngineMiddleware): this {
    this.#middlewares.push(middleware);
    return this;
  }

  /** Answers an HTTP request to the engine's path: polling, and CORS preflights. */
  handleRequest(request: IncomingMessage, response: ServerResponse): void {
    if (this.#middlewares.length === 0) return this.#route(request, response, undefined);
    runMiddlewares(this.#middlewares, request, response, ({ error, added }) => {
      if (response.headersSent || response.writableEnded) return; // a middleware answered
      if (error !== undefined) return this.#refuse(request, response, HandshakeError.BAD_REQUEST);
      this.#route(request, response, added);
    });
  }

  #route(request: IncomingMessage, response: ServerResponse, added: Record<string, unknown> | undefined): void {
    const { query } = parseRequestTarget(request.url);
    const { cors } = this.options;
    const isPreflight = request.method === "OPTIONS";
    this.#decide(request, !isPreflight && query.sid === undefined, (isAllowed, message) => {
      if (!isAllowed) return this.#refuse(request, response, HandshakeError.FORBIDDEN, message);
      const headers = cors === undefined ? {} : corsHeaders(request, cors, isPreflight);
      // Classified once the hooks answered: the session may have moved on meanwhile.
      const target = isPreflight ? undefined : classifyRequest(request, query, this.options, this.sessions, false);
      if (target === undefined) {
        if (cors === undefined) return this.#refuse(request, response, HandshakeError.BAD_HANDSHAKE_METHOD);
        response.writeHead(204, { ...headers, "Content-Length": 0 }).end();
      } else if (target.kind === "refused") {
        this.#refuse(request, response, target.code, undefined, headers);
      } else if (target.kind === "handshake") {
        this.#openPolling(request, response, headers, added);
      } else {
        const transport = target.session.transport as PollingTransport;
        this.#emitHeaders(headers, request, false);
        if (request.method === "GET") transport.handleGet(request, response, headers);
        else transport.handlePost(request, response, headers);
      }
    });
  }

  /** Answers an upgrade request to the engine's path: a WebSocket handshake, or an upgrade. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on("error", ignoreError);
    const { query } = parseRequestTarget(request.url);
    const early = classifyRequest(request, query, this.options, this.sessions, true);
    if (early.kind === "refused") return this.#refuseUpgrade(request, socket, early.code);
    const upgrade: PendingUpgrade = { request, socket, head, query, isHandshake: early.kind === "handshake" };
    if (this.#middlewares.length === 0) return this.#routeUpgrade(upgrade, undefined, {});
    const response = new UpgradeResponse(socket);
    runMiddlewares(this.#middlewares, request, response as unknown as ServerResponse, ({ error, added }) => {
      if (response.writableEnded || socket.destroyed) return; // a middleware answered: refused
      if (error !== undefined) return this.#refuseUpgrade(request, socket, HandshakeError.BAD_REQUEST);
      this.#routeUpgrade(upgrade, added, response.getHeaders());
    });
  }

  #routeUpgrade(
    { request, socket, head, query, isHandshake }: PendingUpgrade,
    added: Record<string, unknown> | undefined,
    headers: OutgoingHttpHeaders,
  ): void {
    this.#decide(request, isHandshake, (isAllowed, message) => {
      if (!isAllowed) return this.#refuseUpgrade(request, socket, HandshakeError.FORBIDDEN, message);
      if (socket.destroyed) return;
      // Classified again once the hooks answered: the session may have moved on meanwhile.
      const target = classifyRequest(request, query, this.options, this.sessions, true);
      if (target.kind === "refused") return this.#refuseUpgrade(request, socket, target.code);
      const id = target.kind === "handshake" ? generateId() : undefined;
      const { cookie } = this.options;
      if (id !== undefined && cookie !== false) headers["Set-Cookie"] = sessionCookie(id, cookie);
      this.#emitHeaders(headers, request, id !== undefined);
      this.#upgrader.upgrade(request, socket, head, headerLines(headers), (transport) => {
        socket.removeListener("error", ignoreError); // ws listens from here on
        if (target.kind === "session") target.session.startUpgrade(transport);
        else this.#open(id!, transport, request, added);
      });
    });
  }

  /**
   * Opens a session on a stream a raw listener accepted (TCP, TLS, Unix socket):
   * the server speaks first, with `open`. There is no HTTP request (so no cookie,
   * CORS, middleware or `allowRequest`) and no upgrade; the session's request has
   * the socket and empty headers.
   */
  handleStream(socket: Socket, name: StreamTransportName, framing: StreamFraming): void {
    const transport =
      framing.mode === "engine.io"
        ? new StreamTransport(socket, name, this.options.maxHttpBufferSize)
        : new MessageModeTransport(socket, name, framing.mode, {
            maxMessageBytes: framing.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
            isLenient: framing.invalidUtf8 === "replace",
          });
    this.#openRaw(transport, socket);
  }

  /**
   * Serves the peers of a bound UDP socket (a `udp://` listener's): each new peer's
   * open request opens a session on the datagram transport. The handle it returns
   * stops accepting sessions, and calls back once the open ones are gone.
   */
  handleDatagrams(socket: DgramSocket, limits: DatagramLimits): DatagramService {
    // Eight resends fit in one pingTimeout: lost pings or pongs end a session only when
    // all of them are (at 20% loss each way, about one round in 3,500).
    const pingResendMs = Math.max(20, Math.floor(this.options.pingTimeout / 8));
    return new DatagramEndpoint(socket, { ...limits, pingResendMs }, (transport) => this.#openDatagram(transport));
  }

  /**
   * Opens a session on a datagram transport for a new peer, and returns its id. As
   * for streams there is no HTTP request; the session's request has a stand-in
   * socket with the peer's address.
   */
  #openDatagram(transport: DatagramTransport): string {
    const { address, port, family } = transport.peer;
    const socket = { remoteAddress: address, remotePort: port, remoteFamily: family, encrypted: false };
    return this.#openRaw(transport, socket as unknown as Socket);
  }

  #openRaw(transport: Transport, socket: Socket): string {
    const request = { method: "GET", url: "/", headers: {}, httpVersion: "1.1", socket } as unknown as IncomingMessage;
    const id = generateId();
    this.#open(id, transport, request, undefined);
    return id;
  }

  /**
   * Closes every session: WebSocket clients see the transport close, polling clients
   * get what was queued for them, then a close packet. Resolves once every client
   * was told, or after {@link CLOSE_GRACE_MS}, when the stragglers are dropped.
   */
  async close(): Promise<void> {
    for (const session of [...this.sessions.values()]) session.close();
    this.#heartbeat.stop();
    const deadline = Date.now() + CLOSE_GRACE_MS;
    while (this.sessions.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    for (const session of [...this.sessions.values()]) session.transport.destroy();
    this.sessions.clear();
  }

  /** @internal */
  removeSession(session: Session): void {
    if (this.sessions.get(session.id) === session) this.sessions.delete(session.id);
  }

  /**
   * Runs the application's hooks on a request: `cors.origin` on every one,
   * `allowRequest` on handshakes. Whatever they do, `done` runs once.
   */
  #decide(request: IncomingMessage, isHandshake: boolean, done: (isAllowed: boolean, message?: string) => void): void {
    const { cors, allowRequest } = this.options;
    const hook = isHandshake ? allowRequest : undefined;
    if (cors === undefined && hook === undefined) return done(true);
    let isSettled = false;
    const settle = (isAllowed: boolean, message?: string): void => {
      if (isSettled) return;
      isSettled = true;
      clearTimeout(timer);
      done(isAllowed, message);
    };
    const timer = setTimeout(settle, HOOK_TIMEOUT_MS, false, "handshake check timed out");
    checkOrigin(request.headers.origin, cors?.origin, (isOriginAllowed) => {
      if (!isOriginAllowed || hook === undefined) return settle(isOriginAllowed);
      try {
        hook(request, (message, success) => settle(success === true, message ?? undefined));
      } catch {
        settle(false, "allowRequest threw");
      }
    });
  }

  /**
   * Lets `initial_headers` (on a handshake) and `headers` listeners change an
   * answer's headers; a value they set that HTTP cannot carry is dropped and reported.
   */
  #emitHeaders(headers: OutgoingHttpHeaders, request: IncomingMessage, isHandshake: boolean): void {
    // Every polling request and handshake passes here: without listeners, nothing to check.
    const hasListeners =
      this.listenerCount("headers") > 0 || (isHandshake && this.listenerCount("initial_headers") > 0);
    if (!hasListeners) return;
    if (isHandshake) this.emitReserved("initial_headers", headers, request);
    this.emitReserved("headers", headers, request);
    const error = dropInvalidHeaders(headers);
    if (error !== undefined) this.reportListenerError(error, isHandshake ? "initial_headers" : "headers");
  }

  #openPolling(
    request: IncomingMessage,
    response: ServerResponse,
    corsHeaders: OutgoingHttpHeaders,
    added: Record<string, unknown> | undefined,
  ): void {
    const { maxHttpBufferSize, maxPayloadPackets, httpCompression, cookie } = this.options;
    const transport = new PollingTransport({
      maxHttpBufferSize,
      maxPayloadPackets,
      compressionThreshold: httpCompression === false ? false : httpCompression.threshold,
    });
    const id = generateId();
    const headers = cookie === false ? { ...corsHeaders } : { ...corsHeaders, "Set-Cookie": sessionCookie(id, cookie) };
    this.#emitHeaders(headers, request, true);
    this.#open(id, transport, request, added);
    transport.handleGet(request, response, headers);
  }

  #open(id: string, transport: Transport, request: IncomingMessage, added: Record<string, unknown> | undefined): void {
    const address = clientAddress(request, this.options.trustProxy);
    const session = new Session(id, transport, request, address, this, added);
    this.sessions.set(id, session);
    // Streams have no upgrade either: they share WebSocket's suffix (`"upgrades":[]`); a
    // transport with a smaller message size (UDP's datagrams) announces that size instead.
    const { maxPayload } = transport;
    const suffix =
      maxPayload !== undefined
        ? this.#openSuffix([], maxPayload)
        : transport.name === "polling"
          ? this.#openSuffixes.polling
          : this.#openSuffixes.websocket;
    session.sendPacket({ type: EnginePacketType.OPEN, data: `{"sid":"${id}",${suffix}` });
    this.#heartbeat.start();
    this.emitReserved("connection", session);
  }

  #refuse(
    request: IncomingMessage,
    response: ServerResponse,
    code: HandshakeError,
    message?: string,
    headers?: OutgoingHttpHeaders,
  ): void {
    this.emitReserved("connection_error", { req: request, code, message: refusalMessage(code, message) });
    refuseRequest(response, code, message, headers);
  }

  #refuseUpgrade(request: IncomingMessage, socket: Duplex, code: HandshakeError, message?: string): void {
    this.emitReserved("connection_error", { req: request, code, message: refusalMessage(code, message) });
    refuseUpgrade(socket, code, message);
  }
}
