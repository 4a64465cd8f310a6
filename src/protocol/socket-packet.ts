// Socket.IO v5 packets (socket.io-protocol-v5.md › "Packet encoding" › "Format"):
// <type>[<attachments>-][<namespace>,][<ack id>][<JSON payload>] + binary attachments.
import { ErrorCode, ProtocolError } from "../errors.js";
import { deconstructPacket, hasBinary, reconstructPacket } from "./binary.js";

/** The Socket.IO packet types, by their wire digit. */
export const PacketType = {
  CONNECT: 0,
  DISCONNECT: 1,
  EVENT: 2,
  ACK: 3,
  CONNECT_ERROR: 4,
  BINARY_EVENT: 5,
  BINARY_ACK: 6,
} as const;
export type PacketType = (typeof PacketType)[keyof typeof PacketType];

/** One Socket.IO packet. `data` holds binary values in place (not placeholders). */
export interface SocketPacket {
  type: PacketType;
  /** The namespace, `"/"` for the main one. */
  namespace: string;
  data?: unknown;
  /** The acknowledgement id, on events that want an answer and on their ACK. */
  id?: number;
}

/** Event names that only the library itself emits; a peer sending one is closed. */
export const RESERVED_EVENTS: ReadonlySet<string> = new Set([
  "connect",
  "connect_error",
  "disconnect",
  "disconnecting",
  "newListener",
  "removeListener",
]);

/** Limits applied while decoding; every packet past one is a {@link ProtocolError}. */
export interface DecoderOptions {
  /** Most binary attachments in one packet. @default 10 */
  maxAttachments?: number;
  /** Most arguments of one event or acknowledgement, the event name not counted. @default 1000 */
  maxArguments?: number;
  /**
   * What an attachment becomes in the packet's data: a client gives Node users a
   * Buffer and browsers an ArrayBuffer, as socket.io-client does. @default the bytes as they arrived
   */
  toBinary?: ((bytes: Uint8Array) => unknown) | undefined;
}

/** The decoder's defaults, shared with the server's options. */
export const DECODER_DEFAULTS = Object.freeze({
  maxAttachments: 10,
  maxArguments: 1000,
}) satisfies Required<Omit<DecoderOptions, "toBinary">>;

const MAX_NAMESPACE_LENGTH = 256;
const MAX_ID_DIGITS = 16; // Number.MAX_SAFE_INTEGER has 16 digits

/**
 * Encodes a packet as Engine.IO message payloads: its text first, then each binary
 * attachment. An event or acknowledgement is sent as BINARY_EVENT / BINARY_ACK when
 * it holds binary and as EVENT / ACK when it does not, whichever type it came with.
 */
export function encodeSocketPacket(packet: SocketPacket): [string, ...Uint8Array[]] {
  let { type, data } = packet;
  let attachments: Uint8Array[] | undefined;
  if (type === PacketType.EVENT || type === PacketType.BINARY_EVENT) {
    type = hasBinary(data) ? PacketType.BINARY_EVENT : PacketType.EVENT;
  } else if (type === PacketType.ACK || type === PacketType.BINARY_ACK) {
    type = hasBinary(data) ? PacketType.BINARY_ACK : PacketType.ACK;
  }
  if (type === PacketType.BINARY_EVENT || type === PacketType.BINARY_ACK) {
    attachments = [];
    data = deconstructPacket(data, attachments);
  }
  let text = String(type);
  if (attachments !== undefined) text += attachments.length + "-";
  if (packet.namespace !== "/") text += packet.namespace + ",";
  if (packet.id !== undefined) text += packet.id;
  if (data !== undefined) text += JSON.stringify(data);
  return attachments === undefined ? [text] : [text, ...attachments];
}

