// The Engine.IO server: takes requests on its path from an HTTP server, checks
// handshakes, opens sessions and keeps them until they close. The Socket.IO layer
// receives each new session through `onSession`.
import type { Buffer } from "node:buffer";
import type { IncomingMessage, Server as HttpServer, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { EnginePacketType } from "../protocol/engine-packet.js";
import { WebSocketUpgrader, type WebSocketTransport } from "../transports/websocket.js";
import { checkOrigin } from "./cors.js";
import {
  checkWebSocketHandshake,
  HandshakeError,
  parseRequestTarget,
  pathnameOf,
  refuseRequest,
  refuseUpgrade,
} from "./handshake.js";
import { Heartbeat } from "./heartbeat.js";
import type { ResolvedEngineOptions } from "./options.js";
import { Session, type SessionHost } from "./session.js";
import { generateId } from "./session-id.js";

/** The HTTP servers an engine attaches to: `http`, `https` and anything shaped like them. */
export type HttpServerLike = Pick<HttpServer, "on" | "listeners" | "removeAllListeners" | "listenerCount">;

type RequestListener = (request: IncomingMessage, response: ServerResponse) => void;

function ignoreError(): void {
  // Errors of a socket still in its handshake end in its close; nothing else to do.
}

/** How long `cors.origin` and `allowRequest` may take to answer before the handshake is refused. */
const HOOK_TIMEOUT_MS = 10_000;

// Several engines may share an HTTP server (different paths, or two Servers by
// mistake): an upgrade socket goes to the first engine whose path matches, and
// one that matches none is destroyed only when no other kind of listener is there.
const claimedSockets = new WeakSet<Duplex>();
const engineListenerCounts = new WeakMap<object, number>();

/** Accepts Engine.IO sessions on one path of one or more HTTP servers. */
export class EngineServer implements SessionHost {
  readonly options: ResolvedEngineOptions;
  /** Open sessions by id. */
  readonly sessions = new Map<string, Session>();
  readonly #heartbeat: Heartbeat;
  readonly #upgrader: WebSocketUpgrader;
  readonly #onSession: (session: Session) => void;
  readonly #openSuffix: string;
  readonly #attached = new WeakSet<object>();

  constructor(options: ResolvedEngineOptions, onSession: (session: Session) => void) {
    this.options = options;
    this.#onSession = onSession;
    this.#heartbeat = new Heartbeat(this.sessions, options.pingInterval, options.pingTimeout);
    this.#upgrader = new WebSocketUpgrader({ maxPayload: options.maxHttpBufferSize });
    // engine.io-protocol-v4.md › "Handshake": everything after the sid is the same for every session.
    this.#openSuffix = JSON.stringify({
      upgrades: [],
      pingInterval: options.pingInterval,
      pingTimeout: options.pingTimeout,
      maxPayload: options.maxHttpBufferSize,
    }).slice(1);
  }

  /** The number of open sessions. */
  get clientsCount(): number {
    return this.sessions.size;
  }

  get maxBufferedBytes(): number {
    return this.options.maxBufferedBytes;
  }

  /**
   * Routes requests for `path` (say `/socket.io/`) to this engine; every other
   * request still reaches the server's own listeners, untouched.
   */
  attach(server: HttpServerLike, path: string): void {
    if (this.#attached.has(server)) return;
    this.#attached.add(server);
    engineListenerCounts.set(server, (engineListenerCounts.get(server) ?? 0) + 1);
    const listeners = server.listeners("request") as RequestListener[];
    server.removeAllListeners("request");
    server.on("request", (request: IncomingMessage, response: ServerResponse) => {
      if (pathnameOf(request.url) === path) return this.handleRequest(request, response);
      if (listeners.length === 0) {
        response.writeHead(404).end();
        return;
      }
      for (const listener of listeners) listener.call(server, request, response);
    });
    server.on("upgrade", (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      const isShared = engineListenerCounts.get(server)! > 1;
      if (isShared && claimedSockets.has(socket)) return;
      if (pathnameOf(request.url) === path) {
        if (isShared) claimedSockets.add(socket);
        return this.handleUpgrade(request, socket, head);
      }
      // Node destroys unclaimed upgrades only while nobody listens; engines listen, so
      // when only engines do, the last word is ours once they all have declined.
      if (server.listenerCount("upgrade") === engineListenerCounts.get(server)) {
        queueMicrotask(() => {
          if (claimedSockets.has(socket)) return;
          socket.on("error", ignoreError);
          socket.destroy();
        });
      }
    });
  }

  /** Answers a plain HTTP request to the engine's path. */
  handleRequest(request: IncomingMessage, response: ServerResponse): void {
    const { query } = parseRequestTarget(request.url);
    if (query.EIO !== "4") return refuseRequest(response, HandshakeError.UNSUPPORTED_PROTOCOL_VERSION);
    // engine.io-protocol-v4.md › "WebSocket": a websocket handshake must be an upgrade.
    const code = query.transport === "websocket" ? HandshakeError.BAD_REQUEST : HandshakeError.UNKNOWN_TRANSPORT;
    refuseRequest(response, code);
  }

  /** Answers an upgrade request to the engine's path: a WebSocket handshake. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on("error", ignoreError);
    const { query } = parseRequestTarget(request.url);
    const code = checkWebSocketHandshake(request, query, this.options);
    if (code !== undefined) return refuseUpgrade(socket, code);
    const { cors, allowRequest } = this.options;
    if (cors === undefined && allowRequest === undefined) return this.#upgrade(request, socket, head);
    // The application's hooks decide; whatever they do, the handshake is settled once.
    let isSettled = false;
    const settle = (isAllowed: boolean, message?: string): void => {
      if (isSettled) return;
      isSettled = true;
      clearTimeout(timer);
      if (isAllowed) this.#upgrade(request, socket, head);
      else refuseUpgrade(socket, HandshakeError.FORBIDDEN, message);
    };
    const timer = setTimeout(settle, HOOK_TIMEOUT_MS, false, "handshake check timed out");
    checkOrigin(request.headers.origin, cors?.origin, (isOriginAllowed) => {
      if (!isOriginAllowed || allowRequest === undefined) return settle(isOriginAllowed);
      try {
        allowRequest(request, (message, success) => settle(success === true, message ?? undefined));
      } catch {
        settle(false, "allowRequest threw");
      }
    });
  }

  /** Closes every session; clients see the transport close. */
  close(): void {
    for (const session of this.sessions.values()) session.close();
    this.#heartbeat.stop();
  }

  /** @internal */
  removeSession(session: Session): void {
    this.sessions.delete(session.id);
  }

  #upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (socket.destroyed) return;
    this.#upgrader.upgrade(request, socket, head, (transport) => {
      socket.removeListener("error", ignoreError); // ws listens from here on
      this.#open(transport, request);
    });
  }

  #open(transport: WebSocketTransport, request: IncomingMessage): void {
    const id = generateId();
    const session = new Session(id, transport, request, this);
    this.sessions.set(id, session);
    session.sendPacket({ type: EnginePacketType.OPEN, data: `{"sid":"${id}",${this.#openSuffix}` });
    this.#heartbeat.start();
    this.#onSession(session);
  }
}
