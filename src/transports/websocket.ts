// The WebSocket transport. `ws` does RFC 6455: the handshake, reading and checking
// frames (sizes, UTF-8, masking), control frames and the close handshake. Data
// frames we write ourselves, pre-framed once per packet and corked per turn of the
// event loop (see websocket-frame.ts and write-batch.ts).
import type { Buffer } from "node:buffer";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocket, WebSocketServer, type RawData, type ServerOptions } from "ws";
import { EncodedPacket, FramingSlot } from "../protocol/encoded-packet.js";
import { decodeEnginePacket, EnginePacketType, type EnginePacket } from "../protocol/engine-packet.js";
import type { Transport, TransportCloseReason, TransportOwner } from "./transport.js";
import { binaryFrameHeader, frameText } from "./websocket-frame.js";
import { scheduleFlush, type Flushable } from "./write-batch.js";

/** How long a closing peer has to answer our close frame before its socket is destroyed. */
const CLOSE_TIMEOUT_MS = 1000;

const kTransport = Symbol("enchufe.websocket.transport");

interface OwnedWebSocket extends WebSocket {
  [kTransport]: WebSocketTransport;
}

// Listeners are module functions that find their transport through the socket,
// not closures made per connection.
function onMessage(this: WebSocket, data: RawData, isBinary: boolean): void {
  (this as OwnedWebSocket)[kTransport].receive(data as Buffer, isBinary);
}
function onError(this: WebSocket, error: Error): void {
  (this as OwnedWebSocket)[kTransport].report("transport error", error);
}
function onClose(this: WebSocket): void {
  (this as OwnedWebSocket)[kTransport].report("transport close");
}

/** Frames a packet's payloads: its text as a `message`, each attachment as a binary frame. */
function frameEncoded(packet: EncodedPacket): Buffer | Buffer[] {
  const { payloads } = packet;
  const first = frameText(EnginePacketType.MESSAGE, payloads[0]);
  if (payloads.length === 1) return first;
  const chunks = [first];
  for (let i = 1; i < payloads.length; i++) {
    const bytes = payloads[i] as Uint8Array;
    chunks.push(binaryFrameHeader(bytes.byteLength), bytes as Buffer);
  }
  return chunks;
}

// Frames of packets without data (ping, pong, noop, close), built once: a heartbeat
// round writes the same ping to every session.
const bareFrames: Buffer[] = [];

/** Settings of the WebSocket handshake and of the frames it accepts. */
export interface WebSocketUpgradeOptions {
  /** Largest message accepted, in bytes; a larger one closes with code 1009. */
  maxPayload: number;
}

/** Completes WebSocket handshakes that the engine has already accepted. */
export class WebSocketUpgrader {
  readonly #server: WebSocketServer;
  // Extra response headers (a Set-Cookie) for handshakes still being answered.
  readonly #extraHeaders = new WeakMap<IncomingMessage, readonly string[]>();

  constructor(options: WebSocketUpgradeOptions) {
    const serverOptions: ServerOptions & { closeTimeout: number } = {
      noServer: true,
      clientTracking: false,
      perMessageDeflate: false,
      maxPayload: options.maxPayload,
      closeTimeout: CLOSE_TIMEOUT_MS,
    };
    this.#server = new WebSocketServer(serverOptions);
    this.#server.on("headers", (headers: string[], request: IncomingMessage) => {
      const extra = this.#extraHeaders.get(request);
      if (extra !== undefined) headers.push(...extra);
    });
  }

  /**
   * Answers the upgrade, with `headers` ("Name: value" lines) added to the 101
   * response; `onOpen` gets the transport once the socket speaks WebSocket.
   */
  upgrade(
    request: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    headers: readonly string[],
    onOpen: (transport: WebSocketTransport) => void,
  ): void {
    if (headers.length > 0) this.#extraHeaders.set(request, headers);
    this.#server.handleUpgrade(request, socket, head, (ws) => onOpen(new WebSocketTransport(ws, socket)));
  }
}

