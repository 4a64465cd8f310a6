// One Engine.IO session: the handshake has been answered and a transport carries
// it (polling, then perhaps WebSocket after an upgrade). The session owns the
// heartbeat state, the outbound limit and the close reasons; what its messages mean
// is its owner's business (the Socket.IO layer), or its listeners' (enchufe/engine).
import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { PeerCertificate, TLSSocket } from "node:tls";
import { EnchufeError, ErrorCode, ProtocolError } from "../errors.js";
import { TypedEmitter } from "../events/typed-emitter.js";
import type { EncodedPacket } from "../protocol/encoded-packet.js";
import { EnginePacketType, type EnginePacket } from "../protocol/engine-packet.js";
import type { Transport, TransportCloseReason, TransportOwner } from "../transports/transport.js";
import type { Pingable } from "./heartbeat.js";
import { Upgrade, type Upgradable } from "./upgrade.js";

/** Why a session closed, in Socket.IO's words plus enchufe's `"slow consumer"`. */
export type SessionCloseReason = TransportCloseReason | "ping timeout" | "forced close" | "slow consumer";

/**
 * `open`, then `closing` while a polling client is told of the close (the session
 * takes no more packets), then `closed` for good.
 */
export type SessionState = "open" | "closing" | "closed";

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
  readonly upgradeTimeout: number;
  removeSession(session: Session): void;
}

/** The events of an Engine.IO session, as `enchufe/engine` users see them. */
export interface SessionEvents {
  /** A `message` packet arrived: text, or bytes as a Buffer. */
  message: (data: string | Uint8Array) => void;
  /** The session closed. */
  close: (reason: SessionCloseReason, description?: Error) => void;
  /** Any packet arrived. */
  packet: (packet: EnginePacket) => void;
  /** The client answered a ping. */
  heartbeat: () => void;
  /** The client probed a new transport. */
  upgrading: (transport: Transport) => void;
  /** The session moved to a new transport. */
  upgrade: (transport: Transport) => void;
}

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
  /** The socket the handshake came on (a `net.Socket` or `tls.TLSSocket`). */
  readonly socket: Duplex;
  /** Same as `socket`. */
  readonly connection: Duplex;
  [property: string]: unknown;
}

const PING: EnginePacket = { type: EnginePacketType.PING };

/**
 * An Engine.IO session, whatever transport carries it. Exposed as `socket.conn`,
 * and as the socket of `enchufe/engine`'s `connection` event.
 */
