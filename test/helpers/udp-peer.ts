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
import type { OpenPacket } from "./polling.js";
import { ConnectRefused, parseSocketPacket, type ReceivedPacket } from "./stream-peer.js";

export { ConnectRefused };
export type { OpenPacket, ReceivedPacket };

/** Frame kinds (docs/protocol.md). */
export const Kind = { TEXT: 0, BINARY: 1 } as const;

/** The smallest open request a server answers. */
export const OPEN_REQUEST_BYTES = 256;

/** A server's close packet in a datagram: one text frame holding "1". */
export const CLOSE_DATAGRAM = Buffer.from([0, 0, 0, 1, Kind.TEXT, 0x31]);

/** One frame: the header (u32 BE length, kind) and the payload. */
export function udpFrame(payload: string | Uint8Array, kind?: number): Buffer {
  const bytes = typeof payload === "string" ? Buffer.from(payload, "utf8") : Buffer.from(payload);
  const header = Buffer.alloc(5);
  header.writeUInt32BE(bytes.length, 0);
  header[4] = kind ?? (typeof payload === "string" ? Kind.TEXT : Kind.BINARY);
  return Buffer.concat([header, bytes]);
}

/** A client's datagram: the sid header, then the frames (given as bytes, or as payloads to frame). */
export function sessionDatagram(sid: string, frames: readonly (string | Uint8Array)[]): Buffer {
  const sidBytes = Buffer.from(sid, "latin1");
  if (sidBytes.length < 1 || sidBytes.length > 255) throw new Error(`bad sid length ${sidBytes.length}`);
  return Buffer.concat([Buffer.from([sidBytes.length]), sidBytes, ...frames.map((payload) => udpFrame(payload))]);
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
export class UdpPeer {
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
  #nextAckId = 1;
  #datagramsRead = 0;

  private constructor(socket: DgramSocket, target: { host: string; port: number }, autoPong: boolean) {
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
    options: UdpPeerOptions & { namespace?: string; auth?: Record<string, unknown> } = {},
  ): Promise<{ peer: UdpPeer; id: string }> {
    const peer = await UdpPeer.create(target, options);
    await peer.handshake();
    const id = await peer.join(options.namespace, options.auth);
    return { peer, id };
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

  /**
   * The Engine.IO text and binary attachments of a Socket.IO packet (`type` + namespace
   * + id + JSON, binary parts as attachments), as sendPacket() puts them in one datagram.
   */
  static packetPayloads(type: number, namespace: string, id: number | undefined, data: unknown): (string | Buffer)[] {
    const attachments: Buffer[] = [];
    const json = data === undefined ? "" : JSON.stringify(deconstruct(data, attachments));
    const isBinary = attachments.length > 0;
    const head = isBinary ? `4${type === 3 ? 6 : 5}${attachments.length}-` : `4${type}`;
    const nsp = namespace === "/" ? "" : `${namespace},`;
    return [`${head}${nsp}${id ?? ""}${json}`, ...attachments];
  }

  /** Sends a Socket.IO packet and its attachments, all in one datagram. */
  sendPacket(type: number, namespace: string, id: number | undefined, data: unknown): void {
    this.sendFrames(UdpPeer.packetPayloads(type, namespace, id, data));
  }

  /** Joins `namespace` (CONNECT with `auth`); resolves with the socket id, rejects with ConnectRefused. */
  async join(namespace = "/", auth?: Record<string, unknown>, timeoutMs = 2000): Promise<string> {
    this.sendPacket(0, namespace, undefined, auth);
    const answer = await this.nextPacket(
      (packet) => (packet.type === 0 || packet.type === 4) && packet.namespace === namespace,
      timeoutMs,
    );
    if (answer.type === 4) throw new ConnectRefused(answer.data);
    return (answer.data as { sid: string }).sid;
  }

  /** Emits `event` in `namespace` with `args` (Buffers travel as attachments). */
  emitTo(namespace: string, event: string, ...args: unknown[]): void {
    this.sendPacket(2, namespace, undefined, [event, ...args]);
  }

  emit(event: string, ...args: unknown[]): void {
    this.emitTo("/", event, ...args);
  }

  /** Emits with an ack id and resolves with the ack's arguments. */
  async emitWithAck(event: string, ...args: unknown[]): Promise<unknown[]> {
    const id = this.#nextAckId++;
    this.sendPacket(2, "/", id, [event, ...args]);
    const answer = await this.nextPacket((packet) => (packet.type === 3 || packet.type === 6) && packet.id === id);
    return answer.data as unknown[];
  }

  /** Answers the server's ack `id` with `args`. */
  ack(id: number, ...args: unknown[]): void {
    this.sendPacket(3, "/", id, args);
  }

  /** The next event (`42`/`45`) named `event` (others skipped): its arguments and ack id. */
  async nextEvent(event: string, timeoutMs = 2000): Promise<{ args: unknown[]; id: number | undefined }> {
    const packet = await this.nextPacket(
      (candidate) =>
        (candidate.type === 2 || candidate.type === 5) && Array.isArray(candidate.data) && candidate.data[0] === event,
      timeoutMs,
    );
    return { args: (packet.data as unknown[]).slice(1), id: packet.id };
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

  /** The next text frame for which `test` holds; other frames are skipped. */
  async nextText(test: (text: string) => boolean = () => true, timeoutMs = 2000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const next = await this.next(Math.max(1, deadline - Date.now()));
      if (typeof next === "string" && test(next)) return next;
    }
  }

  /**
   * The next Socket.IO packet for which `test` holds, its attachments (the binary
   * frames after it, which must be in the same datagram) in place; others are skipped.
   */
  async nextPacket(test: (packet: ReceivedPacket) => boolean = () => true, timeoutMs = 2000): Promise<ReceivedPacket> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const queued = await this.#nextQueued(Math.max(1, deadline - Date.now()));
      if (typeof queued.frame !== "string" || !queued.frame.startsWith("4")) continue;
      const { packet, attachments } = parseSocketPacket(queued.frame.slice(1));
      const buffers: Buffer[] = [];
      while (buffers.length < attachments) {
        const part = this.#frames.shift();
        if (part === undefined || part.datagram !== queued.datagram || typeof part.frame === "string") {
          throw new Error(`attachment ${buffers.length} of ${packet.raw} is not in its packet's datagram`);
        }
        buffers.push(part.frame);
      }
      packet.data = reconstruct(packet.data, buffers);
      if (test(packet)) return packet;
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

/** Replaces each Uint8Array in `value` by a placeholder, collecting the bytes in `out`. */
function deconstruct(value: unknown, out: Buffer[]): unknown {
  if (value instanceof Uint8Array) {
    out.push(Buffer.from(value));
    return { _placeholder: true, num: out.length - 1 };
  }
  if (Array.isArray(value)) return value.map((item) => deconstruct(item, out));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, deconstruct(item, out)]));
  }
  return value;
}

/** Puts `buffers` back in place of their placeholders. */
function reconstruct(value: unknown, buffers: Buffer[]): unknown {
  if (Array.isArray(value)) return value.map((item) => reconstruct(item, buffers));
  if (typeof value === "object" && value !== null) {
    const record = value as Record<string, unknown>;
    if (record._placeholder === true && typeof record.num === "number") return buffers[record.num];
    return Object.fromEntries(Object.entries(record).map(([key, item]) => [key, reconstruct(item, buffers)]));
  }
  return value;
}
