// A peer for `udp://` listeners written by hand over node:dgram, as a client in
// another language would write one (docs/protocol.md › "Datagrams"):
//
//   client → server:  [sid length u8][sid ASCII][frame][frame]…   (sid length 0: open request)
//   server → client:  [frame][frame]…
//   frame:            [u32 BE payload length][kind u8: 0 text, 1 binary][payload]
//
// Independent of src/protocol on purpose: it checks the server against the
// documented bytes, not against its own codec. It logs every datagram both ways
// (sizes included, for the no-amplification rule) and queues the frames received.
// Everything opened here goes in cleanupUdpPeers(), which a test file runs in afterEach.
import { Buffer } from "node:buffer";
import { createSocket, type Socket as DgramSocket } from "node:dgram";
import { frame, Kind, SocketIoPeer, type JoinOptions, type OpenPacket, type PacketStart } from "./socketio-peer.js";

export { ConnectRefused, frame, Kind, type OpenPacket, type ReceivedPacket } from "./socketio-peer.js";

/** The smallest open request a server answers. */
export const OPEN_REQUEST_BYTES = 256;

/** A server's close packet in a datagram: one text frame holding "1". */
export const CLOSE_DATAGRAM = Buffer.from([0, 0, 0, 1, Kind.TEXT, 0x31]);

/** A client's datagram: the sid header, then the frames (given as bytes, or as payloads to frame). */
export function sessionDatagram(sid: string, frames: readonly (string | Uint8Array)[]): Buffer {
  const sidBytes = Buffer.from(sid, "latin1");
  if (sidBytes.length < 1 || sidBytes.length > 255) throw new Error(`bad sid length ${sidBytes.length}`);
  return Buffer.concat([Buffer.from([sidBytes.length]), sidBytes, ...frames.map((payload) => frame(payload))]);
}

/** The frames of a server's datagram, or a string saying why they are not well-formed. */
export function parseServerDatagram(bytes: Buffer): (string | Buffer)[] | string {
  const frames: (string | Buffer)[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    if (bytes.length - offset < 5) return `datagram ends inside a frame header at ${offset}`;
    const length = bytes.readUInt32BE(offset);
    const kind = bytes[offset + 4];
    if (length > bytes.length - offset - 5) return `datagram ends inside a frame at ${offset}`;
    const payload = Buffer.from(bytes.subarray(offset + 5, offset + 5 + length));
    if (kind === Kind.TEXT) frames.push(payload.toString("utf8"));
    else if (kind === Kind.BINARY) frames.push(payload);
    else return `unknown kind ${kind} at ${offset}`;
    offset += 5 + length;
  }
  return frames;
}

/** A datagram received from the server. */
export interface ReceivedDatagram {
  bytes: Buffer;
  /** Its frames (empty when it is not well-formed: see {@link UdpPeer.framingError}). */
  frames: (string | Buffer)[];
  /** Where it came from. */
  from: { address: string; port: number };
  /** Whether the peer had sent a datagram carrying the sid when it came. */
  afterVerify: boolean;
}

/** Where the server listens: a `udp://host:port` URL or an address. */
export type UdpTarget = string | { host: string; port: number };

export interface UdpPeerOptions {
  /** Answer pings (`2`) with pongs (`3`) at once, without queueing them. @default true */
  autoPong?: boolean;
}

function targetOf(target: UdpTarget): { host: string; port: number } {
  if (typeof target !== "string") return target;
  const match = /^udp:\/\/(\[[^\]]+\]|[^:/]*):(\d+)\/?$/.exec(target);
  if (match === null) throw new Error(`not a udp:// URL: ${target}`);
  const host = match[1]!.replace(/^\[|\]$/g, "");
  return {
    host: host === "" || host === "0.0.0.0" ? "127.0.0.1" : host === "::" ? "::1" : host,
    port: Number(match[2]),
  };
}

/** Queued frames keep the index of the datagram they came in, so attachments can be checked to share it. */
interface QueuedFrame {
  frame: string | Buffer;
  datagram: number;
}

const peers = new Set<UdpPeer>();

/** Closes every peer made by {@link UdpPeer.create}. */
export async function cleanupUdpPeers(): Promise<void> {
  await Promise.all([...peers].map((peer) => peer.close()));
  peers.clear();
}

