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
  const decoder = new EnginePayloadDecoder(options);
  return [...decoder.push(payload), ...decoder.end()];
}

/**
 * Decodes a polling payload as it arrives, a piece of text at a time: each packet
 * comes out as soon as its separator does, so a body is never held whole.
 */
export class EnginePayloadDecoder {
  readonly #maxPackets: number;
  #partial = "";
  #count = 0;

  constructor(options: DecodePayloadOptions = {}) {
    this.#maxPackets = options.maxPackets ?? 256;
  }

  /**
   * Takes the next piece of the payload and returns the packets it completed.
   *
   * @throws ProtocolError on a bad packet or more than `maxPackets` packets.
   */
  push(text: string): EnginePacket[] {
    const packets: EnginePacket[] = [];
    let start = 0;
    for (let end = text.indexOf(RECORD_SEPARATOR); end !== -1; end = text.indexOf(RECORD_SEPARATOR, start)) {
      packets.push(this.#decode(this.#partial + text.slice(start, end)));
      this.#partial = "";
      start = end + 1;
    }
    this.#partial += text.slice(start);
    return packets;
  }

  /**
   * The payload is complete: returns its last packet.
   *
   * @throws ProtocolError when that packet is empty or bad.
   */
  end(): EnginePacket[] {
    const last = this.#partial;
    this.#partial = "";
    return [this.#decode(last)];
  }

  #decode(text: string): EnginePacket {
    if (++this.#count > this.#maxPackets) {
      throw new ProtocolError(ErrorCode.PACKET_LIMIT, `payload holds more than ${this.#maxPackets} packets`);
    }
    return text.startsWith("b") ? decodeEnginePacket(decodeBase64(text.slice(1))) : decodeEnginePacket(text);
  }
}
