// One Engine.IO session: the handshake has been answered and a transport carries
// it. The session owns the heartbeat state, the outbound limit and the close
// reasons; what its messages mean is its owner's business (the Socket.IO layer).
import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { EnchufeError, ErrorCode, ProtocolError } from "../errors.js";
import type { EncodedPacket } from "../protocol/encoded-packet.js";
import { EnginePacketType, type EnginePacket } from "../protocol/engine-packet.js";
import type { Transport, TransportCloseReason, TransportOwner } from "../transports/transport.js";
import type { Pingable } from "./heartbeat.js";

/** Why a session closed, in Socket.IO's words plus enchufe's `"slow consumer"`. */
export type SessionCloseReason = TransportCloseReason | "ping timeout" | "forced close" | "slow consumer";

/** `open` until the session closes, then `closed` for good. */
export type SessionState = "open" | "closed";

/** What a session tells the layer above it. */
export interface SessionOwner {
  /** An Engine.IO `message` arrived. */
  onSessionMessage(data: string | Uint8Array): void;
  /** The session closed; called once, unless the owner detached first. */
  onSessionClose(reason: SessionCloseReason, error?: Error): void;
}

/** What a session needs of the engine that created it. */
export interface SessionHost {
  readonly maxBufferedBytes: number;
  removeSession(session: Session): void;
}

const PING: EnginePacket = { type: EnginePacketType.PING };

/**
 * What a session keeps of the HTTP request that opened it. Not the IncomingMessage
 * itself, which holds about a kilobyte per connection for as long as it lives; a
 * stand-in with the parts applications read, made on first use. Middleware may
 * attach properties to it (a session, a user), as it would to the request.
 */
export interface HandshakeRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly httpVersion: string;
  /** The connection's socket (a `net.Socket` or `tls.TLSSocket`). */
  readonly socket: Duplex;
  /** Same as `socket`. */
  readonly connection: Duplex;
  [property: string]: unknown;
}

/** An Engine.IO session, whatever transport carries it. Exposed as `socket.conn`. */
export class Session implements TransportOwner, Pingable {
  /** The session id (`sid`), secret to the client: never show it to other clients. */
  readonly id: string;
  /** The headers of the request that opened the session. */
  readonly headers: IncomingHttpHeaders;
  /** The URL of that request. */
  readonly url: string;
  /** The peer's address as the socket reports it. */
  readonly remoteAddress: string;
  /** Whether the connection is encrypted (TLS). */
  readonly secure: boolean;
  /** The transport carrying the session now. */
  readonly transport: Transport;
  /** @internal Receives messages and the close; set by the layer above. */
  owner: SessionOwner | undefined;
  #state: SessionState = "open";
  #unansweredPing = 0;
  readonly #host: SessionHost;
  readonly #socket: Duplex;
  #request: HandshakeRequest | undefined;

  constructor(id: string, transport: Transport, request: IncomingMessage, host: SessionHost) {
    this.id = id;
    this.transport = transport;
    this.headers = request.headers;
    this.url = request.url ?? "/";
    this.#socket = request.socket;
    this.remoteAddress = request.socket.remoteAddress ?? "";
    this.secure = (request.socket as { encrypted?: boolean }).encrypted === true;
    this.#host = host;
    transport.owner = this;
  }

  /** The request that opened the session, as a {@link HandshakeRequest}. */
  get request(): HandshakeRequest {
    return (this.#request ??= {
      method: "GET",
      url: this.url,
      headers: this.headers,
      httpVersion: "1.1",
      socket: this.#socket,
      connection: this.#socket,
    });
  }

  get readyState(): SessionState {
    return this.#state;
  }

  /**
   * Queues an encoded Socket.IO packet. A volatile one is dropped while the peer
   * is behind. A peer whose unread backlog from earlier turns passed
   * `maxBufferedBytes` is disconnected as a slow consumer instead.
   */
  send(packet: EncodedPacket, isVolatile = false): void {
    if (this.#state !== "open") return;
    const { transport } = this;
    if (isVolatile && !transport.writable) return;
    if (transport.backlogBytes > this.#host.maxBufferedBytes) return this.#overflow();
    transport.sendEncoded(packet);
  }

  /** Queues one Engine.IO packet. */
  sendPacket(packet: EnginePacket): void {
    if (this.#state !== "open") return;
    if (this.transport.backlogBytes > this.#host.maxBufferedBytes) return this.#overflow();
    this.transport.sendPacket(packet);
  }

  /** Writes what is queued and closes; the owner, if still attached, hears `"forced close"`. */
  close(): void {
    if (this.#state !== "open") return;
    this.#finish("forced close");
    this.transport.close();
  }

  /** @internal */
  ping(round: number): void {
    if (this.#state !== "open") return;
    if (this.#unansweredPing === 0) this.#unansweredPing = round;
    this.sendPacket(PING);
  }

  /** @internal */
  expirePing(round: number): void {
    if (this.#unansweredPing !== 0 && this.#unansweredPing <= round && this.#state === "open") {
      this.#finish("ping timeout");
      this.transport.close();
    }
  }

  /** @internal */
  onTransportPacket(packet: EnginePacket): void {
    if (this.#state !== "open") return;
    // Any packet proves the peer alive, like a pong (a pong may queue behind a large message).
    this.#unansweredPing = 0;
    switch (packet.type) {
      case EnginePacketType.MESSAGE:
        this.owner?.onSessionMessage(packet.data ?? "");
        return;
      case EnginePacketType.PONG:
      case EnginePacketType.NOOP:
        return;
      case EnginePacketType.CLOSE:
        this.#finish("transport close");
        this.transport.close();
        return;
      // A v4 server sends pings, it does not answer them; open and upgrade are not ours to receive here.
      case EnginePacketType.OPEN:
      case EnginePacketType.PING:
      case EnginePacketType.UPGRADE:
        this.#finish("parse error", new ProtocolError(ErrorCode.PACKET_INVALID, "unexpected Engine.IO packet type"));
        this.transport.close();
    }
  }

  /** @internal */
  onTransportClose(reason: TransportCloseReason, error?: Error): void {
    if (this.#state !== "open") return;
    this.#finish(reason, error);
    this.transport.close();
  }

  // Runs inside a send, often inside a broadcast's loop over recipients: the peer is
  // cut off at once, but its owner hears of it (and runs disconnect listeners, which
  // may emit) only once that loop is over, so every other recipient sees one order.
  #overflow(): void {
    const limit = this.#host.maxBufferedBytes;
    const error = new EnchufeError(ErrorCode.BUFFER_FULL, `the peer left more than ${limit} bytes unread`);
    this.#finish("slow consumer", error, true);
    this.transport.destroy();
  }

  #finish(reason: SessionCloseReason, error?: Error, isDeferred = false): void {
    this.#state = "closed";
    this.#host.removeSession(this);
    const { owner } = this;
    this.owner = undefined;
    if (owner === undefined) return;
    if (isDeferred) queueMicrotask(() => owner.onSessionClose(reason, error));
    else owner.onSessionClose(reason, error);
  }
}
