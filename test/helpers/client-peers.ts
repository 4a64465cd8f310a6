// Real peers for enchufe/client's tests: an enchufe server or the npm socket.io
// 4.8 server on a loopback port, and our client with forceNew and without
// reconnection unless a test asks. Everything opened here (servers, clients,
// proxies) is closed by closeAll(), which each test file runs in afterEach.
import { createServer, type IncomingHttpHeaders, type Server as HttpServer } from "node:http";
import { createServer as createNetServer, type AddressInfo, type Socket as NetSocket } from "node:net";
import { Server as SocketIOServer } from "socket.io";
import { io, type ClientOptions, type ClientTransportName, type Socket } from "../../src/client/index.js";
import { Server, type ServerOptions } from "../../src/index.js";
import { startTcpProxy, type TcpProxy } from "./tcp-proxy.js";

import { once, until } from "./peers.js";

export { delay, once, until } from "./peers.js";

/** Which server the client talks to. */
export type ServerKind = "enchufe" | "socket.io";

/** The client's `transports` option; `undefined`: the default, polling then the upgrade to WebSocket. */
export type TransportSetting = ClientTransportName[] | undefined;

/** One run of a suite: a server kind and the client's transports. */
export interface Setup {
  kind: ServerKind;
  transports: TransportSetting;
}

/** `"default"`, `"polling"` or `"websocket"`. */
export function transportLabel(transports: TransportSetting): string {
  return transports === undefined ? "default (polling, then upgrade)" : transports.join("+");
}

/** The transport a client ends up on. */
export function finalTransport(setup: Setup): ClientTransportName {
  return setup.transports?.length === 1 ? setup.transports[0]! : "websocket";
}

/* eslint-disable @typescript-eslint/no-explicit-any -- the part of two servers' APIs the tests use, loosely typed */
type Listener = (...args: any[]) => void;

/** What the tests use of a server-side socket, on either server. */
export interface PeerSocket {
  readonly id: string;
  readonly connected: boolean;
  readonly recovered: boolean;
  readonly handshake: { auth: Record<string, unknown>; headers: IncomingHttpHeaders; query: Record<string, unknown> };
  /** The Engine.IO session: `close()` ends the connection without a Socket.IO DISCONNECT. */
  readonly conn: {
    id: string;
    close(): void;
    transport: { name: string };
    on(event: "packet", listener: (packet: { type: number | string; data?: unknown }) => void): unknown;
    on(event: "close", listener: (reason: string) => void): unknown;
  };
  emit(event: string, ...args: any[]): boolean;
  on(event: string, listener: Listener): unknown;
  once(event: string, listener: Listener): unknown;
  timeout(ms: number): { emit(event: string, ...args: any[]): boolean };
  disconnect(close?: boolean): unknown;
}

export interface PeerNamespace {
  on(event: "connection", listener: (socket: PeerSocket) => void): unknown;
  use(middleware: (socket: PeerSocket, next: (error?: Error) => void) => void): unknown;
  emit(event: string, ...args: any[]): boolean;
}

export interface PeerServer extends PeerNamespace {
  of(name: string): PeerNamespace;
  readonly engine: { readonly clientsCount: number };
}
/* eslint-enable @typescript-eslint/no-explicit-any */

export interface Peer {
  kind: ServerKind;
  server: PeerServer;
  httpServer: HttpServer;
  port: number;
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Closes the server (once; closeAll() does it too). */
  close(): Promise<void>;
}

/** Options both servers understand (socket.io's connectionStateRecovery only on socket.io). */
export interface PeerOptions {
  path?: string;
  pingInterval?: number;
  pingTimeout?: number;
  cookie?: boolean;
  connectionStateRecovery?: Record<string, unknown>;
}

const closers: (() => Promise<void> | void)[] = [];
const clients: Socket[] = [];

/** Starts a server of `kind` on a free loopback port. */
export async function startPeer(kind: ServerKind, options: PeerOptions = {}): Promise<Peer> {
  const httpServer = createServer();
  let server: PeerServer;
  let closeServer: () => Promise<void>;
  if (kind === "enchufe") {
    const { connectionStateRecovery, ...rest } = options;
    if (connectionStateRecovery !== undefined) throw new Error("enchufe's server has no connection-state recovery");
    const enchufe = new Server(httpServer, rest satisfies ServerOptions);
    closeServer = () => enchufe.close();
    server = enchufe;
  } else {
    const socketIo = new SocketIOServer(httpServer, options);
    closeServer = () => socketIo.close();
    server = socketIo as unknown as PeerServer;
  }
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => (closing ??= closeServer());
  closers.push(close);
  await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
  const { port } = httpServer.address() as AddressInfo;
  return { kind, server, httpServer, port, url: `http://127.0.0.1:${port}`, close };
}

