// Engine.IO v4 packets (engine.io-protocol-v4.md › "Protocol" and "Packet encoding").
// Pure: strings and Uint8Array in, packets out. No Buffer, no I/O.
import { ArgumentError, ErrorCode, ProtocolError } from "../errors.js";

/** The Engine.IO packet types, by their wire digit. */
export const EnginePacketType = {
  OPEN: 0,
  CLOSE: 1,
  PING: 2,
  PONG: 3,
  MESSAGE: 4,
  UPGRADE: 5,
  NOOP: 6,
} as const;
export type EnginePacketType = (typeof EnginePacketType)[keyof typeof EnginePacketType];

/** One Engine.IO packet. Only `MESSAGE` packets may carry binary data. */
export interface EnginePacket {
  type: EnginePacketType;
  data?: string | Uint8Array;
}

const ZERO = 48; // "0"

/**
 * Encodes a packet for a transport that carries text and binary frames apart
 * (WebSocket › "Packet encoding"): text is the type digit then the data; a binary
 * message is its bytes as they are, with no type.
 *
 * @throws ArgumentError for binary data on a packet other than `message`.
 */
export function encodeEnginePacket(packet: EnginePacket): string | Uint8Array {
  const { type, data } = packet;
  if (data instanceof Uint8Array) {
    if (type !== EnginePacketType.MESSAGE) {
      throw new ArgumentError(ErrorCode.ARGUMENT_INVALID, "only message packets can carry binary data");
    }
    return data;
  }
  return data === undefined ? String(type) : String(type) + data;
}

/**
 * Decodes one frame. A binary frame is a binary message; a text frame starts with
 * a type digit from 0 to 6.
 *
 * @throws ProtocolError on an empty frame or an unknown type.
 */
export function decodeEnginePacket(frame: string | Uint8Array): EnginePacket {
  if (typeof frame !== "string") return { type: EnginePacketType.MESSAGE, data: frame };
  const type = frame.charCodeAt(0) - ZERO;
  if (!(type >= EnginePacketType.OPEN && type <= EnginePacketType.NOOP)) {
    throw new ProtocolError(
      ErrorCode.PACKET_INVALID,
      frame.length === 0 ? "empty Engine.IO packet" : "unknown Engine.IO packet type",
    );
  }
  return frame.length > 1
    ? { type: type as EnginePacketType, data: frame.slice(1) }
    : { type: type as EnginePacketType };
}
