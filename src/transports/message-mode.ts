// Message modes, for stream peers that do not speak Engine.IO (`nc`, `telnet`, a
// device, a script with a plain socket). The transport plays the client's side of
// Engine.IO and Socket.IO for them: it joins "/" on the peer's behalf and answers
// the heartbeat, turns each message of the peer into a `message` event, and writes
// what the server emits to that socket back as plain messages. Above it, such a
// peer is a socket like any other: rooms, broadcasts and middleware apply.
//
//   line   each "\n"-terminated line (a "\r" before it dropped) is one message, as
//          text; emits go back as lines
//   raw    each chunk received is one message, as bytes; emits go out unframed
//   sized  each message is a u32 big-endian length, then that many bytes
//
// Back to the peer, a `message` event with one string or bytes argument is written
// as it is; any other event as the JSON of `[event, ...args]`.
import { Buffer } from "node:buffer";
import type { Socket } from "node:net";
import { FramingSlot, type EncodedPacket } from "../protocol/encoded-packet.js";
import { EnginePacketType, type EnginePacket } from "../protocol/engine-packet.js";
import { encodeSocketPacket, PacketType, SocketPacketDecoder, type SocketPacket } from "../protocol/socket-packet.js";
import type { StreamTransportName } from "./stream.js";
import { SocketTransport } from "./socket-transport.js";
import type { Transport } from "./transport.js";

export type MessageMode = "line" | "raw" | "sized";

/** Largest message a peer may send in `line` and `sized` modes, by default: 64 KiB. */
export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024;

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

function isBytes(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array;
}

const LINE_END = Buffer.from("\n");

/** A broadcast's message, rendered once for every message-mode peer; `sizeHeader` made by the first `sized` one. */
interface RenderedMessage {
  readonly bytes: Buffer;
  sizeHeader: Buffer | undefined;
}

function sizeHeader(length: number): Buffer {
  const header = Buffer.alloc(4);
  header.writeUInt32BE(length);
  return header;
}

function toBuffer(message: string | Uint8Array): Buffer {
  return typeof message === "string"
    ? Buffer.from(message)
    : Buffer.from(message.buffer, message.byteOffset, message.byteLength);
}

/** What the peer receives for one event: the message itself, or `[event, ...args]` as JSON. */
function render(packet: SocketPacket): string | Uint8Array {
  const data = packet.data as readonly unknown[];
  const [event, ...args] = data;
  if (event === "message" && args.length === 1 && (typeof args[0] === "string" || isBytes(args[0]))) return args[0];
  return JSON.stringify(data, (_key, value: unknown) =>
    isBytes(value) ? Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64") : value,
  );
}

export class MessageModeTransport extends SocketTransport implements Transport {
  readonly #mode: MessageMode;
  readonly #maxMessageBytes: number;
  readonly #outgoing = new SocketPacketDecoder();
  readonly #text: TextDecoder;
  #pending: Buffer = Buffer.alloc(0);

  /** `isLenient`: text that is not UTF-8 gets U+FFFD for its bad bytes instead of closing the peer. */
  constructor(
    socket: Socket,
    name: StreamTransportName,
    mode: MessageMode,
    { maxMessageBytes, isLenient }: { maxMessageBytes: number; isLenient: boolean },
  ) {
    super(socket, name);
    this.#mode = mode;
    this.#maxMessageBytes = maxMessageBytes;
    this.#text = new TextDecoder("utf-8", { fatal: !isLenient });
  }

