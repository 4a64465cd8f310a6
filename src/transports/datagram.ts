// The UDP transport: one Engine.IO session with one peer address, in datagrams of
// protocol/datagram.ts. UDP neither orders nor delivers for sure, so this transport
// promises neither (docs/protocol.md › "Datagrams"). Until the peer proves it owns
// its address (a datagram carrying the sid, which only the `open` answer told it),
// nothing is sent there but that answer, and only as large as the request it
// answers: a forged source address never gets more bytes than it sent.
import { FramingSlot, type EncodedPacket } from "../protocol/encoded-packet.js";
import { decodeEnginePacket, EnginePacketType, type EnginePacket } from "../protocol/engine-packet.js";
import { encodeDatagram } from "../protocol/datagram.js";
import { encodeStreamFrame } from "../protocol/stream-frame.js";
import type { Transport, TransportCloseReason, TransportOwner } from "./transport.js";

/** A peer's address, as dgram reports it. */
export interface DatagramPeer {
  readonly address: string;
  readonly port: number;
  readonly family: string;
}

/** What a datagram transport needs of the endpoint (the UDP socket) it belongs to. */
export interface DatagramSender {
  send(datagram: Uint8Array, peer: DatagramPeer): void;
  /** The transport ended: the endpoint forgets it. */
  forget(transport: DatagramTransport): void;
}

/** Packets held for a peer not verified yet (a server app's welcome, say); more are dropped. */
const MAX_HELD_DATAGRAMS = 32;

/** A `close` packet in a datagram: sent to end a session, or to a peer naming a session that is gone. */
export const CLOSE_DATAGRAM = encodeDatagram([encodeStreamFrame(String(EnginePacketType.CLOSE))]);

/** A packet's datagram: its text as a `message` frame, then each attachment as a binary frame. */
function datagramOf(packet: EncodedPacket): Uint8Array {
  const [text, ...attachments] = packet.payloads;
  return encodeDatagram([encodeStreamFrame(EnginePacketType.MESSAGE + text), ...attachments.map(encodeStreamFrame)]);
}

/** One UDP peer carrying one Engine.IO session. */
export class DatagramTransport implements Transport {
  readonly name = "udp";
  readonly reliable = false;
  owner: TransportOwner | undefined;
  readonly peer: DatagramPeer;
  /** The largest datagram sent or taken: the `maxPayload` the `open` packet announces. */
  readonly maxPayload: number;
  /** The session id, once the engine opened the session. */
  sid: string | undefined;
  /** When the open request came (ms since the epoch). */
  readonly openedAt = Date.now();
  readonly #sender: DatagramSender;
  #isVerified = false;
  #isEnded = false;
  #held: Uint8Array[] = [];
  #openAnswer: Uint8Array | undefined;
  #unansweredPing: Uint8Array | undefined;

  constructor(sender: DatagramSender, peer: DatagramPeer, maxDatagramBytes: number) {
    this.#sender = sender;
    this.peer = peer;
    this.maxPayload = maxDatagramBytes;
  }

  // UDP does not queue: the kernel sends or drops. Volatile packets are always sent.
  get bufferedBytes(): number {
    return 0;
  }

  get backlogBytes(): number {
    return 0;
  }

  get writable(): boolean {
    return !this.#isEnded;
  }

  get isVerified(): boolean {
    return this.#isVerified;
  }

  /** Whether `packet` fits in one datagram; the caller refuses or skips it when not. */
  fits(packet: EncodedPacket): boolean {
    return this.#datagramOf(packet).length <= this.maxPayload;
  }

  sendEncoded(packet: EncodedPacket): void {
    const datagram = this.#datagramOf(packet);
    if (datagram.length <= this.maxPayload) this.#send(datagram);
  }

  sendPacket(packet: EnginePacket): void {
    const { type, data } = packet;
    const datagram = encodeDatagram([
      encodeStreamFrame(data instanceof Uint8Array ? data : String(type) + (data ?? "")),
    ]);
    if (datagram.length > this.maxPayload) return;
    if (type === EnginePacketType.OPEN && !this.#isVerified) {
      this.#openAnswer = datagram; // sent by answerOpen(), as large as the request allows
      return;
    }
    if (type === EnginePacketType.PING) {
      this.#unansweredPing = datagram;
      if (!this.#isVerified) return; // not held: resendPing() sends it once the address is proved
    }
    this.#send(datagram);
  }

  /** Answers an open request of `requestBytes` with the `open` packet, if it is no larger. */
  answerOpen(requestBytes: number): void {
    const answer = this.#openAnswer;
    if (answer !== undefined && answer.length <= requestBytes && !this.#isEnded) this.#sender.send(answer, this.peer);
  }

  /**
   * Sends the ping again while no datagram came back since: one lost ping or pong
   * must not cost a session its life. Run by the endpoint's timer.
   */
  resendPing(): void {
    if (this.#unansweredPing !== undefined) this.#send(this.#unansweredPing);
  }

  /**
   * A datagram of this session arrived (its frames from `framesAt`): the peer owns
   * its address, and is alive. Bad frames close the session as a parse error.
   */
  receive(frames: readonly (string | Uint8Array)[]): void {
    if (this.#isEnded) return;
    this.#unansweredPing = undefined;
    if (!this.#isVerified) this.#verify();
    for (const frame of frames) {
      if (this.#isEnded) return;
      let packet: EnginePacket;
      try {
        packet = decodeEnginePacket(frame);
      } catch (error) {
        return this.fail(error as Error);
      }
      this.owner?.onTransportPacket(packet);
    }
  }

  /** A newer session proved it owns this peer's address: this one ends without sending it anything. */
  abandon(): void {
    this.#isVerified = false; // so that no close packet goes: it would reach the newer session
    this.#end("transport close");
  }

  /** Input that is not valid: the session closes as a parse error. */
  fail(error: Error): void {
    this.#end("parse error", error);
  }

  close(): void {
    this.#end("transport close");
  }

  destroy(): void {
    this.#end("transport close");
  }

  #verify(): void {
    this.#isVerified = true;
    this.#openAnswer = undefined;
    const held = this.#held;
    this.#held = [];
    for (const datagram of held) this.#send(datagram);
  }

  #send(datagram: Uint8Array): void {
    if (this.#isEnded) return;
    if (this.#isVerified) this.#sender.send(datagram, this.peer);
    else if (this.#held.length < MAX_HELD_DATAGRAMS) this.#held.push(datagram);
  }

  /** Tells the peer (a `close` packet, when it is verified), then the owner, once. */
  #end(reason: TransportCloseReason, error?: Error): void {
    if (this.#isEnded) return;
    if (this.#isVerified) this.#sender.send(CLOSE_DATAGRAM, this.peer);
    this.#isEnded = true;
    this.#held = [];
    this.#unansweredPing = undefined;
    this.#sender.forget(this);
    const { owner } = this;
    this.owner = undefined;
    owner?.onTransportClose(reason, error);
  }

  #datagramOf(packet: EncodedPacket): Uint8Array {
    let datagram = packet.framedFor(FramingSlot.DATAGRAM) as Uint8Array | undefined;
    if (datagram === undefined) packet.keepFramed(FramingSlot.DATAGRAM, (datagram = datagramOf(packet)));
    return datagram;
  }
}
