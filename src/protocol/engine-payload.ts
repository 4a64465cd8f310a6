// Engine.IO v4 long-polling payloads (engine.io-protocol-v4.md › "Packet encoding" ›
// "HTTP long-polling"): packets joined by the record separator \x1e, binary
// messages as "b" followed by base64.
import { ErrorCode, ProtocolError } from "../errors.js";
import { decodeBase64, encodeBase64 } from "./base64.js";
import { decodeEnginePacket, encodeEnginePacket, type EnginePacket } from "./engine-packet.js";

/** The record separator between packets of one payload. */
export const RECORD_SEPARATOR = "\x1e";

/** Options for {@link decodeEnginePayload}. */
export interface DecodePayloadOptions {
  /** Most packets one payload may hold. @default 256 */
  maxPackets?: number;
}

/** Joins packets into one polling payload. */
export function encodeEnginePayload(packets: readonly EnginePacket[]): string {
  let payload = "";
  for (let i = 0; i < packets.length; i++) {
    const encoded = encodeEnginePacket(packets[i]!);
    if (i > 0) payload += RECORD_SEPARATOR;
    payload += typeof encoded === "string" ? encoded : "b" + encodeBase64(encoded);
  }
  return payload;
}

/**
 * Splits a polling payload into packets.
 *
 * @throws ProtocolError on an empty payload, a bad packet, or more than `maxPackets` packets.
 */
export function decodeEnginePayload(payload: string, options: DecodePayloadOptions = {}): EnginePacket[] {
  const maxPackets = options.maxPackets ?? 256;
  const packets: EnginePacket[] = [];
  let start = 0;
  while (start <= payload.length) {
    if (packets.length === maxPackets) {
      throw new ProtocolError(ErrorCode.PACKET_LIMIT, `payload holds more than ${maxPackets} packets`);
    }
    let end = payload.indexOf(RECORD_SEPARATOR, start);
    if (end === -1) end = payload.length;
    const chunk = payload.slice(start, end);
    packets.push(chunk.startsWith("b") ? decodeEnginePacket(decodeBase64(chunk.slice(1))) : decodeEnginePacket(chunk));
    start = end + 1;
  }
  return packets;
}
