/**
 * `enchufe/client`: a Socket.IO v5 client for Node and browsers, with
 * socket.io-client's API. It talks to enchufe servers and to Socket.IO servers,
 * over WebSocket and HTTP long-polling.
 *
 * @example
 * import { io } from "enchufe/client";
 *
 * const socket = io("http://localhost:3000", { auth: { token } });
 * socket.on("chat", (text) => console.log(text));
 * const answer = await socket.timeout(5000).emitWithAck("echo", "hola");
 *
 * @module
 */
import { PollingClientTransport } from "./transports/polling.js";
import { transportClasses } from "./transports/registry.js";
import { WebSocketClientTransport } from "./transports/websocket.js";

transportClasses.polling = PollingClientTransport;
transportClasses.websocket = WebSocketClientTransport;

export * from "./public.js";
export { io as default } from "./io.js";
