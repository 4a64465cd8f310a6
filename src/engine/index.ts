/**
 * `enchufe/engine`: the Engine.IO v4 server on its own, as the `engine.io` package
 * offers it: sessions over HTTP long-polling and WebSocket, with upgrades, sending
 * and receiving messages (text or binary). It is the engine the Socket.IO server
 * runs on, not a second one.
 *
 * @example
 * import { listen } from "enchufe/engine";
 *
 * const engine = listen(3000);
 * engine.on("connection", (socket) => {
 *   socket.send("hello");
 *   socket.on("message", (data) => socket.send(data));
 *   socket.on("close", (reason) => console.log(socket.id, reason));
 * });
 *
 * @module
 */
import { createServer, type Server as HttpServer } from "node:http";
import { EngineServer, type HttpServerLike } from "./engine-server.js";
import type { EngineOptions } from "./options.js";

/** Creates an engine and attaches it to `server` (path `/engine.io/` unless `options.path` says otherwise). */
export function attach(server: HttpServerLike, options?: EngineOptions): EngineServer {
  return new EngineServer(options).attach(server);
}

/**
 * Creates an HTTP server listening on `port`, with an engine attached; other paths
 * answer 404. Close both with `engine.close()` then `httpServer.close()`.
 */
export function listen(
  port: number,
  options?: EngineOptions,
  onListening?: () => void,
): EngineServer & { httpServer: HttpServer } {
  const httpServer = createServer();
  const engine = Object.assign(attach(httpServer, options), { httpServer });
  httpServer.listen(port, onListening);
  return engine;
}

export { EngineServer } from "./engine-server.js";
export type { ConnectionError, EngineServerEvents, HttpServerLike } from "./engine-server.js";
export { Session } from "./session.js";
export type { HandshakeRequest, SessionCloseReason, SessionEvents, SessionState } from "./session.js";
export { ENGINE_DEFAULTS } from "./options.js";
export type {
  AllowRequest,
  CookieOptions,
  CorsOptions,
  CorsOrigin,
  EngineOptions,
  EngineTransportName,
} from "./options.js";
export { HandshakeError } from "./handshake.js";
export type { EngineMiddleware } from "./middleware.js";
export type { Transport, TransportName } from "../transports/transport.js";
