// A peer for the raw listeners (`tcp://`, `tls://`, `ipc://`) written by hand over
// node:net / node:tls, as a client in another language would write one: frames of
// u32 BE length + kind byte + payload (docs/protocol.md), Engine.IO packets as
// text, Socket.IO packets inside them. Independent of src/protocol on purpose: it
// checks the server against the documented bytes, not against its own codec.
// Everything opened here (peers, servers, socket files) goes in cleanupStreamPeers(),
// which a test file runs in afterEach.
import { Buffer } from "node:buffer";
import { rmSync } from "node:fs";
import { createConnection, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect as connectTls, type ConnectionOptions } from "node:tls";
import { Server, type ServerOptions } from "../../src/index.js";

/** Frame kinds (docs/protocol.md). */
export const Kind = { TEXT: 0, BINARY: 1 } as const;

/** Where to connect: a listener URL (`tcp://h:p`, `tls://h:p`, `ipc:///path`), a port on 127.0.0.1, or a socket path. */
export type StreamTarget = string | { port: number; host?: string } | { path: string };

export interface StreamPeerOptions {
  /** Connect with TLS (implied by a `tls://` URL); these are node:tls's client options (`ca`, `cert`, `key`, …). */
  tls?: ConnectionOptions;
  /** Answer the server's pings (`2`) with pongs (`3`) by itself, without queueing them. @default true */
  autoPong?: boolean;
  /** How long the connection (and the TLS handshake) may take. @default 2000 */
  timeoutMs?: number;
}

import type { OpenPacket } from "./polling.js";

export type { OpenPacket };

/** A Socket.IO packet received, its attachments put back in place of their placeholders. */
export interface ReceivedPacket {
  /** Socket.IO packet type: 0 CONNECT … 6 BINARY_ACK. */
  type: number;
  namespace: string;
  id: number | undefined;
  data: unknown;
  /** The text as it came (`42["a"]` without the Engine.IO `4`). */
  raw: string;
}

/** A CONNECT refused by the server (`44{"message":…}`). */
export class ConnectRefused extends Error {
  readonly data: unknown;
  constructor(data: unknown) {
    super(`CONNECT refused: ${JSON.stringify(data)}`);
    this.data = data;
  }
}

/** One frame: the header (u32 BE length, kind) and the payload. */
export function frame(payload: string | Uint8Array, kind?: number): Buffer {
  const bytes = typeof payload === "string" ? Buffer.from(payload, "utf8") : Buffer.from(payload);
  const header = Buffer.alloc(5);
  header.writeUInt32BE(bytes.length, 0);
  header[4] = kind ?? (typeof payload === "string" ? Kind.TEXT : Kind.BINARY);
  return Buffer.concat([header, bytes]);
}

const peers = new Set<StreamPeer>();
const servers: Server[] = [];
const socketPaths: string[] = [];
let pathCount = 0;

/** A fresh Unix socket path in the temp directory, removed by cleanupStreamPeers(). */
export function tempSocketPath(): string {
  const path = join(tmpdir(), `enchufe-${process.pid}-${++pathCount}.sock`);
  rmSync(path, { force: true });
  socketPaths.push(path);
  return path;
}

/** A server without HTTP (raw listeners only), closed by cleanupStreamPeers(). */
export function rawServer(options: ServerOptions = {}): Server {
  const io = new Server(options);
  servers.push(io);
  return io;
}

/** Destroys every peer, closes every server of rawServer() and removes the socket files. */
export async function cleanupStreamPeers(): Promise<void> {
  for (const peer of peers) peer.destroy();
  peers.clear();
  await Promise.all(servers.splice(0).map((io) => io.close()));
  for (const path of socketPaths.splice(0)) rmSync(path, { force: true });
}

function socketOptions(target: StreamTarget): { path: string } | { host: string; port: number } {
  if (typeof target !== "string") {
    return "path" in target ? { path: target.path } : { host: target.host ?? "127.0.0.1", port: target.port };
  }
  const ipc = /^ipc:\/\/(\/.+)$/.exec(target);
  if (ipc !== null) return { path: ipc[1]! };
  const match = /^(?:tcp|tls):\/\/(\[[^\]]+\]|[^:/]*):(\d+)\/?$/.exec(target);
  if (match === null) throw new Error(`not a stream URL: ${target}`);
  const host = match[1]!.replace(/^\[|\]$/g, "");
  return { host: host === "" || host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host, port: Number(match[2]) };
}

