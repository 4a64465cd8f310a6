/**
 * `enchufe/client` as Node resolves it: the browser-safe client plus the stream
 * transports that need Node's sockets, so that `io("tcp://host:port")`,
 * `io("tls://host:port", { ca })` and `io("ipc:///path")` work beside
 * `http(s)://` and `ws(s)://`. Bundlers for browsers resolve index.js instead.
 *
 * @module
 */
import { NodePollingClientTransport } from "./transports/polling.node.js";
import { transportClasses } from "./transports/registry.js";
import { IpcClientTransport, TcpClientTransport, TlsClientTransport } from "./transports/stream.node.js";
import { WebSocketClientTransport } from "./transports/websocket.js";

transportClasses.polling = NodePollingClientTransport;
transportClasses.websocket = WebSocketClientTransport;
transportClasses.tcp = TcpClientTransport;
transportClasses.tls = TlsClientTransport;
transportClasses.ipc = IpcClientTransport;

export * from "./public.js";
export { io as default } from "./io.js";
