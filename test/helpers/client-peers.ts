// Real peers for enchufe/client's tests: an enchufe server or the npm socket.io
// 4.8 server on a loopback port, and our client with forceNew and without
// reconnection unless a test asks. A setup on a raw transport (`tcp`, `ipc`, `udp`)
// talks to the enchufe server's raw listener instead of HTTP: suites keep writing
// `peer.url` and client() takes it there. Everything opened here (servers, clients,
// proxies, socket files) is closed by closeAll(), which each test file runs in afterEach.
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server as HttpServer } from "node:http";
import {
  connect as connectNet,
  createServer as createNetServer,
  type AddressInfo,
  type Socket as NetSocket,
} from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Server as SocketIOServer } from "socket.io";
import { io, type ClientOptions, type ClientTransportName, type Manager, type Socket } from "../../src/client/node.js";
import { Server, type ServerOptions } from "../../src/index.js";
import { makeCertificates, type Certificates } from "./certificates.js";
import { startTcpProxy } from "./tcp-proxy.js";
import { startUdpProxy as startUdpProxyBefore, type UdpProxy } from "./udp-proxy.js";

import { once, until } from "./peers.js";

export { delay, once, until } from "./peers.js";

/** Which server the client talks to. */
export type ServerKind = "enchufe" | "socket.io";

/**
 * The client's `transports` option; `undefined`: the default, polling then the upgrade to WebSocket.
 * `["tcp"]`, `["ipc"]` or `["udp"]`: a raw listener of the enchufe server instead of HTTP.
 */
export type TransportSetting = ClientTransportName[] | undefined;

/** One run of a suite: a server kind and the client's transports. */
export interface Setup {
  kind: ServerKind;
  transports: TransportSetting;
}

/**
 * The raw transports a suite runs on: the streams (TLS with throwaway certificates made
 * once per process, which the client trusts), and UDP's datagrams.
 */
export type StreamName = "tcp" | "tls" | "ipc" | "udp";

/** `"default"`, `"polling"`, `"websocket"`, `"tcp"`, `"tls"`, `"ipc"` or `"udp"`. */
export function transportLabel(transports: TransportSetting): string {
  return transports === undefined ? "default (polling, then upgrade)" : transports.join("+");
}

/** The setup's raw transport (a stream, or UDP); undefined for HTTP (polling, WebSocket). */
export function streamOf(setup: Setup): StreamName | undefined {
  const first = setup.transports?.[0];
  return first === "tcp" || first === "tls" || first === "ipc" || first === "udp" ? first : undefined;
}

/**
 * Capability: the client talks HTTP to the server. Without it (a raw listener) there is no
 * path, query, extraHeaders, cookies, polling or upgrade: suites do not register those tests.
 */
export function hasHttp(setup: Setup): boolean {
  return streamOf(setup) === undefined;
}

/**
 * Capability: a message of any size (up to the server's maxHttpBufferSize) crosses in one
 * piece. Without it (UDP: one datagram, 1200 bytes by default) a larger emit throws
 * ENCHUFE_ERR_MESSAGE_TOO_LARGE, and suites scale their payloads or assert that error.
 */
export function maxMessageBytes(setup: Setup): number {
  return streamOf(setup) === "udp" ? UDP_DATAGRAM_BYTES : Infinity;
}

/** The UDP listener's default `maxDatagramBytes`, which the client learns from `open`. */
export const UDP_DATAGRAM_BYTES = 1200;

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
  /** `http://127.0.0.1:<port>`, for every setup: client() takes a stream setup to {@link streamUrl}. */
  url: string;
  /** The raw listener of a raw setup: `tcp://` or `udp://127.0.0.1:<port>`, or `ipc:///<tmpdir>/….sock`. */
  streamUrl: string | undefined;
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
/** The raw listener of each raw setup's peer, by the peer's HTTP port. */
const streamUrls = new Map<number, string>();
/** The Managers of ipc clients made with `forceNew: false`, by URL (io() cannot take an ipc namespace). */
const ipcManagers = new Map<string, Manager>();
/** Unix socket files, removed by closeAll() once their servers are closed. */
const socketPaths: string[] = [];

