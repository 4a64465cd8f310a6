// A packet encoded once and written to any number of connections (DESIGN › "Fast by
// construction": encode a broadcast once, not once per recipient).
import { encodeSocketPacket, type SocketPacket } from "./socket-packet.js";

/**
 * Slots of {@link EncodedPacket.framed}: each transport kind frames a packet once
 * and keeps the result here for every other recipient on the same kind.
 */
export const FramingSlot = {
  WEBSOCKET: 0,
  POLLING: 1,
  STREAM: 2,
  DATAGRAM: 3,
} as const;
export type FramingSlot = (typeof FramingSlot)[keyof typeof FramingSlot];

/** A Socket.IO packet as the Engine.IO message payloads that carry it. */
export class EncodedPacket {
  /** The packet's text, then each binary attachment, each one Engine.IO `message`. */
  readonly payloads: readonly [string, ...Uint8Array[]];
  /** Transport-specific framed forms, indexed by {@link FramingSlot}. */
  readonly framed: unknown[] = [];

  constructor(payloads: readonly [string, ...Uint8Array[]]) {
    this.payloads = payloads;
  }

  /** Encodes `packet` once. */
  static from(packet: SocketPacket): EncodedPacket {
    return new EncodedPacket(encodeSocketPacket(packet));
  }
}
