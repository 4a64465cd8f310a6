/**
 * `enchufe`: a Socket.IO v5 server for Node.js, wire-compatible with every
 * Socket.IO client.
 *
 * @example
 * import { Server } from "enchufe";
 * const io = new Server(3000);
 * io.on("connection", (socket) => socket.emit("hello", "world"));
 *
 * @module
 */
export { Server } from "./server/server.js";
export { Namespace } from "./server/namespace.js";
export type { NamespaceReservedEvents } from "./server/namespace.js";
export { ParentNamespace } from "./server/parent-namespace.js";
export type { NamespaceAuthorizer } from "./server/parent-namespace.js";
export { Socket } from "./server/socket.js";
export type {
  AnyListener,
  DisconnectReason,
  EventMiddleware,
  Handshake,
  SocketReservedEvents,
} from "./server/socket.js";
export { BroadcastOperator } from "./server/broadcast-operator.js";
export type { RemoteSocket } from "./server/broadcast-operator.js";
export { SERVER_DEFAULTS } from "./server/options.js";
export type { ServerOptions, ResolvedServerOptions } from "./server/options.js";
export { ENGINE_DEFAULTS } from "./engine/options.js";
export type { AllowRequest, CorsOptions, CorsOrigin, EngineOptions, EngineTransportName } from "./engine/options.js";
export type { HandshakeRequest, Session, SessionCloseReason, SessionState } from "./engine/session.js";
export type {
  ConnectionError,
  EngineServer,
  HttpServerLike,
  MessageMode,
  StreamFraming,
  StreamTransportName,
} from "./engine/engine-server.js";
export type { RawListener, RawListenOptions, RawListenUrl, RawTransportName } from "./server/raw-listener.js";
export type { DatagramListenOptions } from "./server/datagram-listener.js";
export type { EngineMiddleware } from "./engine/middleware.js";
export type { ExtendedError, Middleware, NextFunction } from "./server/middleware.js";
export { InMemoryAdapter } from "./cluster/adapter.js";
export type {
  Adapter,
  AdapterConstructor,
  AdapterNamespace,
  AdapterSocket,
  BroadcastFlags,
  BroadcastOptions,
  Room,
  SocketId,
} from "./cluster/adapter.js";
export type {
  AllButLast,
  DecorateAcknowledgements,
  DecorateAcknowledgementsWithMultipleResponses,
  DefaultEventsMap,
  EmitWithAckResult,
  EventNames,
  EventNamesWithAck,
  EventParams,
  EventsMap,
} from "./events/typed-events.js";
export { ArgumentError, EnchufeError, ErrorCode, ProtocolError, TimeoutError, isEnchufeError } from "./errors.js";
export type { TransportName } from "./transports/transport.js";
