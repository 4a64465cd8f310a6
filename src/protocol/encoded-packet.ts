// A packet encoded once and written to any number of connections (DESIGN › "Fast by
// construction": encode a broadcast once, not once per recipient).
import { encodeSocketPacket, type SocketPacket } from "./socket-packet.js";

/**
 * Slots of {@link EncodedPacket.framedFor}: each transport kind frames a packet once
 * and keeps the result here for every other recipient on the same kind.
 */
export const FramingSlot = {
  WEBSOCKET: 0,
  POLLING: 1,
  STREAM: 2,
  DATAGRAM: 3,
  /** The plain message a message-mode peer (line, raw, sized) is sent, before its framing. */
  MESSAGE: 4,
} as const;
export type FramingSlot = (typeof FramingSlot)[keyof typeof FramingSlot];

/** A Socket.IO packet as the Engine.IO message payloads that carry it. */
export class EncodedPacket {
  /** The packet's text, then each binary attachment, each one Engine.IO `message`. */
  readonly payloads: readonly [string, ...Uint8Array[]];
  /** The packet these payloads encode, when it is at hand (for listeners of outgoing events). */
  readonly packet: SocketPacket | undefined;
  #framed: unknown[] | undefined;

  constructor(payloads: readonly [string, ...Uint8Array[]], packet?: SocketPacket) {
    this.payloads = payloads;
    this.packet = packet;
  }

  /** Encodes `packet` once. */
  static from(packet: SocketPacket): EncodedPacket {
    return new EncodedPacket(encodeSocketPacket(packet), packet);
  }

  /** The form a transport kind framed this packet in, if one already did. */
  framedFor(slot: FramingSlot): unknown {
    return this.#framed?.[slot];
  }

  /** Keeps a transport kind's framed form for the next recipient on the same kind. */
  keepFramed(slot: FramingSlot, framed: unknown): void {
    (this.#framed ??= [])[slot] = framed;
  }
}
