/**
 * `enchufe/client/websocket`: the same client with the WebSocket transport alone,
 * for bundles that must be as small as possible: no polling code, no fallback for
 * networks that block WebSocket.
 *
 * @module
 */
import { transportClasses } from "./transports/registry.js";
import { WebSocketClientTransport } from "./transports/websocket.js";

transportClasses.websocket = WebSocketClientTransport;

export * from "./public.js";
export { io as default } from "./io.js";