function invalid(message: string): ProtocolError {
  return new ProtocolError(ErrorCode.PACKET_INVALID, message);
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

function isPlainObject(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Turns Engine.IO message payloads back into Socket.IO packets, one frame at a time.
 * Holds the state of a binary packet whose attachments are still arriving, so use
 * one decoder per connection. Total: anything malformed throws {@link ProtocolError}.
 */
export class SocketPacketDecoder {
  readonly #maxAttachments: number;
  readonly #maxArguments: number;
  #pending: SocketPacket | undefined;
  #expected = 0;
  #attachments: unknown[] | undefined;
  readonly #toBinary: ((bytes: Uint8Array) => unknown) | undefined;

  constructor(options: DecoderOptions = {}) {
    this.#maxAttachments = options.maxAttachments ?? DECODER_DEFAULTS.maxAttachments;
    this.#maxArguments = options.maxArguments ?? DECODER_DEFAULTS.maxArguments;
    this.#toBinary = options.toBinary;
  }

  /** True while a binary packet waits for attachments. */
  get isAwaitingAttachments(): boolean {
    return this.#pending !== undefined;
  }

  /**
   * Decodes one Engine.IO message payload.
   *
   * @returns the packet, or `undefined` while a binary packet awaits more attachments.
   * @throws ProtocolError when the payload is malformed or over a limit.
   */
  decode(payload: string | Uint8Array): SocketPacket | undefined {
    if (typeof payload !== "string") return this.#addAttachment(payload);
    if (this.#pending !== undefined) {
      this.reset();
      throw invalid("text packet received while binary attachments were awaited");
    }
    let packet: SocketPacket;
    try {
      packet = this.#validate(this.#decodeText(payload));
    } catch (error) {
      this.reset();
      throw error;
    }
    if (this.#expected === 0) return packet;
    // Validated before buffering attachments, so a bad header fails before its payload arrives.
    this.#pending = packet;
    return undefined;
  }

  /** Drops a partly received binary packet. */
  reset(): void {
    this.#pending = undefined;
    this.#expected = 0;
    this.#attachments = undefined;
  }

  #addAttachment(bytes: Uint8Array): SocketPacket | undefined {
    const packet = this.#pending;
    if (packet === undefined) throw invalid("binary attachment received without a binary packet");
    const attachments = (this.#attachments ??= []);
    attachments.push(this.#toBinary === undefined ? bytes : this.#toBinary(bytes));
    if (attachments.length < this.#expected) return undefined;
    this.reset();
    packet.data = reconstructPacket(packet.data, attachments);
    return packet;
  }

  #decodeText(text: string): SocketPacket {
    const type = text.charCodeAt(0) - 48;
    if (!(type >= PacketType.CONNECT && type <= PacketType.BINARY_ACK)) throw invalid("unknown Socket.IO packet type");
    let i = 1;
    let count = 0;
    if (type === PacketType.BINARY_EVENT || type === PacketType.BINARY_ACK) {
      while (isDigit(text.charCodeAt(i))) i++;
      if (i === 1 || i > 4 || text[i] !== "-") throw invalid("binary packet without a valid attachment count");
      count = Number(text.slice(1, i));
      if (count === 0) throw invalid("binary packet with no attachment");
      if (count > this.#maxAttachments) {
        throw new ProtocolError(ErrorCode.PACKET_LIMIT, `packet has more than ${this.#maxAttachments} attachments`);
      }
      i++;
    }
    let namespace = "/";
    if (text[i] === "/") {
      let end = text.indexOf(",", i);
      if (end === -1) end = text.length;
      namespace = text.slice(i, end);
      if (namespace.length > MAX_NAMESPACE_LENGTH || hasControlCharacter(namespace)) {
        throw invalid("invalid namespace");
      }
      i = end + 1;
    }
    const packet: SocketPacket = { type: type as PacketType, namespace };
    const idStart = i;
    while (isDigit(text.charCodeAt(i))) i++;
    if (i > idStart) {
      if (i - idStart > MAX_ID_DIGITS) throw invalid("acknowledgement id is too large");
      const id = Number(text.slice(idStart, i));
      if (!Number.isSafeInteger(id)) throw invalid("acknowledgement id is too large");
      packet.id = id;
    }
    if (i < text.length) {
      try {
        packet.data = JSON.parse(text.slice(i));
      } catch {
        throw invalid("payload is not valid JSON");
      }
    }
    this.#expected = count;
    return packet;
  }

  #validate(packet: SocketPacket): SocketPacket {
    const { data, id } = packet;
    switch (packet.type) {
      case PacketType.CONNECT:
        if (id !== undefined || (data !== undefined && !isPlainObject(data))) throw invalid("invalid CONNECT packet");
        return packet;
      case PacketType.DISCONNECT:
        if (id !== undefined || data !== undefined) throw invalid("invalid DISCONNECT packet");
        return packet;
      case PacketType.CONNECT_ERROR:
        if (id !== undefined || !(typeof data === "string" || isPlainObject(data))) {
          throw invalid("invalid CONNECT_ERROR packet");
        }
        return packet;
      case PacketType.EVENT:
      case PacketType.BINARY_EVENT:
        if (!Array.isArray(data) || typeof data[0] !== "string") {
          throw invalid("event payload must be an array starting with the event name");
        }
        if (RESERVED_EVENTS.has(data[0])) throw invalid(`"${data[0]}" is a reserved event name`);
        this.#checkArguments(data.length - 1);
        return packet;
      case PacketType.ACK:
      case PacketType.BINARY_ACK:
        if (id === undefined || !Array.isArray(data)) throw invalid("acknowledgement needs an id and an array payload");
        this.#checkArguments(data.length);
        return packet;
    }
  }

  #checkArguments(count: number): void {
    if (count > this.#maxArguments) {
      throw new ProtocolError(ErrorCode.PACKET_LIMIT, `more than ${this.#maxArguments} arguments`);
    }
  }
}
