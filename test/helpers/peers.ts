// Real peers for integration tests: an enchufe server on a loopback port,
// socket.io-client sockets, and raw WebSocket clients that speak Engine.IO by
// hand (for malformed input). Everything opened here is closed by closeAll(),
// which each test file runs in afterEach.
import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { io as ioClient, type ManagerOptions, type Socket as ClientSocket, type SocketOptions } from "socket.io-client";
import { WebSocket } from "ws";
import { Server, type ServerOptions } from "../../src/index.js";
import { Inbox } from "./inbox.js";

export type { ClientSocket };

export interface TestServer {
  io: Server;
  httpServer: HttpServer;
  port: number;
  /** `http://127.0.0.1:<port>` */
  url: string;
}

// The transports socket.io-client is given; each interop runner file sets them once
// (its tests run in a process of their own). `undefined`: the client's default,
// polling then the upgrade to WebSocket.
let clientTransports: ("polling" | "websocket")[] | undefined = ["websocket"];

/** Sets the transports of every socket.io-client socket this process connects. */
export function useClientTransports(transports: ("polling" | "websocket")[] | undefined): void {
  clientTransports = transports;
}

/** The transport a client starts on with the transports in use. */
export function initialTransport(): "polling" | "websocket" {
  return clientTransports?.[0] ?? "polling";
}

/** The transport a client ends up on with the transports in use. */
export function expectedTransport(): "polling" | "websocket" {
  return clientTransports?.length === 1 ? clientTransports[0]! : "websocket";
}

const servers: Server[] = [];
const clients: ClientSocket[] = [];
const rawClients: RawClient[] = [];

/** Starts an enchufe server on a free loopback port. */
export async function startServer(options: ServerOptions = {}, httpServer = createServer()): Promise<TestServer> {
  const io = new Server(httpServer, options);
  servers.push(io);
  await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
  const { port } = httpServer.address() as AddressInfo;
  return { io, httpServer, port, url: `http://127.0.0.1:${port}` };
}

/** A socket.io-client socket with the transports in use (see useClientTransports), without reconnection. */
export function connect(url: string, options: Partial<ManagerOptions & SocketOptions> = {}): ClientSocket {
  const transports = clientTransports === undefined ? {} : { transports: clientTransports };
  const socket = ioClient(url, { ...transports, forceNew: true, reconnection: false, ...options });
  clients.push(socket);
  return socket;
}

/** Connects and waits for `connect`. */
export async function connected(
  url: string,
  options: Partial<ManagerOptions & SocketOptions> = {},
): Promise<ClientSocket> {
  const socket = connect(url, options);
  await once(socket, "connect");
  return socket;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- one helper for four emitter libraries */
interface LooseEmitter {
  once(event: string, listener: (...args: any[]) => void): unknown;
  off?(event: string, listener: (...args: any[]) => void): unknown;
  removeListener?(event: string, listener: (...args: any[]) => void): unknown;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

/** Resolves with the arguments of the next `event`; rejects after `timeoutMs`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function once<Args extends unknown[] = any[]>(target: object, event: string, timeoutMs = 5000): Promise<Args> {
  const emitter = target as LooseEmitter;
  return new Promise((resolve, reject) => {
    const listener = (...args: unknown[]): void => {
      clearTimeout(timer);
      resolve(args as unknown as Args);
    };
    const timer = setTimeout(() => {
      if (emitter.off !== undefined) emitter.off(event, listener);
      else emitter.removeListener?.(event, listener);
      reject(new Error(`no "${event}" within ${timeoutMs} ms`));
    }, timeoutMs);
    emitter.once(event, listener);
  });
}

/** Resolves after `ms` milliseconds; only to let a negative (something did NOT happen) settle. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves once `predicate` holds, polling every few milliseconds; rejects after `timeoutMs`. */
export async function until(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await delay(5);
  }
}

/** A WebSocket client that speaks Engine.IO by hand and queues what it receives. */
export class RawClient {
  readonly ws: WebSocket;
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly #messages = new Inbox<string | Buffer>();

  private constructor(ws: WebSocket) {
    this.ws = ws;
    this.closed = new Promise((resolve) =>
      ws.once("close", (code, reason) => resolve({ code, reason: String(reason) })),
    );
    ws.on("error", () => undefined);
    ws.on("message", (data: Buffer, isBinary) => {
      this.#messages.push(isBinary ? data : data.toString());
    });
  }

  /** Opens `ws://…/socket.io/?EIO=4&transport=websocket` plus `query`, and reads the `open` packet. */
  static async open(port: number, query = "", headers: Record<string, string> = {}): Promise<RawClient> {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket${query}`, { headers });
    const client = new RawClient(ws);
    rawClients.push(client);
    await once(ws, "open");
    const open = await client.next();
    if (typeof open !== "string" || !open.startsWith("0{"))
      throw new Error(`expected an open packet, got ${String(open)}`);
    return client;
  }

  /** Opens a session and joins the main namespace; returns the socket id. */
  static async connected(port: number): Promise<{ client: RawClient; id: string }> {
    const client = await RawClient.open(port);
    client.send("40");
    const answer = await client.nextMatching((message) => typeof message === "string" && message.startsWith("40"));
    return { client, id: (JSON.parse((answer as string).slice(2)) as { sid: string }).sid };
  }

  send(data: string | Buffer): void {
    this.ws.send(data);
  }

  /** The next message received. */
  next(timeoutMs = 5000): Promise<string | Buffer> {
    return this.#messages.next(timeoutMs, "message");
  }

  /** The next message for which `test` holds; others (pings, say) are skipped. */
  async nextMatching(test: (message: string | Buffer) => boolean, timeoutMs = 5000): Promise<string | Buffer> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const message = await this.next(Math.max(1, deadline - Date.now()));
      if (test(message)) return message;
    }
  }
}

/** Closes every server, client and raw client opened since the last call. */
export async function closeAll(): Promise<void> {
  for (const client of clients.splice(0)) client.disconnect();
  for (const raw of rawClients.splice(0)) raw.ws.terminate();
  await Promise.all(servers.splice(0).map((io) => io.close()));
}