let certificates: Certificates | undefined;

/** The tls setup's certificates: made once per process, in a directory removed at exit. */
function testCertificates(): Certificates {
  if (certificates !== undefined) return certificates;
  const dir = mkdtempSync(join(tmpdir(), "enchufe-client-pki-"));
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  return (certificates = makeCertificates(dir));
}

/** A fresh Unix socket path under the temp directory. */
function tempSocketPath(): string {
  const path = join(tmpdir(), `enchufe-client-${process.pid}-${socketPaths.length}-${Date.now()}.sock`);
  rmSync(path, { force: true });
  socketPaths.push(path);
  return path;
}

/**
 * Starts a server of `kind` (or of the setup's kind) on a free loopback port; for a
 * raw setup, also on a raw listener of its transport (enchufe only).
 */
export async function startPeer(target: ServerKind | Setup, options: PeerOptions = {}): Promise<Peer> {
  const kind = typeof target === "string" ? target : target.kind;
  const stream = typeof target === "string" ? undefined : streamOf(target);
  const httpServer = createServer();
  let server: PeerServer;
  let closeServer: () => Promise<void>;
  let streamUrl: string | undefined;
  if (kind === "enchufe") {
    const { connectionStateRecovery, ...rest } = options;
    if (connectionStateRecovery !== undefined) throw new Error("enchufe's server has no connection-state recovery");
    const enchufe = new Server(httpServer, rest satisfies ServerOptions);
    closeServer = () => enchufe.close();
    server = enchufe;
    if (stream !== undefined) {
      const target = stream === "ipc" ? (`ipc://${tempSocketPath()}` as const) : (`${stream}://127.0.0.1:0` as const);
      const certs = stream === "tls" ? testCertificates() : undefined;
      const tls = certs === undefined ? {} : { key: certs.serverKey, cert: certs.serverCert };
      streamUrl = (await enchufe.listen(target, tls)).url;
    }
  } else {
    if (stream !== undefined) throw new Error(`socket.io has no ${stream} listener`);
    const socketIo = new SocketIOServer(httpServer, options);
    closeServer = () => socketIo.close();
    server = socketIo as unknown as PeerServer;
  }
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => (closing ??= closeServer());
  closers.push(close);
  await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
  const { port } = httpServer.address() as AddressInfo;
  if (streamUrl !== undefined) streamUrls.set(port, streamUrl);
  return { kind, server, httpServer, port, url: `http://127.0.0.1:${port}`, streamUrl, close };
}

/** A proxy that can freeze its traffic: a network partition between a client and a server. */
export interface Proxy {
  /** Where a client of the setup reaches the server through the proxy. */
  url: string;
  /** Stops forwarding in both directions; nothing is closed. */
  freeze(): void;
}

/**
 * A proxy in front of `peer`'s HTTP port (helpers/tcp-proxy.ts) or, for a raw setup,
 * of its raw listener (for udp://, helpers/udp-proxy.ts); closed by closeAll().
 */
export async function startProxy(peer: Peer): Promise<Proxy> {
  if (peer.streamUrl?.startsWith("udp:") === true) return startUdpProxy(peer);
  if (peer.streamUrl !== undefined) return startStreamProxy(peer.streamUrl);
  const proxy = await startTcpProxy(peer.port);
  closers.unshift(() => proxy.close());
  return { url: `http://127.0.0.1:${proxy.port}`, freeze: () => proxy.freeze() };
}

/**
 * A proxy in front of a udp setup's peer (helpers/udp-proxy.ts, without faults unless
 * asked) that can also thaw and drop chosen datagrams; closed by closeAll().
 */
export async function startUdpProxy(peer: Peer): Promise<UdpProxy> {
  if (peer.streamUrl?.startsWith("udp:") !== true) throw new Error("not a udp peer");
  const proxy = await startUdpProxyBefore({ target: { port: Number(new URL(peer.streamUrl).port) } });
  closers.unshift(() => proxy.close());
  return proxy;
}