  sendEncoded(packet: EncodedPacket): void {
    const source = packet.packet;
    if (source === undefined) {
      for (const payload of packet.payloads) this.#sendMessage(payload);
    } else if (source.type === PacketType.EVENT) {
      // A broadcast reaches many peers: its message, and its length for `sized` peers, are made once.
      let message = packet.framedFor(FramingSlot.MESSAGE) as RenderedMessage | undefined;
      if (message === undefined) {
        packet.keepFramed(FramingSlot.MESSAGE, (message = { bytes: toBuffer(render(source)), sizeHeader: undefined }));
      }
      if (this.#mode === "sized") message.sizeHeader ??= sizeHeader(message.bytes.length);
      this.#writeBytes(message.bytes, message.sizeHeader);
    } else {
      this.#deliver(source);
    }
  }

  sendPacket(packet: EnginePacket): void {
    switch (packet.type) {
      case EnginePacketType.OPEN:
        // The session is open (its owner attaches once the engine announced it): join "/" for the peer.
        queueMicrotask(() => this.#fromPeer({ type: PacketType.CONNECT, namespace: "/" }));
        return;
      case EnginePacketType.PING:
        queueMicrotask(() => this.owner?.onTransportPacket({ type: EnginePacketType.PONG }));
        return;
      case EnginePacketType.MESSAGE:
        return this.#sendMessage(packet.data ?? "");
      case EnginePacketType.CLOSE:
        return this.close();
      case EnginePacketType.PONG:
      case EnginePacketType.UPGRADE:
      case EnginePacketType.NOOP:
        return;
    }
  }

  /** One Engine.IO message of the session (a Socket.IO packet, or one of its attachments). */
  #sendMessage(data: string | Uint8Array): void {
    let packet: SocketPacket | undefined;
    try {
      packet = this.#outgoing.decode(data);
    } catch {
      return; // the server's own packets are valid; nothing to show the peer otherwise
    }
    if (packet !== undefined) this.#deliver(packet);
  }

  #deliver(packet: SocketPacket): void {
    switch (packet.type) {
      case PacketType.EVENT:
      case PacketType.BINARY_EVENT:
        return this.#writeBytes(toBuffer(render(packet)));
      case PacketType.CONNECT_ERROR:
        this.#writeBytes(toBuffer(JSON.stringify(["connect_error", packet.data])));
        return this.close();
      case PacketType.DISCONNECT:
        return this.close();
      case PacketType.CONNECT:
      case PacketType.ACK:
      case PacketType.BINARY_ACK:
        return;
    }
  }

  /** Writes one message in this listener's framing (`header`: its length, when already made). */
  #writeBytes(bytes: Buffer, header?: Buffer): void {
    if (this.#mode === "sized") this.enqueue(header ?? sizeHeader(bytes.length));
    this.enqueue(bytes);
    if (this.#mode === "line") this.enqueue(LINE_END);
  }

  protected receive(chunk: Buffer): void {
    if (this.#mode === "raw") return this.#fromPeerMessage(chunk);
    this.#pending = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    try {
      if (this.#mode === "line") this.#readLines();
      else this.#readSized();
    } catch (error) {
      this.fail(error as Error);
    }
  }

  #readLines(): void {
    let start = 0;
    for (let end = this.#pending.indexOf(NEWLINE); end !== -1; end = this.#pending.indexOf(NEWLINE, start)) {
      const stop = end > start && this.#pending[end - 1] === CARRIAGE_RETURN ? end - 1 : end;
      this.#checkSize(stop - start);
      this.#fromPeerMessage(this.#decodeText(this.#pending.subarray(start, stop)));
      if (this.isReported) return;
      start = end + 1;
    }
    this.#pending = this.#pending.subarray(start);
    this.#checkSize(this.#pending.length);
  }

  #readSized(): void {
    while (this.#pending.length >= 4) {
      const length = this.#pending.readUInt32BE(0);
      this.#checkSize(length);
      if (this.#pending.length < 4 + length) return;
      this.#fromPeerMessage(this.#pending.subarray(4, 4 + length));
      if (this.isReported) return;
      this.#pending = this.#pending.subarray(4 + length);
    }
  }

  #checkSize(bytes: number): void {
    if (bytes > this.#maxMessageBytes) {
      throw new Error(`message of more than ${this.#maxMessageBytes} bytes (maxMessageBytes)`);
    }
  }

  #decodeText(bytes: Uint8Array): string {
    try {
      return this.#text.decode(bytes);
    } catch {
      throw new Error("line is not valid UTF-8");
    }
  }

  /** A message from the peer: a `message` event of its socket in "/". */
  #fromPeerMessage(value: string | Uint8Array): void {
    this.#fromPeer({ type: PacketType.EVENT, namespace: "/", data: ["message", value] });
  }

  #fromPeer(packet: SocketPacket): void {
    for (const payload of encodeSocketPacket(packet)) {
      if (this.isReported) return;
      this.owner?.onTransportPacket({ type: EnginePacketType.MESSAGE, data: payload });
    }
  }

  protected onEnd(): void {
    if (this.#mode !== "raw" && this.#pending.length > 0) {
      this.report("parse error", new Error(`stream ended inside a message (${this.#pending.length} bytes left over)`));
    }
    this.socket.end();
  }
}
