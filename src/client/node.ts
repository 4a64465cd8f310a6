/**
 * `enchufe/client` as Node resolves it: the browser-safe client plus the raw
 * transports that need Node's sockets, so that `io("tcp://host:port")`,
 * `io("tls://host:port", { ca })`, `io("ipc:///path")` and `io("udp://host:port")` work beside
 * `http(s)://` and `ws(s)://`. Bundlers for browsers resolve index.js instead.
 *
 * @module
 */
import { UdpClientTransport } from "./transports/datagram.node.js";
import { NodePollingClientTransport } from "./transports/polling.node.js";
import { transportClasses } from "./transports/registry.js";
import { IpcClientTransport, TcpClientTransport, TlsClientTransport } from "./transports/stream.node.js";
import { WebSocketClientTransport } from "./transports/websocket.js";

transportClasses.polling = NodePollingClientTransport;
transportClasses.websocket = WebSocketClientTransport;
transportClasses.tcp = TcpClientTransport;
transportClasses.tls = TlsClientTransport;
transportClasses.ipc = IpcClientTransport;
transportClasses.udp = UdpClientTransport;

export * from "./public.js";
export { io as default } from "./io.js";
