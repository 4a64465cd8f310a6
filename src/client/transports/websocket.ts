// The client side of the WebSocket transport: the browser's own WebSocket, or the
// `ws` package in Node (the browser bundle maps `ws` to the native one). One
// Engine.IO packet per frame; binary messages travel as binary frames.
import { WebSocket as WebSocketImpl } from "ws";
import { decodeEnginePacket, encodeEnginePacket, type EnginePacket } from "../../protocol/engine-packet.js";
import {
  requestHeaders,
  type ClientTransport,
  type ClientTransportOwner,
  type ClientTransportSettings,
} from "./transport.js";

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

export class WebSocketClientTransport implements ClientTransport {
  readonly name = "websocket";
  owner: ClientTransportOwner | undefined;
  readonly #settings: ClientTransportSettings;
  #socket: WebSocketLike | undefined;
  #isOpen = false;

  constructor(settings: ClientTransportSettings) {
    this.#settings = settings;
  }

  get writable(): boolean {
    return this.#isOpen;
  }

  open(): void {
    const { url, tls } = this.#settings;
    const headers = requestHeaders(this.#settings);
    const target = url("websocket").replace(/^http/, "ws");
    const socket = new (WebSocketImpl as unknown as WebSocketConstructor)(target, undefined, { headers, ...tls });
    this.#socket = socket;
    // Browsers hand binary frames over as Blobs by default; `ws` as Buffers, kept for Node users.
    if (socket.binaryType === "blob") socket.binaryType = "arraybuffer";
    socket.onopen = () => {
      this.#isOpen = true;
      this.owner?.onTransportOpen();
    };
    socket.onmessage = ({ data }) => {
      const frame = data instanceof ArrayBuffer ? new Uint8Array(data) : (data as string | Uint8Array);
      let packet: EnginePacket;
      try {
        packet = decodeEnginePacket(frame);
      } catch (error) {
        return this.#end("transport error", error as Error);
      }
      this.owner?.onTransportPacket(packet);
    };
    socket.onclose = () => this.#end("transport close");
    // `ws` says why (a certificate, a refused connection); browsers keep it to themselves.
    socket.onerror = (event) => {
      const { message, error } = event as { message?: string; error?: unknown };
      const description = message === undefined || message === "" ? "websocket error" : `websocket error: ${message}`;
      this.#end("transport error", new Error(description, { cause: error }));
    };
  }

  send(packets: readonly EnginePacket[]): void {
    for (const packet of packets) this.#socket?.send(encodeEnginePacket(packet));
    // Frames are queued by the WebSocket itself; the session may write again at once.
    queueMicrotask(() => this.owner?.onTransportDrain());
  }

  pause(onPaused: () => void): void {
    onPaused();
  }

  close(): void {
    this.owner = undefined;
    this.#isOpen = false;
    this.#socket?.close();
  }

  #end(reason: "transport close" | "transport error", description?: Error): void {
    const owner = this.owner;
    if (owner === undefined) return;
    this.close();
    owner.onTransportClose(reason, description);
  }
}