/** A raw UDP peer of one server address: datagrams in a log, frames in a queue, datagrams out as told. */
export class UdpPeer extends SocketIoPeer {
  readonly socket: DgramSocket;
  readonly host: string;
  readonly port: number;
  /** The sid, once the server's `open` was read by {@link handshake} (or set by hand). */
  sid: string | undefined;
  /** The server's `open` packet, once read. */
  open: OpenPacket | undefined;
  /** Every datagram received, in order. */
  readonly received: ReceivedDatagram[] = [];
  /** The size of every datagram sent, in order. */
  readonly sentSizes: number[] = [];
  /** Pings received (answered or not). */
  pings = 0;
  /** Whether a datagram carrying a sid was sent yet (the server's "verified"). */
  hasSentSid = false;
  /** Set when a datagram received is not well-formed (a server bug). */
  framingError: string | undefined;
  autoPong: boolean;
  readonly #frames: QueuedFrame[] = [];
  readonly #waiters: (() => void)[] = [];
  #isClosed = false;
  #closed: Promise<void> | undefined;
  #datagramsRead = 0;

  private constructor(socket: DgramSocket, target: { host: string; port: number }, autoPong: boolean) {
    super();
    this.socket = socket;
    this.host = target.host;
    this.port = target.port;
    this.autoPong = autoPong;
    peers.add(this);
    socket.on("error", () => undefined); // an ICMP unreachable, say: the tests look at what arrives
    socket.on("message", (bytes, from) => this.#receive(bytes, from));
  }

  /** A peer on a fresh port of the loopback (IPv4 or IPv6, as the target is). */
  static async create(target: UdpTarget, options: UdpPeerOptions = {}): Promise<UdpPeer> {
    const where = targetOf(target);
    const isV6 = where.host.includes(":");
    const socket = createSocket(isV6 ? "udp6" : "udp4");
    const peer = new UdpPeer(socket, where, options.autoPong ?? true);
    await new Promise<void>((resolve, reject) => {
      socket.once("error", reject);
      socket.bind(0, isV6 ? "::1" : "127.0.0.1", () => {
        socket.off("error", reject);
        resolve();
      });
    });
    return peer;
  }

  /** A peer that did the handshake (and, unless `verify: false`, proved its address with a noop). */
  static async opened(target: UdpTarget, options: UdpPeerOptions & { verify?: boolean } = {}): Promise<UdpPeer> {
    const peer = await UdpPeer.create(target, options);
    await peer.handshake();
    if (options.verify !== false) peer.sendFrames(["6"]);
    return peer;
  }

  /** A peer that joined `namespace`; resolves with the peer and its Socket.IO id. */
  static async joined(
    target: UdpTarget,
    options: UdpPeerOptions & JoinOptions = {},
  ): Promise<{ peer: UdpPeer; id: string }> {
    const peer = await UdpPeer.create(target, options);
    await peer.handshake();
    return peer.joinWith(options);
  }

  /** Our local port. */
  get localPort(): number {
    return this.socket.address().port;
  }

  /** Bytes sent and received so far. */
  get bytesSent(): number {
    return this.sentSizes.reduce((sum, size) => sum + size, 0);
  }

  get bytesReceived(): number {
    return this.received.reduce((sum, datagram) => sum + datagram.bytes.length, 0);
  }

  /** Sends bytes as they are. */
  sendRaw(bytes: Uint8Array): void {
    if (this.#isClosed) return;
    this.sentSizes.push(bytes.length);
    if (bytes.length > 0 && bytes[0] !== 0) this.hasSentSid = true;
    this.socket.send(bytes, this.port, this.host);
  }

  /** Sends an open request: a zero sid length, padded with zeros to `size` bytes. */
  requestOpen(size = OPEN_REQUEST_BYTES): void {
    this.sendRaw(Buffer.alloc(size));
  }

  /** Sends one datagram with our sid and these payloads (strings as text frames, bytes as binary). */
  sendFrames(payloads: readonly (string | Uint8Array)[], sid = this.sid): void {
    if (sid === undefined) throw new Error("no sid yet: handshake() first");
    this.sendRaw(sessionDatagram(sid, payloads));
  }

  /** Sends an open request and reads the `open` answer: the next datagram, which must hold it alone. */
  async handshake(timeoutMs = 2000, size = OPEN_REQUEST_BYTES): Promise<OpenPacket> {
    this.#datagramsRead = this.received.length; // the answer is among those that come from now on
    this.requestOpen(size);
    const datagram = await this.nextDatagram(timeoutMs);
    const [first, ...rest] = datagram.frames;
    if (typeof first !== "string" || !first.startsWith("0{") || rest.length > 0) {
      throw new Error(`expected a datagram of one open packet, got ${JSON.stringify(datagram.frames)}`);
    }
    this.open = JSON.parse(first.slice(1)) as OpenPacket;
    this.sid = this.open.sid;
    return this.open;
  }

  /** Sends a Socket.IO packet and its attachments, all in one datagram. */
  protected sendPayloads(payloads: (string | Buffer)[]): void {
    this.sendFrames(payloads);
  }

  /**
   * The next datagram received after the ones this method already returned; its frames
   * leave the frame queue. Mixing it with next()/nextPacket() on the same datagrams is for
   * when the order is known (the handshake, say).
   */
  async nextDatagram(timeoutMs = 2000): Promise<ReceivedDatagram> {
    const index = this.#datagramsRead;
    await this.#wait(() => this.received.length > index, timeoutMs, "datagram");
    this.#datagramsRead = index + 1;
    // Its frames are read here: take them out of the frame queue too.
    const datagram = this.received[index]!;
    for (let i = this.#frames.length - 1; i >= 0; i--)
      if (this.#frames[i]!.datagram === index) this.#frames.splice(i, 1);
    return datagram;
  }

  /** The next frame: a string for text, a Buffer for binary. Rejects after `timeoutMs`. */
  async next(timeoutMs = 2000): Promise<string | Buffer> {
    return (await this.#nextQueued(timeoutMs)).frame;
  }

  /** A text frame starting with `4`, its attachments the binary frames after it, which must be in its datagram. */
  protected async nextPacketStart(remainingMs: () => number): Promise<PacketStart> {
    for (;;) {
      const queued = await this.#nextQueued(remainingMs());
      if (typeof queued.frame !== "string" || !queued.frame.startsWith("4")) continue;
      return {
        text: queued.frame,
        attachment: (index, raw) => {
          const part = this.#frames.shift();
          if (part === undefined || part.datagram !== queued.datagram || typeof part.frame === "string") {
            throw new Error(`attachment ${index} of ${raw} is not in its packet's datagram`);
          }
          return part.frame;
        },
      };
    }
  }

  /** Frames received and not read yet. */
  get queued(): readonly (string | Buffer)[] {
    return this.#frames.map((queued) => queued.frame);
  }

  /** Resolves once `predicate` holds (checked on each datagram); rejects after `timeoutMs`. */
  waitFor(predicate: () => boolean, timeoutMs = 2000, what = "condition"): Promise<void> {
    return this.#wait(predicate, timeoutMs, what);
  }

  /** Closes the socket; sends nothing (UDP has no goodbye of its own). */
  close(): Promise<void> {
    if (this.#closed !== undefined) return this.#closed;
    this.#isClosed = true;
    peers.delete(this);
    for (const waiter of this.#waiters.splice(0)) waiter();
    this.#closed = new Promise((resolve) => {
      try {
        this.socket.close(() => resolve());
      } catch {
        resolve();
      }
    });
    return this.#closed;
  }

  async #nextQueued(timeoutMs: number): Promise<QueuedFrame> {
    await this.#wait(() => this.#frames.length > 0, timeoutMs, "frame");
    return this.#frames.shift()!;
  }

  #wait(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (predicate()) return Promise.resolve();
    if (this.#isClosed) return Promise.reject(new Error("the peer is closed"));
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (predicate()) {
          clearTimeout(timer);
          resolve();
        } else if (this.#isClosed) {
          clearTimeout(timer);
          reject(new Error("the peer is closed"));
        } else {
          this.#waiters.push(check);
        }
      };
      const timer = setTimeout(() => {
        const index = this.#waiters.indexOf(check);
        if (index !== -1) this.#waiters.splice(index, 1);
        reject(new Error(`no ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiters.push(check);
    });
  }

  #receive(bytes: Buffer, from: { address: string; port: number }): void {
    const parsed = parseServerDatagram(bytes);
    const frames = typeof parsed === "string" ? [] : parsed;
    if (typeof parsed === "string") this.framingError ??= parsed;
    const index = this.received.length;
    this.received.push({
      bytes,
      frames,
      from: { address: from.address, port: from.port },
      afterVerify: this.hasSentSid,
    });
    for (const frame of frames) {
      if (frame === "2") {
        this.pings++;
        if (this.autoPong && this.sid !== undefined) {
          this.sendFrames(["3"]);
          continue;
        }
      }
      this.#frames.push({ frame, datagram: index });
    }
    for (const waiter of this.#waiters.splice(0)) waiter();
  }
}