export class Session
  extends TypedEmitter<Record<never, never>, SessionEvents>
  implements TransportOwner, Pingable, Upgradable
{
  /** The session id (`sid`), secret to the client: never show it to other clients. */
  readonly id: string;
  /** The headers of the request that opened the session. */
  readonly headers: IncomingHttpHeaders;
  /** The URL of that request. */
  readonly url: string;
  /** The client's address (from X-Forwarded-For when `trustProxy` says so). */
  readonly remoteAddress: string;
  /** Whether the connection is encrypted (TLS). */
  readonly secure: boolean;
  /** The Engine.IO protocol revision: always 4. */
  readonly protocol = 4;
  /** @internal Receives messages and the close; set by the layer above. */
  owner: SessionOwner | undefined;
  #transport: Transport;
  #state: SessionState = "open";
  #unansweredPing = 0;
  #upgrade: Upgrade | undefined;
  #isUpgraded = false;
  readonly #host: SessionHost;
  readonly #socket: Duplex;
  #request: HandshakeRequest | undefined;
  /** What `engine.use()` middleware put on the handshake's request (a session, a user). */
  readonly #requestExtras: Record<string, unknown> | undefined;

  constructor(
    id: string,
    transport: Transport,
    request: IncomingMessage,
    remoteAddress: string,
    host: SessionHost,
    requestExtras?: Record<string, unknown>,
  ) {
    super();
    this.id = id;
    this.#transport = transport;
    this.headers = request.headers;
    this.url = request.url ?? "/";
    this.#socket = request.socket;
    this.remoteAddress = remoteAddress;
    this.secure = (request.socket as { encrypted?: boolean }).encrypted === true;
    this.#host = host;
    this.#requestExtras = requestExtras;
    transport.owner = this;
  }

  /** The transport carrying the session now (`transport.name` tells which). */
  get transport(): Transport {
    return this.#transport;
  }

  /** The request that opened the session, as a {@link HandshakeRequest}. */
  get request(): HandshakeRequest {
    return (this.#request ??= {
      ...this.#requestExtras,
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
   * The client's TLS certificate, when it presented one: a `tls://` listener, or an
   * HTTPS server, with `requestCert`. Check `authorized` on the socket's side when
   * `rejectUnauthorized` is off.
   */
  get peerCertificate(): PeerCertificate | undefined {
    const socket = this.#socket as Partial<Pick<TLSSocket, "getPeerCertificate">>;
    const certificate = socket.getPeerCertificate?.() as PeerCertificate | null | undefined;
    return certificate && Object.keys(certificate).length > 0 ? certificate : undefined;
  }

  /** Whether the session moved from polling to another transport. */
  get upgraded(): boolean {
    return this.#isUpgraded;
  }

  /** Whether an upgrade is in progress. */
  get upgrading(): boolean {
    return this.#upgrade !== undefined;
  }

  /** Sends an Engine.IO `message`: text, or binary (a Uint8Array, Buffer included). */
  send(data: string | Uint8Array): this {
    this.sendPacket({ type: EnginePacketType.MESSAGE, data });
    return this;
  }

  /** Same as {@link send}. */
  write(data: string | Uint8Array): this {
    return this.send(data);
  }

  /** Whether the transport can carry `packet` at all (a UDP datagram has a size limit). */
  fits(packet: EncodedPacket): boolean {
    return this.#transport.fits?.(packet) ?? true;
  }

  /**
   * Queues an encoded Socket.IO packet. A volatile one is dropped while the peer
   * is behind. A peer whose unread backlog from earlier turns passed
   * `maxBufferedBytes` is disconnected as a slow consumer instead.
   */
  sendEncoded(packet: EncodedPacket, isVolatile = false): void {
    if (this.#state !== "open") return;
    const transport = this.#transport;
    if (isVolatile && !transport.writable) return;
    if (transport.backlogBytes > this.#host.maxBufferedBytes) return this.#overflow();
    transport.sendEncoded(packet);
  }

  /** Queues one Engine.IO packet. */
  sendPacket(packet: EnginePacket): void {
    if (this.#state !== "open") return;
    if (this.#transport.backlogBytes > this.#host.maxBufferedBytes) return this.#overflow();
    this.#transport.sendPacket(packet);
  }

  /**
   * Sends what is queued and closes (a polling client is told on its next GET);
   * the owner, if still attached, and `close` listeners hear `"forced close"`.
   */
  close(): void {
    if (this.#state !== "open") return;
    this.#stop("closing", "forced close");
    this.#transport.close();
  }

  /** @internal Starts moving the session to `candidate`; false when it cannot (the candidate is closed). */
  startUpgrade(candidate: Transport): boolean {
    if (this.#state !== "open" || this.#upgrade !== undefined || this.#transport.name !== "polling") {
      candidate.close();
      return false;
    }
    this.#upgrade = new Upgrade(this, candidate, this.#host.upgradeTimeout);
    return true;
  }

  /** @internal */
  onUpgradeProbed(candidate: Transport): void {
    this.dispatch("upgrading", [candidate]);
  }

  /** @internal */
  completeUpgrade(upgrade: Upgrade, candidate: Transport): void {
    if (this.#upgrade !== upgrade) return;
    this.#upgrade = undefined;
    this.#isUpgraded = true;
    const previous = this.#transport;
    this.#transport = candidate;
    candidate.owner = this;
    previous.handOver?.(candidate);
    if (this.#state === "closing") {
      // Closed while the client was switching: what was queued went over, now the close does.
      candidate.close();
      return;
    }
    this.dispatch("upgrade", [candidate]);
  }

  /** @internal */
  endUpgrade(upgrade: Upgrade): void {
    if (this.#upgrade === upgrade) this.#upgrade = undefined;
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
      this.#stop("closed", "ping timeout");
      this.#transport.close();
    }
  }

  /** @internal */
  onTransportPacket(packet: EnginePacket): void {
    if (this.#state !== "open") {
      // A client that closes on its side while we wait to tell it of our close: done.
      if (this.#state === "closing" && packet.type === EnginePacketType.CLOSE) this.onTransportClose("transport close");
      return;
    }
    // Any packet proves the peer alive, like a pong (a pong may queue behind a large message).
    this.#unansweredPing = 0;
    this.dispatch("packet", [packet]);
    switch (packet.type) {
      case EnginePacketType.MESSAGE: {
        const data = packet.data ?? "";
        this.owner?.onSessionMessage(data);
        this.dispatch("message", [data]);
        return;
      }
      case EnginePacketType.PONG:
        this.dispatch("heartbeat", []);
        return;
      case EnginePacketType.NOOP:
        return;
      case EnginePacketType.CLOSE:
        this.#stop("closed", "transport close");
        this.#transport.close();
        return;
      // A v4 server sends pings, it does not answer them; open and upgrade are not ours to receive here.
      case EnginePacketType.OPEN:
      case EnginePacketType.PING:
      case EnginePacketType.UPGRADE:
        this.#stop(
          "closed",
          "parse error",
          new ProtocolError(ErrorCode.PACKET_INVALID, "unexpected Engine.IO packet type"),
        );
        this.#transport.close();
    }
  }

  /** @internal */
  onTransportClose(reason: TransportCloseReason, error?: Error): void {
    if (this.#state === "open") {
      this.#stop("closed", reason, error);
      this.#transport.close();
    } else if (this.#state === "closing") {
      // The client has been told (or is gone): the session can be forgotten.
      this.#state = "closed";
      this.#host.removeSession(this);
    }
  }

  // Runs inside a send, often inside a broadcast's loop over recipients: the peer is
  // cut off at once, but its owner hears of it (and runs disconnect listeners, which
  // may emit) only once that loop is over, so every other recipient sees one order.
  #overflow(): void {
    const limit = this.#host.maxBufferedBytes;
    const error = new EnchufeError(ErrorCode.BUFFER_FULL, `the peer left more than ${limit} bytes unread`);
    this.#stop("closed", "slow consumer", error, true);
    this.#transport.destroy();
  }

  /**
   * Ends the session for `reason`: `closing` keeps it known to the engine until its
   * transport has told the client, `closed` forgets it at once.
   */
  #stop(state: "closing" | "closed", reason: SessionCloseReason, error?: Error, isDeferred = false): void {
    this.#state = state;
    if (state === "closed") this.#host.removeSession(this);
    // A probed client switches transports anyway: a graceful close lets it, and closes there.
    if (state === "closed" || this.#upgrade?.isProbed !== true) this.#upgrade?.abort();
    const { owner } = this;
    this.owner = undefined;
    const notify = (): void => {
      owner?.onSessionClose(reason, error);
      this.dispatch("close", [reason, error]);
    };
    if (isDeferred) queueMicrotask(notify);
    else notify();
  }
}