/**
 * A proxy for one long-lived tcp:// or ipc:// connection, listening on the same kind of
 * socket. Unlike tcp-proxy.ts's, once frozen it relays no close either, as a partition
 * would not: enchufe's server ends a stream that timed out at once (a WebSocket's close
 * waits for a handshake the partition holds back), and that FIN, relayed, would reach
 * the client before its own ping timeout.
 */
async function startStreamProxy(target: string): Promise<Proxy> {
  const isIpc = target.startsWith("ipc://");
  const to = isIpc
    ? { path: target.slice("ipc://".length) }
    : { host: "127.0.0.1", port: Number(new URL(target).port) };
  const sockets = new Set<NetSocket>();
  let isFrozen = false;
  const server = createNetServer((downstream) => {
    const upstream = connectNet(to);
    for (const [socket, other] of [
      [downstream, upstream],
      [upstream, downstream],
    ] as const) {
      sockets.add(socket);
      socket.on("error", () => socket.destroy());
      socket.on("close", () => {
        sockets.delete(socket);
        if (!isFrozen) other.destroy();
      });
      socket.pipe(other);
    }
  });
  const path = isIpc ? tempSocketPath() : undefined;
  await new Promise<void>((resolve) => server.listen(path ?? { port: 0, host: "127.0.0.1" }, resolve));
  closers.unshift(() => {
    for (const socket of sockets) socket.destroy();
    return new Promise((resolve) => server.close(() => resolve()));
  });
  const scheme = target.startsWith("tls:") ? "tls" : "tcp"; // TLS passes through as bytes
  return {
    url: path === undefined ? `${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}` : `ipc://${path}`,
    freeze() {
      isFrozen = true;
      for (const socket of sockets) {
        socket.unpipe(); // and so no end() is passed on
        socket.pause();
      }
    },
  };
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

/**
 * Our client, with the setup's transports, forceNew, and no reconnection unless `options` say otherwise.
 * For a raw setup, `http://127.0.0.1:<port>/<namespace>` becomes the raw URL of the peer on
 * that port or, when no peer is there (a closed port, a silent server), `tcp://` or
 * `udp://127.0.0.1:<port>`; a raw URL (a proxy's) is taken as it is.
 */
export function client(setup: Setup, url: string, options: ClientOptions = {}): Socket {
  const stream = streamOf(setup);
  // A raw URL names its transport: `transports` is for HTTP.
  const transports = setup.transports === undefined || stream !== undefined ? {} : { transports: setup.transports };
  const settings = { forceNew: true, reconnection: false, ...transports, ...options };
  const socket = stream === undefined ? io(url, settings) : streamClient(stream, url, settings);
  clients.push(socket);
  return socket;
}

function streamClient(stream: StreamName, httpUrl: string, given: ClientOptions): Socket {
  const options = stream === "tls" ? { ca: testCertificates().ca, ...given } : given;
  if (/^(tcp|tls|ipc|udp):/.test(httpUrl)) return io(httpUrl, options);
  const { port, pathname: namespace } = new URL(httpUrl);
  const url = streamUrls.get(Number(port)) ?? (stream === "ipc" ? undefined : `${stream}://127.0.0.1:${port}`);
  if (url === undefined) throw new Error(`no ${stream} listener for ${httpUrl}`);
  if (stream !== "ipc") return io(namespace === "/" ? url : url + namespace, options);
  // ipc: the namespace cannot be in the URL; a Manager's socket() joins it.
  if (namespace === "/" && options.forceNew !== false) return io(url, options);
  const manager = (options.forceNew === false ? ipcManagers.get(url) : undefined) ?? new io.Manager(url, options);
  if (options.forceNew === false) ipcManagers.set(url, manager);
  return manager.socket(namespace, options);
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
  const peer = await startPeer(setup, serverOptions);
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
  streamUrls.clear();
  ipcManagers.clear();
  for (const close of closers.splice(0)) await close();
  for (const path of socketPaths.splice(0)) rmSync(path, { force: true });
}
