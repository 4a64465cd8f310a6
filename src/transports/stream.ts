// The stream transport: one Engine.IO session over a TCP, TLS or Unix-socket
// connection, each packet in a frame of protocol/stream-frame.ts (docs/protocol.md).
// The server speaks first, with the `open` packet; there is no upgrade. Writes are
// framed once per broadcast and corked per turn of the event loop, as WebSocket's.
import { Buffer } from "node:buffer";
import type { Socket } from "node:net";
import { EncodedPacket, FramingSlot } from "../protocol/encoded-packet.js";
import { decodeEnginePacket, EnginePacketType, type EnginePacket } from "../protocol/engine-packet.js";
import { encodeStreamFrame, StreamFrameDecoder } from "../protocol/stream-frame.js";
import { endSocket } from "./socket-end.js";
import type { Transport, TransportCloseReason, TransportOwner } from "./transport.js";
import { scheduleFlush, type Flushable } from "./write-batch.js";

/** The stream transports, by the scheme of their listener's URL. */
export type StreamTransportName = "tcp" | "tls" | "ipc";

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A packet's frames: its text as a `message`, then each attachment as a binary frame. */
function frameEncoded(packet: EncodedPacket): Buffer[] {
  const [text, ...attachments] = packet.payloads;
  return [
    asBuffer(encodeStreamFrame(EnginePacketType.MESSAGE + text)),
    ...attachments.map((bytes) => asBuffer(encodeStreamFrame(bytes))),
  ];
}

function framePacket(packet: EnginePacket): Buffer {
  const { type, data } = packet;
  return asBuffer(encodeStreamFrame(data instanceof Uint8Array ? data : String(type) + (data ?? "")));
}

/** One stream connection carrying one Engine.IO session. */
export class StreamTransport implements Transport, Flushable {
  readonly name: StreamTransportName;
  owner: TransportOwner | undefined;
  readonly #socket: Socket;
  readonly #decoder: StreamFrameDecoder;
  #queue: Buffer[] = [];
  #queuedBytes = 0;
  #isFlushScheduled = false;
  #isReported = false;

  constructor(socket: Socket, name: StreamTransportName, maxPayload: number) {
    this.name = name;
    this.#socket = socket;
    this.#decoder = new StreamFrameDecoder(maxPayload);
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.#receive(chunk));
    socket.on("end", () => this.#onEnd());
    socket.on("error", (error) => this.#report("transport error", error));
    socket.on("close", () => this.#report("transport close"));
  }

  get bufferedBytes(): number {
    return this.#queuedBytes + this.#socket.writableLength;
  }

  get backlogBytes(): number {
    return this.#socket.writableLength;
  }

  get writable(): boolean {
    return this.#socket.writableLength === 0 && this.#socket.writable;
  }

  sendEncoded(packet: EncodedPacket): void {
    let framed = packet.framedFor(FramingSlot.STREAM) as Buffer[] | undefined;
    if (framed === undefined) packet.keepFramed(FramingSlot.STREAM, (framed = frameEncoded(packet)));
    for (const frame of framed) this.#enqueue(frame);
  }

  sendPacket(packet: EnginePacket): void {
    this.#enqueue(framePacket(packet));
  }

  /** @internal Writes the queue in one go; run by the write batch. */
  flush(): void {
    this.#isFlushScheduled = false;
    const queue = this.#queue;
    if (queue.length === 0) return;
    this.#queue = [];
    this.#queuedBytes = 0;
    const socket = this.#socket;
    if (!socket.writable) return;
    socket.cork();
    for (const frame of queue) socket.write(frame);
    socket.uncork();
  }

  close(): void {
    this.flush();
    endSocket(this.#socket);
    this.#report("transport close");
  }

  destroy(): void {
    this.#queue = [];
    this.#queuedBytes = 0;
    this.#socket.destroy();
    this.#report("transport close");
  }

  #receive(chunk: Buffer): void {
    // One packet at a time: those before a bad frame or packet are delivered, whatever the chunking.
    try {
      this.#decoder.read(chunk, (frame) => {
        if (!this.#isReported) this.owner?.onTransportPacket(decodeEnginePacket(frame));
      });
    } catch (error) {
      this.#fail(error as Error);
    }
  }

  #onEnd(): void {
    try {
      this.#decoder.end();
    } catch (error) {
      return this.#fail(error as Error);
    }
    this.#socket.end();
  }

  /** Input that is not a valid frame or packet: this connection is closed as a parse error. */
  #fail(error: Error): void {
    this.#report("parse error", error);
    this.#socket.destroy();
  }

  #report(reason: TransportCloseReason, error?: Error): void {
    if (this.#isReported) return;
    this.#isReported = true;
    this.owner?.onTransportClose(reason, error);
  }

  #enqueue(frame: Buffer): void {
    if (this.#isReported) return;
    this.#queue.push(frame);
    this.#queuedBytes += frame.length;
    if (!this.#isFlushScheduled) {
      this.#isFlushScheduled = true;
      scheduleFlush(this);
    }
  }
}