/** A raw stream peer: frames in a queue, frames out as told. */
export class StreamPeer {
  readonly socket: Socket;
  /** Resolves when the connection is closed, by either side. */
  readonly closed: Promise<void>;
  /** The server's `open` packet, once read by {@link readOpen}. */
  open: OpenPacket | undefined;
  /** True once the server ended its side (a FIN), or the connection closed. */
  isEndedByServer = false;
  /** Pings received (answered or not). */
  pings = 0;
  /** Set when the bytes received are not well-formed frames (a server bug). */
  framingError: string | undefined;
  readonly #autoPong: boolean;
  #pending: Buffer = Buffer.alloc(0);
  readonly #frames: (string | Buffer)[] = [];
  readonly #waiters: ((frame: string | Buffer | undefined) => void)[] = [];
  #isClosed = false;
  #nextAckId = 1;

  private constructor(socket: Socket, autoPong: boolean) {
    this.socket = socket;
    this.#autoPong = autoPong;
    peers.add(this);
    // A reset or a refused TLS handshake ends in "close", which is what the tests look at.
    socket.on("error", () => undefined);
    this.closed = new Promise((resolve) => {
      socket.once("close", () => {
        this.#isClosed = true;
        this.isEndedByServer = true;
        peers.delete(this);
        for (const waiter of this.#waiters.splice(0)) waiter(undefined);
        resolve();
      });
    });
    socket.on("end", () => (this.isEndedByServer = true));
    socket.on("data", (chunk: Buffer) => this.#receive(chunk));
  }

  /** Connects (TCP, TLS or a Unix socket); for TLS, resolves once the handshake is done. */
  static connect(target: StreamTarget, options: StreamPeerOptions = {}): Promise<StreamPeer> {
    const { autoPong = true, timeoutMs = 2000 } = options;
    const where = socketOptions(target);
    const isTls = options.tls !== undefined || (typeof target === "string" && target.startsWith("tls://"));
    const socket = isTls ? connectTls({ ...where, ...options.tls }) : createConnection(where);
    const readyEvent = isTls ? "secureConnect" : "connect";
    const peer = new StreamPeer(socket, autoPong);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error(`no connection within ${timeoutMs} ms`)), timeoutMs);
      const fail = (error: Error): void => {
        clearTimeout(timer);
        socket.off(readyEvent, onReady);
        socket.destroy();
        reject(error);
      };
      const onReady = (): void => {
        clearTimeout(timer);
        socket.off("error", fail);
        resolve(peer);
      };
      socket.once("error", fail);
      socket.once(readyEvent, onReady);
    });
  }

  /** Connects and reads the `open` packet. */
  static async opened(target: StreamTarget, options: StreamPeerOptions = {}): Promise<StreamPeer> {
    const peer = await StreamPeer.connect(target, options);
    await peer.readOpen();
    return peer;
  }

  /** Connects, reads `open` and joins `namespace`; resolves with the peer and its Socket.IO id. */
  static async joined(
    target: StreamTarget,
    options: StreamPeerOptions & { namespace?: string; auth?: Record<string, unknown> } = {},
  ): Promise<{ peer: StreamPeer; id: string }> {
    const peer = await StreamPeer.opened(target, options);
    const id = await peer.join(options.namespace, options.auth);
    return { peer, id };
  }

  /** Reads the first frame, which must be the `open` packet. */
  async readOpen(timeoutMs = 2000): Promise<OpenPacket> {
    const first = await this.next(timeoutMs);
    if (typeof first !== "string" || !first.startsWith("0{")) {
      throw new Error(`expected an open packet first, got ${String(first)}`);
    }
    this.open = JSON.parse(first.slice(1)) as OpenPacket;
    return this.open;
  }

  /** Writes one frame: a string as text (an Engine.IO packet), bytes as binary. */
  send(data: string | Uint8Array): void {
    this.socket.write(frame(data));
  }

  /** Writes bytes as they are, framed or not. */
  sendRaw(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  /** Sends a Socket.IO packet (`type` + namespace + id + JSON), binary parts as attachments. */
  sendPacket(type: number, namespace: string, id: number | undefined, data: unknown): void {
    const attachments: Uint8Array[] = [];
    const json = data === undefined ? "" : JSON.stringify(deconstruct(data, attachments));
    // With attachments, EVENT (2) becomes BINARY_EVENT (5) and ACK (3) BINARY_ACK (6).
    const isBinary = attachments.length > 0;
    const head = isBinary ? `4${type === 3 ? 6 : 5}${attachments.length}-` : `4${type}`;
    const nsp = namespace === "/" ? "" : `${namespace},`;
    this.send(`${head}${nsp}${id ?? ""}${json}`);
    for (const bytes of attachments) this.send(bytes);
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

  /** Emits `event` with `args` (Buffers travel as attachments). */
  emit(event: string, ...args: unknown[]): void {
    this.sendPacket(2, "/", undefined, [event, ...args]);
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

  /** Disconnects from `namespace` (`41`). */
  leave(namespace = "/"): void {
    this.sendPacket(1, namespace, undefined, undefined);
  }

  /** The next frame: a string for text, a Buffer for binary. Rejects after `timeoutMs` or on close. */
  next(timeoutMs = 2000): Promise<string | Buffer> {
    const queued = this.#frames.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.#isClosed) return Promise.reject(new Error("the connection is closed"));
    return new Promise((resolve, reject) => {
      const waiter = (frame: string | Buffer | undefined): void => {
        clearTimeout(timer);
        if (frame === undefined) reject(new Error("the connection closed"));
        else resolve(frame);
      };
      const timer = setTimeout(() => {
        const index = this.#waiters.indexOf(waiter);
        if (index !== -1) this.#waiters.splice(index, 1);
        reject(new Error(`no frame within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiters.push(waiter);
    });
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
   * frames after it) in place; other packets and Engine.IO packets are skipped.
   */
  async nextPacket(test: (packet: ReceivedPacket) => boolean = () => true, timeoutMs = 2000): Promise<ReceivedPacket> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = await this.nextText((candidate) => candidate.startsWith("4"), Math.max(1, deadline - Date.now()));
      const { packet, attachments } = parseSocketPacket(text.slice(1));
      const buffers: Buffer[] = [];
      while (buffers.length < attachments) {
        const part = await this.next(Math.max(1, deadline - Date.now()));
        if (typeof part === "string") throw new Error(`expected an attachment, got the text frame ${part}`);
        buffers.push(part);
      }
      packet.data = reconstruct(packet.data, buffers);
      if (test(packet)) return packet;
    }
  }

  /** Frames received and not read yet. */
  get queued(): readonly (string | Buffer)[] {
    return this.#frames;
  }

  /** Ends our side (a FIN); the server may still write. */
  end(): void {
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }

  #receive(chunk: Buffer): void {
    this.#pending = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    while (this.#pending.length >= 5) {
      const length = this.#pending.readUInt32BE(0);
      const kind = this.#pending[4];
      if (kind !== Kind.TEXT && kind !== Kind.BINARY) {
        this.framingError = `unknown kind ${kind} from the server`;
        this.socket.destroy();
        return;
      }
      if (this.#pending.length < 5 + length) return;
      const payload = Buffer.from(this.#pending.subarray(5, 5 + length));
      this.#pending = this.#pending.subarray(5 + length);
      const received = kind === Kind.TEXT ? payload.toString("utf8") : payload;
      if (received === "2") {
        this.pings++;
        if (this.#autoPong) {
          this.send("3");
          continue;
        }
      }
      const waiter = this.#waiters.shift();
      if (waiter !== undefined) waiter(received);
      else this.#frames.push(received);
    }
  }
}

/** Reads a Socket.IO packet (without the Engine.IO `4`): type, attachment count, namespace, id, JSON. */
export function parseSocketPacket(text: string): { packet: ReceivedPacket; attachments: number } {
  const match = /^(\d)(?:(\d+)-)?(\/[^,]*,)?(\d+)?(.*)$/s.exec(text);
  if (match === null) throw new Error(`not a Socket.IO packet: ${text}`);
  const [, type, attachments, namespace, id, json] = match;
  return {
    packet: {
      type: Number(type),
      namespace: namespace === undefined ? "/" : namespace.slice(0, -1),
      id: id === undefined ? undefined : Number(id),
      data: json === "" || json === undefined ? undefined : JSON.parse(json),
      raw: text,
    },
    attachments: attachments === undefined ? 0 : Number(attachments),
  };
}

/** Replaces each Uint8Array in `value` by a placeholder, collecting the bytes in `out`. */
function deconstruct(value: unknown, out: Uint8Array[]): unknown {
  if (value instanceof Uint8Array) {
    out.push(value);
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
