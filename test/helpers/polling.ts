// Engine.IO long-polling spoken by hand over real HTTP (node:http, one connection
// per request: `agent: false`), and a WebSocket peer for the upgrade that exposes
// the 101 answer. Everything opened here is destroyed by destroyPolling(), which a
// test file runs in afterEach, before closeAll().
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { request, type ClientRequest, type IncomingHttpHeaders, type IncomingMessage } from "node:http";
import { WebSocket } from "ws";
import type { Socket } from "../../src/index.js";
import { closeAll, once, until, type TestServer } from "./peers.js";
import { destroyRawTcp } from "./raw-tcp.js";

/** The Socket.IO path, as clients send it. */
export const SOCKET_IO_PATH = "/socket.io/";

/** The record separator between the packets of a polling payload. */
export const SEPARATOR = "\x1e";

/** A complete HTTP answer. */
export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body as received (still compressed, if it was). */
  body: Buffer;
  /** The body as UTF-8 text. */
  text: string;
}

export interface CallOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

const requests = new Set<ClientRequest>();
const websockets = new Set<WebSocket>();
const clients = new Set<PollingClient>();

/** One HTTP request on a connection of its own, and its answer when it comes. */
export class HttpCall {
  readonly request: ClientRequest;
  readonly answer: Promise<HttpAnswer>;
  #isSettled = false;

  constructor(port: number, target: string, options: CallOptions = {}) {
    const { method = "GET", headers = {}, body } = options;
    const all: Record<string, string> = { ...headers };
    if (body !== undefined) all["Content-Length"] = String(Buffer.byteLength(body));
    const outgoing = request({ host: "127.0.0.1", port, path: target, method, headers: all, agent: false });
    this.request = outgoing;
    requests.add(outgoing);
    this.answer = new Promise<HttpAnswer>((resolve, reject) => {
      outgoing.once("error", reject);
      outgoing.once("response", (response: IncomingMessage) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.once("error", reject);
        response.once("end", () => {
          const data = Buffer.concat(chunks);
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: data, text: data.toString() });
        });
      });
    }).finally(() => {
      this.#isSettled = true;
      requests.delete(outgoing);
    });
    // Destroyed in afterEach while still held: nobody waits for it then.
    this.answer.catch(() => undefined);
    outgoing.end(body);
  }

  /** True once the answer arrived (or the request failed). */
  get isSettled(): boolean {
    return this.#isSettled;
  }

  /** The answer; rejects after `timeoutMs` (the request stays open). */
  within(timeoutMs = 3000): Promise<HttpAnswer> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`no HTTP answer within ${timeoutMs} ms`)), timeoutMs);
    });
    return Promise.race([this.answer, timeout]).finally(() => clearTimeout(timer));
  }
}

/** A request to the engine's path with `query` (no leading "?"). */
export function call(port: number, query: string, options: CallOptions = {}, path = SOCKET_IO_PATH): HttpCall {
  return new HttpCall(port, `${path}?${query}`, options);
}

/** The packets of a polling payload. */
export function packetsOf(payload: string): string[] {
  return payload.split(SEPARATOR);
}

/** The JSON payload of an `open` packet. */
export interface OpenPacket {
  sid: string;
  upgrades: string[];
  pingInterval: number;
  pingTimeout: number;
  maxPayload: number;
}

/** A polling client of one session. */
export class PollingClient {
  readonly port: number;
  readonly sid: string;
  readonly path: string;

  constructor(port: number, sid: string, path = SOCKET_IO_PATH) {
    this.port = port;
    this.sid = sid;
    this.path = path;
    clients.add(this);
  }

  get query(): string {
    return `EIO=4&transport=polling&sid=${encodeURIComponent(this.sid)}`;
  }

  /** Starts a GET; it may be held. */
  get(headers: Record<string, string> = {}): HttpCall {
    return call(this.port, this.query, { headers }, this.path);
  }

  /** POSTs `body` as a client does (text/plain) and waits for the answer. */
  post(body: string | Buffer, headers: Record<string, string> = {}): Promise<HttpAnswer> {
    const options = { method: "POST", headers: { "Content-Type": "text/plain;charset=UTF-8", ...headers }, body };
    return call(this.port, this.query, options, this.path).within();
  }

  /** GETs and returns the packets of the answer, which must be a 200. */
  async next(timeoutMs = 3000): Promise<string[]> {
    const answer = await this.get().within(timeoutMs);
    if (answer.status !== 200) throw new Error(`GET answered ${answer.status}: ${answer.text}`);
    return packetsOf(answer.text);
  }
}

/** Opens a polling session: GET without sid, and the `open` packet it answers. */
export async function pollingHandshake(
  port: number,
  headers: Record<string, string> = {},
  path = SOCKET_IO_PATH,
): Promise<{ client: PollingClient; open: OpenPacket; answer: HttpAnswer }> {
  const answer = await call(port, "EIO=4&transport=polling", { headers }, path).within();
  if (answer.status !== 200 || !answer.text.startsWith("0{")) {
    throw new Error(`expected an open packet, got ${answer.status} ${answer.text}`);
  }
  const open = JSON.parse(answer.text.slice(1)) as OpenPacket;
  return { client: new PollingClient(port, open.sid, path), open, answer };
}

/** A polling session joined to the main namespace, and its server-side socket. */
export interface PollingPeer {
  client: PollingClient;
  socket: Socket;
  /** The socket's disconnect reasons, as they come. */
  reasons: string[];
  /** Resolves with the socket's disconnect reason. */
  disconnected: Promise<string>;
}