/** A TCP proxy to `port` that can freeze its traffic (a network partition); closed by closeAll(). */
export async function startProxy(port: number): Promise<TcpProxy> {
  const proxy = await startTcpProxy(port);
  closers.unshift(() => proxy.close());
  return proxy;
}

/** A port on 127.0.0.1 where nothing listens (connections are refused). */
export async function closedPort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A TCP server that accepts connections and never answers; closed by closeAll(). */
export async function startSilentServer(): Promise<number> {
  const sockets = new Set<NetSocket>();
  const server = createNetServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(() => {
    for (const socket of sockets) socket.destroy();
    return new Promise((resolve) => server.close(() => resolve()));
  });
  return (server.address() as AddressInfo).port;
}

/** Our client, with the setup's transports, forceNew, and no reconnection unless `options` say otherwise. */
export function client(setup: Setup, url: string, options: ClientOptions = {}): Socket {
  const transports = setup.transports === undefined ? {} : { transports: setup.transports };
  const socket = io(url, { forceNew: true, reconnection: false, ...transports, ...options });
  clients.push(socket);
  return socket;
}

/** A client that has joined its namespace. */
export async function connectedClient(setup: Setup, url: string, options: ClientOptions = {}): Promise<Socket> {
  const socket = client(setup, url, options);
  await once(socket, "connect", 3000);
  return socket;
}

/** The server-side socket of the next connection to `namespace`. */
export function nextConnection(namespace: PeerNamespace): Promise<PeerSocket> {
  return new Promise((resolve) => {
    const listener = (socket: PeerSocket): void => resolve(socket);
    namespace.on("connection", listener);
  });
}

/**
 * Resolves once both sides are on the transport the setup ends on (the upgrade, if any, is over).
 * socket.io's engine.io leaves a 30 s timer behind when a session is closed during an upgrade
 * (`Polling.doClose`'s closeTimeout, never cleared once the upgrade completes): tests that close
 * connections wait for this first.
 */
export async function settled(setup: Setup, client: Socket, socket: PeerSocket): Promise<void> {
  const name = finalTransport(setup);
  await until(() => client.io.engine?.transport.name === name && socket.conn.transport.name === name, 3000);
}

/**
 * A server of the setup's kind, and one client connected to its main namespace, with its
 * server-side socket; both on their final transport unless `isSettled` is false.
 */
export async function pair(
  setup: Setup,
  clientOptions: ClientOptions = {},
  serverOptions: PeerOptions = {},
  isSettled = true,
): Promise<{ peer: Peer; client: Socket; socket: PeerSocket }> {
  const peer = await startPeer(setup.kind, serverOptions);
  const serverSide = withTimeout(nextConnection(peer.server), "server-side connection");
  const socket = client(setup, peer.url, clientOptions);
  await once(socket, "connect", 3000);
  const server = await serverSide;
  if (isSettled) await settled(setup, socket, server);
  return { peer, client: socket, socket: server };
}

/** Rejects when `promise` does not settle within `ms`. */
export function withTimeout<T>(promise: Promise<T>, what: string, ms = 3000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Resolves with the arguments of the callback that `start` hands on; rejects after `ms`. */
export function callbackArgs(start: (callback: (...args: unknown[]) => void) => void, ms = 3000): Promise<unknown[]> {
  return withTimeout(new Promise((resolve) => start((...args) => resolve(args))), "callback", ms);
}

/** Collects the arguments of every `event` of `target`. */
export function record<Args extends unknown[] = unknown[]>(target: object, event: string): Args[] {
  const calls: Args[] = [];
  (target as Pick<PeerSocket, "on">).on(event, (...args: unknown[]) => calls.push(args as Args));
  return calls;
}

/** Closes every client, proxy and server opened since the last call. */
export async function closeAll(): Promise<void> {
  for (const socket of clients.splice(0)) {
    socket.disconnect();
    socket.io.close();
  }
  for (const close of closers.splice(0)) await close();
}