/** One WebSocket connection carrying one Engine.IO session. */
export class WebSocketTransport implements Transport, Flushable {
  owner: TransportOwner | undefined;
  readonly #ws: WebSocket;
  readonly #socket: Duplex;
  // What this turn queued: one chunk alone, or an array once there are more.
  #queue: Buffer | Buffer[] | undefined;
  #queuedBytes = 0;
  #isFlushScheduled = false;
  #isReported = false;

  constructor(ws: WebSocket, socket: Duplex) {
    this.#ws = ws;
    this.#socket = socket;
    (ws as OwnedWebSocket)[kTransport] = this;
    ws.on("message", onMessage);
    ws.on("error", onError);
    ws.on("close", onClose);
  }

  get name(): "websocket" {
    return "websocket";
  }

  get bufferedBytes(): number {
    return this.#queuedBytes + this.#socket.writableLength;
  }

  get backlogBytes(): number {
    return this.#socket.writableLength;
  }

  get writable(): boolean {
    return this.#socket.writableLength === 0 && this.#ws.readyState === WebSocket.OPEN;
  }

  sendEncoded(packet: EncodedPacket): void {
    let framed = packet.framedFor(FramingSlot.WEBSOCKET) as Buffer | Buffer[] | undefined;
    if (framed === undefined) packet.keepFramed(FramingSlot.WEBSOCKET, (framed = frameEncoded(packet)));
    if (Array.isArray(framed)) for (const chunk of framed) this.#enqueue(chunk);
    else this.#enqueue(framed);
  }

  sendPacket(packet: EnginePacket): void {
    const { data } = packet;
    if (data instanceof Uint8Array) {
      this.#enqueue(binaryFrameHeader(data.byteLength));
      this.#enqueue(data as Buffer);
    } else if (data === undefined) {
      this.#enqueue((bareFrames[packet.type] ??= frameText(packet.type, "")));
    } else {
      this.#enqueue(frameText(packet.type, data));
    }
  }

  /** @internal Writes the queue in one go; run by the write batch. */
  flush(): void {
    this.#isFlushScheduled = false;
    const queue = this.#queue;
    if (queue === undefined) return;
    this.#queue = undefined;
    this.#queuedBytes = 0;
    if (this.#ws.readyState !== WebSocket.OPEN) return;
    const socket = this.#socket;
    if (!Array.isArray(queue)) {
      socket.write(queue);
    } else {
      socket.cork();
      for (const chunk of queue) socket.write(chunk);
      socket.uncork();
    }
  }

  close(): void {
    if (this.#ws.readyState === WebSocket.OPEN) {
      this.flush();
      this.#ws.close(1000);
    }
    // The close frame is on its way: nothing more will go out, so the session is done with us.
    this.report("transport close");
  }

  destroy(): void {
    this.#queue = undefined;
    this.#queuedBytes = 0;
    this.#ws.terminate();
    this.report("transport close");
  }

  /** @internal A message from `ws`. */
  receive(data: Buffer, isBinary: boolean): void {
    let packet: EnginePacket;
    try {
      packet = decodeEnginePacket(isBinary ? data : data.toString());
    } catch (error) {
      this.report("parse error", error as Error);
      this.close();
      return;
    }
    this.owner?.onTransportPacket(packet);
  }

  /** @internal Tells the owner, once, that this transport is done. */
  report(reason: TransportCloseReason, error?: Error): void {
    if (this.#isReported) return;
    this.#isReported = true;
    this.owner?.onTransportClose(reason, error);
  }

  #enqueue(chunk: Buffer): void {
    if (this.#isReported) return;
    const queue = this.#queue;
    if (queue === undefined) this.#queue = chunk;
    else if (Array.isArray(queue)) queue.push(chunk);
    else this.#queue = [queue, chunk];
    this.#queuedBytes += chunk.length;
    if (!this.#isFlushScheduled) {
      this.#isFlushScheduled = true;
      scheduleFlush(this);
    }
  }
}
