// The client side of the WebSocket transport: the browser's own WebSocket, or the
// `ws` package in Node (the browser bundle maps `ws` to the native one). One
// Engine.IO packet per frame; binary messages travel as binary frames.
import { WebSocket as WebSocketImpl } from "ws";
import { decodeEnginePacket, encodeEnginePacket, type EnginePacket } from "../../protocol/engine-packet.js";
import { ConnectionClientTransport } from "./connection-transport.js";
import { requestHeaders } from "./transport.js";

/** The part of the WebSocket API shared by browsers and `ws`. */
interface WebSocketLike {
  binaryType: string;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(data: string | Uint8Array): void;
  close(): void;
}

type WebSocketConstructor = new (url: string, protocols?: undefined, options?: object) => WebSocketLike;

export class WebSocketClientTransport extends ConnectionClientTransport {
  readonly name = "websocket";
  #socket: WebSocketLike | undefined;

  open(): void {
    const { url, tls } = this.settings;
    const headers = requestHeaders(this.settings);
    const target = url("websocket").replace(/^http/, "ws");
    const socket = new (WebSocketImpl as unknown as WebSocketConstructor)(target, undefined, { headers, ...tls });
    this.#socket = socket;
    // Browsers hand binary frames over as Blobs by default; `ws` as Buffers, kept for Node users.
    if (socket.binaryType === "blob") socket.binaryType = "arraybuffer";
    socket.onopen = () => this.opened();
    socket.onmessage = ({ data }) => {
      const frame = data instanceof ArrayBuffer ? new Uint8Array(data) : (data as string | Uint8Array);
      let packet: EnginePacket;
      try {
        packet = decodeEnginePacket(frame);
      } catch (error) {
        return this.end("transport error", error as Error);
      }
      this.owner?.onTransportPacket(packet);
    };
    socket.onclose = () => this.end("transport close");
    // `ws` says why (a certificate, a refused connection); browsers keep it to themselves.
    socket.onerror = (event) => {
      const { message, error } = event as { message?: string; error?: unknown };
      const description = message === undefined || message === "" ? "websocket error" : `websocket error: ${message}`;
      this.end("transport error", new Error(description, { cause: error }));
    };
  }

  send(packets: readonly EnginePacket[]): void {
    for (const packet of packets) this.#socket?.send(encodeEnginePacket(packet));
    // Frames are queued by the WebSocket itself; the session may write again at once.
    this.drained();
  }

  protected closeConnection(): void {
    this.#socket?.close();
  }
}
