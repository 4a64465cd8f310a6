// One Engine.IO session seen from the Socket.IO layer (socket.io's `Client`): it
// decodes packets, routes them to the socket of their namespace, and closes the
// whole session on a protocol violation, so a bad peer harms nobody else.
import type { Session, SessionCloseReason, SessionOwner } from "../engine/session.js";
import { ErrorCode, ProtocolError } from "../errors.js";
import { EncodedPacket } from "../protocol/encoded-packet.js";
import { PacketType, SocketPacketDecoder, type SocketPacket } from "../protocol/socket-packet.js";
import type { ResolvedServerOptions } from "./options.js";
import type { DisconnectReason, Socket } from "./socket.js";

/** What a connection needs of the server. */
export interface ConnectionHost {
  readonly options: ResolvedServerOptions;
  /** Starts joining `namespace`; the host answers the client, with CONNECT or CONNECT_ERROR. */
  connectToNamespace(connection: Connection, namespace: string, auth: Record<string, unknown> | undefined): void;
}

function onConnectTimeout(connection: Connection): void {
  connection.close("forced server close");
}

// Reserves a namespace while the server decides on a CONNECT (dynamic namespaces, middleware).
const PENDING = null;

/** @internal The Socket.IO side of one Engine.IO session. */
export class Connection implements SessionOwner {
  readonly session: Session;
  readonly #host: ConnectionHost;
  readonly #decoder: SocketPacketDecoder;
  // Sockets by namespace. Nearly every connection joins one namespace, so that one
  // lives in two fields and a Map exists only for the others (memory per connection).
  #firstNamespace: string | undefined;
  #first: Socket | typeof PENDING = PENDING;
  #others: Map<string, Socket | typeof PENDING> | undefined;
  #connectTimer: ReturnType<typeof setTimeout> | undefined;
  #hasConnected = false;

  constructor(host: ConnectionHost, session: Session) {
    this.session = session;
    this.#host = host;
    const { maxAttachments, maxEventArguments, connectTimeout } = host.options;
    this.#decoder = new SocketPacketDecoder({ maxAttachments, maxArguments: maxEventArguments });
    this.#connectTimer = setTimeout(onConnectTimeout, connectTimeout, this);
    session.owner = this;
  }

  onSessionMessage(data: string | Uint8Array): void {
    let packet: SocketPacket | undefined;
    try {
      packet = this.#decoder.decode(data);
    } catch (error) {
      this.close("parse error", error);
      return;
    }
    if (packet !== undefined) this.#route(packet);
  }

  onSessionClose(reason: SessionCloseReason, error?: Error): void {
    this.#closeSockets(reason, error);
  }

  /** Writes one packet to the session. */
  writePacket(packet: SocketPacket): void {
    this.session.sendEncoded(EncodedPacket.from(packet));
  }

  /** Reserves `namespace` for a socket whose CONNECT is being decided. */
  reserve(namespace: string, socket: Socket | typeof PENDING): void {
    if (this.#firstNamespace === undefined || this.#firstNamespace === namespace) {
      this.#firstNamespace = namespace;
      this.#first = socket;
    } else {
      (this.#others ??= new Map()).set(namespace, socket);
    }
  }

  /** Gives up a reservation: the namespace refused the socket. */
  release(namespace: string): void {
    const entry = this.#get(namespace);
    if (entry === PENDING || entry?.connected === false) this.#delete(namespace);
  }

  /** False once the session closed or the connection closed it. */
  get isOpen(): boolean {
    return this.session.owner === this;
  }

  /** The namespace accepted a socket: the connection will not time out any more. */
  didConnect(): void {
    this.#hasConnected = true;
    clearTimeout(this.#connectTimer);
    this.#connectTimer = undefined;
  }

  removeSocket(socket: Socket): void {
    if (this.#get(socket.nsp.name) === socket) this.#delete(socket.nsp.name);
  }

  /** `socket.disconnect(true)`: every socket leaves with DISCONNECT, then the session closes. */
  disconnectAll(): void {
    for (const socket of this.#entries()) socket?.disconnect();
    this.close("server namespace disconnect");
  }

  /** Closes the session; sockets still on it disconnect with `reason`. */
  close(reason: DisconnectReason, description?: unknown): void {
    if (this.session.owner !== this) return;
    this.session.owner = undefined;
    this.#closeSockets(reason, description);
    this.session.close();
  }

  #closeSockets(reason: DisconnectReason, description?: unknown): void {
    clearTimeout(this.#connectTimer);
    this.#connectTimer = undefined;
    this.#decoder.reset();
    const sockets = this.#entries();
    this.#firstNamespace = undefined;
    this.#first = PENDING;
    this.#others = undefined;
    for (const socket of sockets) socket?.onClose(reason, description);
  }

  #get(namespace: string): Socket | typeof PENDING | undefined {
    return namespace === this.#firstNamespace ? this.#first : this.#others?.get(namespace);
  }

  #delete(namespace: string): void {
    if (namespace !== this.#firstNamespace) {
      this.#others?.delete(namespace);
      return;
    }
    // Promote another namespace, if any, to the first slot.
    const next = this.#others?.entries().next();
    if (next === undefined || next.done === true) {
      this.#firstNamespace = undefined;
      this.#first = PENDING;
    } else {
      [this.#firstNamespace, this.#first] = next.value;
      this.#others!.delete(next.value[0]);
    }
  }

  #count(): number {
    return (this.#firstNamespace === undefined ? 0 : 1) + (this.#others?.size ?? 0);
  }

  #entries(): (Socket | typeof PENDING)[] {
    if (this.#firstNamespace === undefined) return [];
    return this.#others === undefined ? [this.#first] : [this.#first, ...this.#others.values()];
  }

  #route(packet: SocketPacket): void {
    const { namespace } = packet;
    const socket = this.#get(namespace);
    if (packet.type === PacketType.CONNECT) {
      if (socket !== undefined) {
        // Over UDP a CONNECT is resent until answered: the answer may have been lost.
        if (this.session.transport.reliable !== false)
          return this.#violation(`a second CONNECT to namespace ${namespace}`);
        if (socket !== PENDING && socket.connected) socket.answerConnect();
        return;
      }
      if (this.#count() >= this.#host.options.maxNamespacesPerConnection) {
        this.writePacket({ type: PacketType.CONNECT_ERROR, namespace, data: { message: "Too many namespaces" } });
        return;
      }
      this.#host.connectToNamespace(this, namespace, packet.data as Record<string, unknown> | undefined);
      return;
    }
    if (packet.type === PacketType.CONNECT_ERROR) return this.#violation("CONNECT_ERROR sent by a client");
    // socket.io-protocol-v5.md › "Connection to a namespace": CONNECT must come first.
    if (!this.#hasConnected && this.#count() === 0) return this.#violation("packet before CONNECT");
    // Packets racing a server-side disconnect, or sent while the CONNECT is pending, are dropped.
    if (socket?.connected === true) socket.onPacket(packet);
  }

  #violation(message: string): void {
    this.close("parse error", new ProtocolError(ErrorCode.PACKET_INVALID, message));
  }
}
