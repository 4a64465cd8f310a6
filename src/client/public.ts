// What both client entry points export (they differ only in the transports they register).
export { io, io as connect, protocol } from "./io.js";
export { Manager } from "./manager.js";
export type { ManagerEvents } from "./manager.js";
export { Socket } from "./socket.js";
export type { ClientDisconnectReason, ClientSocketReservedEvents, ConnectError } from "./socket.js";
export type { AuthOption, ClientOptions, ManagerOptions, SocketOptions } from "./options.js";
export { MANAGER_DEFAULTS, SOCKET_DEFAULTS } from "./options.js";
export type { EngineCloseReason, EngineSocket, EngineSocketEvents } from "./engine/engine-socket.js";
export type { ClientTransport, ClientTransportName } from "./transports/transport.js";
export type { DefaultEventsMap, EventsMap } from "../events/typed-events.js";
export { TimeoutError, EnchufeError, ErrorCode, isEnchufeError } from "../errors.js";