/** Opens a polling session, POSTs the CONNECT of "/" and GETs its answer. */
export async function joinPolling(server: TestServer, headers: Record<string, string> = {}): Promise<PollingPeer> {
  const { client } = await pollingHandshake(server.port, headers);
  const joined = once<[Socket]>(server.io, "connection");
  const posted = await client.post("40");
  if (posted.text !== "ok") throw new Error(`POST 40 answered ${posted.status} ${posted.text}`);
  const [socket] = await joined;
  const reasons: string[] = [];
  const disconnected = new Promise<string>((resolve) => {
    socket.on("disconnect", (reason) => {
      reasons.push(reason);
      resolve(reason);
    });
  });
  const packets = await client.next();
  if (packets.join(SEPARATOR) !== `40{"sid":"${socket.id}"}`) throw new Error(`bad CONNECT answer: ${String(packets)}`);
  return { client, socket, reasons, disconnected };
}

/** A `ws` client that queues what it receives and keeps the 101 answer's headers. */
export class WebSocketPeer {
  readonly ws: WebSocket;
  /** The headers of the 101 answer. */
  readonly upgradeHeaders: Promise<IncomingHttpHeaders>;
  readonly closed: Promise<number>;
  readonly received: (string | Buffer)[] = [];
  #read = 0;
  readonly #waiters: (() => void)[] = [];

  constructor(port: number, query: string, path = SOCKET_IO_PATH) {
    this.ws = new WebSocket(`ws://127.0.0.1:${port}${path}?${query}`);
    websockets.add(this.ws);
    this.ws.on("error", () => undefined);
    this.upgradeHeaders = new Promise((resolve) => {
      this.ws.once("upgrade", (response: IncomingMessage) => resolve(response.headers));
    });
    this.closed = new Promise((resolve) => this.ws.once("close", (code: number) => resolve(code)));
    this.ws.on("message", (data: Buffer, isBinary: boolean) => {
      this.received.push(isBinary ? data : data.toString());
      for (const waiter of this.#waiters.splice(0)) waiter();
    });
  }

  /** Opens a WebSocket to the engine's path with `query`, and waits for it to open. */
  static async open(port: number, query: string, path = SOCKET_IO_PATH): Promise<WebSocketPeer> {
    const peer = new WebSocketPeer(port, query, path);
    await once(peer.ws, "open", 3000);
    return peer;
  }

  /** Whether the socket is closed or closing. */
  get isClosed(): boolean {
    return this.ws.readyState === WebSocket.CLOSED || this.ws.readyState === WebSocket.CLOSING;
  }

  send(data: string): void {
    this.ws.send(data);
  }

  /** The next message not read yet. */
  async next(timeoutMs = 3000): Promise<string | Buffer> {
    const deadline = Date.now() + timeoutMs;
    while (this.#read >= this.received.length) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no WebSocket message within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.received[this.#read++]!;
  }
}

/** The number of TCP connections the HTTP server holds open. */
export function connectionCount(server: TestServer): Promise<number> {
  return new Promise((resolve, reject) => {
    server.httpServer.getConnections((error, count) => (error ? reject(error) : resolve(count)));
  });
}

/**
 * Closes, as a client does (a POST of `1`), every session a PollingClient of this
 * module was made for: a server closing waits a while for polling clients to
 * fetch their close, and these would never come. Refusals and failures are ignored.
 */
export async function closePollingClients(): Promise<void> {
  const all = [...clients];
  clients.clear();
  await Promise.allSettled(all.map((client) => client.post("1")));
}

/** Destroys every request and WebSocket this module opened that is still open. */
export function destroyPolling(): void {
  for (const outgoing of requests) outgoing.destroy();
  requests.clear();
  for (const ws of websockets) ws.terminate();
  websockets.clear();
}

/** What a test file of polling by hand runs after each test: polling sessions, then everything else it opened. */
export async function cleanUpPollingTest(): Promise<void> {
  await closePollingClients();
  destroyPolling();
  destroyRawTcp();
  await closeAll();
}

/** Holds a GET and waits until the server has it (the transport is writable only then). */
export async function heldGet(peer: PollingPeer): Promise<HttpCall> {
  const get = peer.client.get();
  await until(() => peer.socket.conn.transport.writable, 2000);
  return get;
}

/** An answer as `call()` gives it, or as raw-tcp's parseResponse() does. */
type AnyAnswer = HttpAnswer | { status: number; headers: Record<string, string>; body: string };

/** Checks an engine.io refusal: the status, a JSON content type and the body `{ code, message }`. */
export function assertRefused(answer: AnyAnswer, code = 3, message = "Bad request", status = 400): void {
  const text = "text" in answer ? answer.text : answer.body;
  assert.equal(answer.status, status, `status of ${text}`);
  assert.match(String(answer.headers["content-type"]), /^application\/json/);
  assert.deepEqual(JSON.parse(text), { code, message });
}

/** Sends an event by POST and receives one back by GET: the session still works, and has not closed. */
export async function assertStillPolling(peer: PollingPeer): Promise<void> {
  const received = once<[number]>(peer.socket, "check", 2000);
  assert.equal((await peer.client.post('42["check",1]')).text, "ok");
  assert.deepEqual(await received, [1]);
  peer.socket.emit("checked", 2);
  assert.deepEqual(await peer.client.next(), ['42["checked",2]']);
  assert.deepEqual(peer.reasons, []);
}
