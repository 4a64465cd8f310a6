// Raw TCP peers for hostile-input tests: HTTP requests written byte for byte, and
// a WebSocket client made by hand (RFC 6455: the upgrade, masked client frames,
// unmasked server frames) that can send what `ws` refuses to and can stop reading
// to play a slow consumer. Loopback only. Every socket opened here is destroyed
// by destroyRawTcp(), which a test file runs in afterEach, before closeAll()
// (an HTTP server does not finish closing while a raw socket stays open).
import { Buffer } from "node:buffer";
import { createHash, randomBytes } from "node:crypto";
import { connect, type Socket } from "node:net";
import { Inbox } from "./inbox.js";

const WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/** WebSocket opcodes (RFC 6455 §5.2). */
export const Opcode = {
  CONTINUATION: 0x0,
  TEXT: 0x1,
  BINARY: 0x2,
  CLOSE: 0x8,
  PING: 0x9,
  PONG: 0xa,
} as const;

const opened = new Set<Socket>();

/** Destroys every socket this module opened and that is still open. */
export function destroyRawTcp(): void {
  for (const socket of opened) socket.destroy();
  opened.clear();
}

/** Opens a TCP connection to `127.0.0.1:port`. */
export function openTcp(port: number, timeoutMs = 2000): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: "127.0.0.1" });
    opened.add(socket);
    // Errors (a reset, say) end in "close", which is what the tests look at.
    socket.on("error", () => undefined);
    socket.once("close", () => opened.delete(socket));
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no TCP connection within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once("connect", () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once("close", () => {
      clearTimeout(timer);
      reject(new Error("TCP connection closed before it opened"));
    });
  });
}

/** What the server sent back to a raw request, and whether it closed the connection. */
export interface Exchange {
  data: Buffer;
  /** True when the server ended or reset the connection within the time given. */
  closedByServer: boolean;
}

/**
 * Writes `request` as it is on a new connection, then collects every byte the
 * server sends until it closes the connection, or until `timeoutMs`.
 */
export async function exchange(port: number, request: string | Buffer, timeoutMs = 2000): Promise<Exchange> {
  const socket = await openTcp(port);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let isDone = false;
    const finish = (closedByServer: boolean): void => {
      if (isDone) return;
      isDone = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ data: Buffer.concat(chunks), closedByServer });
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.once("end", () => finish(true));
    socket.once("close", () => finish(true));
    socket.write(request);
  });
}

/** An HTTP response parsed from raw bytes. */
export interface RawResponse {
  /** 0 when the server sent nothing. */
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: string;
}

/** Parses the first HTTP response in `data` (status line, headers, body by Content-Length or to the end). */
export function parseResponse(data: Buffer): RawResponse {
  const text = data.toString("latin1");
  const end = text.indexOf("\r\n\r\n");
  if (end === -1) return { status: 0, headers: {}, body: "" };
  const [statusLine = "", ...lines] = text.slice(0, end).split("\r\n");
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const rest = data.subarray(Buffer.byteLength(text.slice(0, end + 4), "latin1"));
  const length = headers["content-length"] === undefined ? rest.length : Number(headers["content-length"]);
  return { status, headers, body: rest.subarray(0, length).toString("utf8") };
}

/** A fresh `Sec-WebSocket-Key`: 16 random bytes in base64. */
export function websocketKey(): string {
  return randomBytes(16).toString("base64");
}

/** The `Sec-WebSocket-Accept` a server must answer to `key`. */
export function websocketAccept(key: string): string {
  return createHash("sha1")
    .update(key + WEBSOCKET_GUID)
    .digest("base64");
}

export interface RequestOptions {
  method?: string;
  /** Extra headers, written after the default ones. */
  headers?: Record<string, string>;
  body?: string;
}

/** A plain HTTP/1.1 request that asks the server to close the connection after answering. */
export function httpRequest(target: string, options: RequestOptions = {}): string {
  return buildRequest(target, { Connection: "close" }, options);
}

/** A WebSocket upgrade request (RFC 6455 §4.1) for `target`. */
export function upgradeRequest(target: string, options: RequestOptions & { key?: string } = {}): string {
  const base = {
    Connection: "Upgrade",
    Upgrade: "websocket",
    "Sec-WebSocket-Version": "13",
    "Sec-WebSocket-Key": options.key ?? websocketKey(),
  };
  return buildRequest(target, base, options);
}

