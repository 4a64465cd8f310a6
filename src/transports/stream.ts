// The stream transport: one Engine.IO session over a TCP, TLS or Unix-socket
// connection, each packet in a frame of protocol/stream-frame.ts (docs/protocol.md).
// The server speaks first, with the `open` packet; there is no upgrade. Writes are
// framed once per broadcast and corked per turn of the event loop, as WebSocket's.
import { Buffer } from "node:buffer";
import type { Socket } from "node:net";
import { EncodedPacket, FramingSlot } from "../protocol/encoded-packet.js";
import { decodeEnginePacket, EnginePacketType, type EnginePacket } from "../protocol/engine-packet.js";
import { encodeStreamFrame, StreamFrameDecoder } from "../protocol/stream-frame.js";
import { SocketTransport } from "./socket-transport.js";
import type { Transport } from "./transport.js";

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
export class StreamTransport extends SocketTransport implements Transport {
  readonly #decoder: StreamFrameDecoder;

  constructor(socket: Socket, name: StreamTransportName, maxPayload: number) {
    super(socket, name);
    this.#decoder = new StreamFrameDecoder(maxPayload);
  }

  sendEncoded(packet: EncodedPacket): void {
    let framed = packet.framedFor(FramingSlot.STREAM) as Buffer[] | undefined;
    if (framed === undefined) packet.keepFramed(FramingSlot.STREAM, (framed = frameEncoded(packet)));
    for (const frame of framed) this.enqueue(frame);
  }

  sendPacket(packet: EnginePacket): void {
    this.enqueue(framePacket(packet));
  }

  protected receive(chunk: Buffer): void {
    // One packet at a time: those before a bad frame or packet are delivered, whatever the chunking.
    try {
      this.#decoder.read(chunk, this.#onFrame);
    } catch (error) {
      this.fail(error as Error);
    }
  }

  /** One per connection, not one closure per chunk read. */
  readonly #onFrame = (frame: string | Uint8Array): void => {
    if (!this.isReported) this.owner?.onTransportPacket(decodeEnginePacket(frame));
  };

  protected onEnd(): void {
    try {
      this.#decoder.end();
    } catch (error) {
      return this.fail(error as Error);
    }
    this.socket.end();
  }
}
