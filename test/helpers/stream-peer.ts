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
import { Inbox } from "./inbox.js";
import { frame, Kind, SocketIoPeer, type JoinOptions, type OpenPacket, type PacketStart } from "./socketio-peer.js";

export { ConnectRefused, frame, Kind, type OpenPacket, type ReceivedPacket } from "./socketio-peer.js";

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
export class StreamPeer extends SocketIoPeer {
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
  readonly #frames = new Inbox<string | Buffer>();

  private constructor(socket: Socket, autoPong: boolean) {
    super();
    this.socket = socket;
    this.#autoPong = autoPong;
    peers.add(this);
    // A reset or a refused TLS handshake ends in "close", which is what the tests look at.
    socket.on("error", () => undefined);
    this.closed = new Promise((resolve) => {
      socket.once("close", () => {
        this.isEndedByServer = true;
        peers.delete(this);
        this.#frames.close("the connection closed");
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
    options: StreamPeerOptions & JoinOptions = {},
  ): Promise<{ peer: StreamPeer; id: string }> {
    return (await StreamPeer.opened(target, options)).joinWith(options);
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

  protected sendPayloads(payloads: (string | Buffer)[]): void {
    for (const payload of payloads) this.send(payload);
  }

  /** The next frame: a string for text, a Buffer for binary. Rejects after `timeoutMs` or on close. */
  next(timeoutMs = 2000): Promise<string | Buffer> {
    return this.#frames.next(timeoutMs, "frame");
  }

  /** A text frame starting with `4`, its attachments the binary frames after it. */
  protected async nextPacketStart(remainingMs: () => number): Promise<PacketStart> {
    const text = await this.nextText((candidate) => candidate.startsWith("4"), remainingMs());
    return {
      text,
      attachment: async () => {
        const part = await this.next(remainingMs());
        if (typeof part === "string") throw new Error(`expected an attachment, got the text frame ${part}`);
        return part;
      },
    };
  }

  /** Frames received and not read yet. */
  get queued(): readonly (string | Buffer)[] {
    return this.#frames.queued;
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
      this.#frames.push(received);
    }
  }
}