function buildRequest(target: string, base: Record<string, string>, options: RequestOptions): string {
  const headers: Record<string, string> = { Host: "127.0.0.1", ...base, ...options.headers };
  if (options.body !== undefined) headers["Content-Length"] = String(Buffer.byteLength(options.body));
  let head = `${options.method ?? "GET"} ${target} HTTP/1.1\r\n`;
  for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
  return head + "\r\n" + (options.body ?? "");
}

export interface FrameOptions {
  /** The FIN bit. @default true */
  fin?: boolean;
  /** Mask the payload, as a client must. @default true */
  mask?: boolean;
  /** The RSV1-3 bits, as a number from 0 to 7. @default 0 */
  rsv?: number;
}

/** Encodes one client-to-server frame (masked unless told otherwise). */
export function encodeFrame(opcode: number, payload: string | Buffer, options: FrameOptions = {}): Buffer {
  const data = typeof payload === "string" ? Buffer.from(payload) : payload;
  const { fin = true, mask = true, rsv = 0 } = options;
  const length = data.length;
  const lengthBytes = length < 126 ? 0 : length <= 0xffff ? 2 : 8;
  const maskBytes = mask ? 4 : 0;
  const frame = Buffer.alloc(2 + lengthBytes + maskBytes + length);
  frame[0] = (fin ? 0x80 : 0) | ((rsv & 0x7) << 4) | (opcode & 0xf);
  const maskBit = mask ? 0x80 : 0;
  if (lengthBytes === 0) {
    frame[1] = maskBit | length;
  } else if (lengthBytes === 2) {
    frame[1] = maskBit | 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = maskBit | 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  const offset = 2 + lengthBytes + maskBytes;
  if (!mask) {
    data.copy(frame, offset);
    return frame;
  }
  const key = randomBytes(4);
  key.copy(frame, 2 + lengthBytes);
  for (let i = 0; i < length; i++) frame[offset + i] = data[i]! ^ key[i & 3]!;
  return frame;
}

/** One frame received from the server. */
export interface ServerFrame {
  opcode: number;
  fin: boolean;
  payload: Buffer;
}

/** The status code of a close frame, or `undefined` when it has none. */
export function closeCode(frame: ServerFrame): number | undefined {
  return frame.payload.length >= 2 ? frame.payload.readUInt16BE(0) : undefined;
}

/**
 * A WebSocket client written by hand over a TCP socket. It reads server frames
 * into a queue, answers the server's close frame, sends whatever frame it is
 * told to, and can stop reading.
 */
export class TcpWebSocket {
  readonly socket: Socket;
  /** Resolves when the TCP connection is closed, by either side. */
  readonly closed: Promise<void>;
  #pending: Buffer = Buffer.alloc(0);
  #isDiscarding = false;
  #isCloseAnswered = false;
  readonly #frames = new Inbox<ServerFrame>();

  private constructor(socket: Socket, rest: Buffer) {
    this.socket = socket;
    this.closed = new Promise((resolve) => {
      if (socket.destroyed) resolve();
      else socket.once("close", () => resolve());
    });
    socket.on("data", (chunk: Buffer) => this.#receive(chunk));
    if (rest.length > 0) this.#receive(rest);
  }

  /**
   * Connects, writes the upgrade request for `target` and checks the 101 answer
   * (status and `Sec-WebSocket-Accept`). Frames after the answer are queued.
   */
  static async open(
    port: number,
    target = "/socket.io/?EIO=4&transport=websocket",
    timeoutMs = 2000,
  ): Promise<TcpWebSocket> {
    const socket = await openTcp(port);
    const key = websocketKey();
    const head = await new Promise<{ head: string; rest: Buffer }>((resolve, reject) => {
      let received = Buffer.alloc(0);
      const timer = setTimeout(() => fail(new Error(`no upgrade answer within ${timeoutMs} ms`)), timeoutMs);
      const onData = (chunk: Buffer): void => {
        received = Buffer.concat([received, chunk]);
        const end = received.indexOf("\r\n\r\n");
        if (end === -1) return;
        cleanup();
        resolve({ head: received.subarray(0, end).toString("latin1"), rest: received.subarray(end + 4) });
      };
      const onClose = (): void => fail(new Error("connection closed during the upgrade"));
      const cleanup = (): void => {
        clearTimeout(timer);
        socket.off("data", onData);
        socket.off("close", onClose);
      };
      const fail = (error: Error): void => {
        cleanup();
        socket.destroy();
        reject(error);
      };
      socket.on("data", onData);
      socket.once("close", onClose);
      socket.write(upgradeRequest(target, { key }));
    });
    const [statusLine = "", ...lines] = head.head.split("\r\n");
    if (!statusLine.startsWith("HTTP/1.1 101")) {
      socket.destroy();
      throw new Error(`expected 101 Switching Protocols, got ${statusLine}`);
    }
    const accept = lines.find((line) => line.toLowerCase().startsWith("sec-websocket-accept:"));
    if (accept?.slice(accept.indexOf(":") + 1).trim() !== websocketAccept(key)) {
      socket.destroy();
      throw new Error(`bad Sec-WebSocket-Accept: ${String(accept)}`);
    }
    return new TcpWebSocket(socket, head.rest);
  }

  /** Opens a session, reads its `open` packet and joins the main namespace; returns the socket id. */
  static async connected(port: number): Promise<{ client: TcpWebSocket; id: string }> {
    const client = await TcpWebSocket.open(port);
    const open = await client.nextText();
    if (!open.startsWith("0{")) throw new Error(`expected an open packet, got ${open}`);
    client.sendText("40");
    const answer = await client.nextText((text) => text.startsWith("40"));
    return { client, id: (JSON.parse(answer.slice(2)) as { sid: string }).sid };
  }

  /** Writes one masked text frame. */
  sendText(text: string): void {
    this.socket.write(encodeFrame(Opcode.TEXT, text));
  }

  /** Writes one frame built from the given parts (masked unless told otherwise). */
  sendFrame(opcode: number, payload: string | Buffer, options: FrameOptions = {}): void {
    this.socket.write(encodeFrame(opcode, payload, options));
  }

  /** The next frame from the server. */
  next(timeoutMs = 5000): Promise<ServerFrame> {
    return this.#frames.next(timeoutMs, "frame");
  }

  /** The next text frame for which `test` holds; other frames (pings, say) are skipped. */
  async nextText(test: (text: string) => boolean = () => true, timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const frame = await this.next(Math.max(1, deadline - Date.now()));
      if (frame.opcode !== Opcode.TEXT) continue;
      const text = frame.payload.toString("utf8");
      if (test(text)) return text;
    }
  }

  /** The next close frame; frames before it are skipped. */
  async nextClose(timeoutMs = 5000): Promise<ServerFrame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const frame = await this.next(Math.max(1, deadline - Date.now()));
      if (frame.opcode === Opcode.CLOSE) return frame;
    }
  }

  /** Stops reading: the kernel buffers fill up and the server's writes back up. */
  pause(): void {
    this.socket.pause();
  }

  /** Reads again, throwing away everything received from now on (unparsed). */
  discard(): void {
    this.#isDiscarding = true;
    this.#pending = Buffer.alloc(0);
    this.socket.resume();
  }

  destroy(): void {
    this.socket.destroy();
  }

  #receive(chunk: Buffer): void {
    if (this.#isDiscarding) return;
    this.#pending = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    for (;;) {
      const frame = this.#parseFrame();
      if (frame === undefined) return;
      // RFC 6455 §5.5.1: answer the server's close with a close, as any client does.
      if (frame.opcode === Opcode.CLOSE && !this.#isCloseAnswered && !this.socket.destroyed) {
        this.#isCloseAnswered = true;
        this.socket.write(encodeFrame(Opcode.CLOSE, frame.payload.subarray(0, 2)));
      }
      this.#frames.push(frame);
    }
  }

  /** Takes one complete frame off the front of the pending bytes. Server frames are not masked. */
  #parseFrame(): ServerFrame | undefined {
    const bytes = this.#pending;
    if (bytes.length < 2) return undefined;
    let length = bytes[1]! & 0x7f;
    let offset = 2;
    if (length === 126) {
      if (bytes.length < 4) return undefined;
      length = bytes.readUInt16BE(2);
      offset = 4;
    } else if (length === 127) {
      if (bytes.length < 10) return undefined;
      length = Number(bytes.readBigUInt64BE(2));
      offset = 10;
    }
    if (bytes.length < offset + length) return undefined;
    const frame: ServerFrame = {
      opcode: bytes[0]! & 0x0f,
      fin: (bytes[0]! & 0x80) !== 0,
      payload: Buffer.from(bytes.subarray(offset, offset + length)),
    };
    this.#pending = bytes.subarray(offset + length);
    return frame;
  }
}
