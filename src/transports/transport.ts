// The port between the engine and every transport: a transport moves Engine.IO
// packets and reports what happened; it knows nothing of sessions, events or rooms.
import type { EncodedPacket } from "../protocol/encoded-packet.js";
import type { EnginePacket } from "../protocol/engine-packet.js";

/** The names a transport reports as `socket.conn.transport.name`. */
export type TransportName = "websocket" | "polling" | "tcp" | "tls" | "ipc" | "udp";

/** Why a transport stopped, in Socket.IO's words. */
export type TransportCloseReason = "transport close" | "transport error" | "parse error";

/** What a transport tells the session that owns it. */
export interface TransportOwner {
  /** One Engine.IO packet arrived. */
  onTransportPacket(packet: EnginePacket): void;
  /** The transport is gone; called once. `error` says why for the error reasons. */
  onTransportClose(reason: TransportCloseReason, error?: Error): void;
}

/** A server-side transport carrying one Engine.IO session. */
export interface Transport {
  readonly name: TransportName;
  /** Receives what the transport reports; set once by the session. */
  owner: TransportOwner | undefined;
  /** Bytes accepted for sending that the kernel has not taken yet, this turn's queue included. */
  readonly bufferedBytes: number;
  /**
   * Bytes written out in earlier turns of the event loop that the kernel has not
   * taken yet: how far behind the peer is on reading. This turn's queue is not
   * counted, so a burst or one large message is never held against a fast peer.
   */
  readonly backlogBytes: number;
  /** False while the peer is behind on reading; volatile packets are dropped then. */
  readonly writable: boolean;
  /** False when packets may be lost or come out of order (UDP); absent means both are promised. */
  readonly reliable?: boolean;
  /** The largest message the transport carries, when smaller than the engine's (UDP's datagram size). */
  readonly maxPayload?: number;
  /** Whether `packet` can be sent at all (it fits in one datagram); absent means always. */
  fits?(packet: EncodedPacket): boolean;
  /** Queues a Socket.IO packet encoded once for any number of recipients. */
  sendEncoded(packet: EncodedPacket): void;
  /** Queues one Engine.IO packet (open, ping, noop, close, or a message). */
  sendPacket(packet: EnginePacket): void;
  /** Writes what is queued, then closes; `owner` hears `transport close` when done. */
  close(): void;
  /** Drops what is queued and closes at once. */
  destroy(): void;
  /**
   * While an upgrade away from this transport is probed, the client is about to
   * stop using it: nothing should keep it waiting (polling answers GETs with noop).
   */
  setPaused?(isPaused: boolean): void;
  /** The upgrade is done: sends what is still queued through `next`, in order, and lets go. */
  handOver?(next: Transport): void;
}
