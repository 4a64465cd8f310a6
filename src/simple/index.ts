/**
 * `enchufe/simple`: classic socket programs in a few lines, message by message,
 * over any URL: `ws://`, `wss://` and `http(s)://` (WebSocket, or polling), and in
 * Node `tcp://`, `tls://`, `ipc:///path` and `udp://` (datagrams: no order, no
 * delivery promise). Under it are enchufe's server and client, so a simple program
 * talks to Socket.IO peers too.
 *
 * @example
 * // An echo server and its client.
 * import { connect, listen } from "enchufe/simple";
 *
 * const server = await listen("tcp://127.0.0.1:4000");
 * (async () => {
 *   for await (const conn of server) for await (const message of conn) conn.write(message);
 * })();
 *
 * const conn = await connect("tcp://127.0.0.1:4000");
 * conn.write("hola");
 * console.log(await conn.read({ timeout: 1000 })); // "hola"
 * conn.close();
 *
 * @module
 */
import { io, type ClientOptions, type Socket as ClientSocket } from "../client/node.js";
import { ArgumentError, ErrorCode } from "../errors.js";
import type { ServerOptions } from "../server/options.js";
import type { RawListenOptions } from "../server/raw-listener.js";
import { Server } from "../server/server.js";
import type { Socket as ServerSocket } from "../server/socket.js";
import { Connection } from "./connection.js";
import { listenOnHttpUrl } from "./http-listener.js";
import { isClientUrl, transportsOf } from "./urls.js";

export { Connection, MAX_UNREAD_MESSAGES } from "./connection.js";
export type { Message, MessageSocket } from "./connection.js";

export interface SimpleConnectOptions extends ClientOptions {
  /** Milliseconds to connect before giving up. @default 20000 */
  timeout?: number;
}

export interface SimpleListenOptions extends ServerOptions, Omit<RawListenOptions, keyof ServerOptions> {
  /**
   * Most clients at once: `1` makes a "simplified server" that serves one client at
   * a time; another is refused (its `connect()` rejects with "server busy").
   * @default Infinity (a "standard server")
   */
  maxClients?: number;
}

/**
 * Connects to `url` and resolves once the server accepted the connection; rejects
 * with the server's refusal or the network error. No reconnection: a closed
 * connection stays closed, as a plain socket's does.
 */
export async function connect(url: string, options: SimpleConnectOptions = {}): Promise<Connection<ClientSocket>> {
  checkUrl(url); // a bad URL rejects, as a refused connection does
  const socket = io(url, { forceNew: true, reconnection: false, ...transportsOf(url), ...options });
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => {
      socket.off("connect", onConnect);
      socket.disconnect();
      reject(error);
    };
    const onConnect = (): void => {
      socket.off("connect_error", onError);
      resolve(new Connection<ClientSocket>(socket));
    };
    socket.once("connect", onConnect).once("connect_error", onError);
  });
}

/** Checks a URL's scheme and shape. @throws ArgumentError for anything else. */
function checkUrl(url: string): void {
  if (!isClientUrl(url)) {
    throw new ArgumentError(
      ErrorCode.ARGUMENT_INVALID,
      `"${url}" is not a URL enchufe/simple knows: tcp://, tls://, udp://, ipc:///path, ws(s)://, http(s)://`,
    );
  }
}

/** The schemes of raw listeners, which check their URLs themselves (`tcp://:4000` has no host). */
const RAW_SCHEMES = /^(tcp|tls|udp|ipc):\/\//;

type ServerConnection = Connection<ServerSocket>;

/** A listening simple server: an async iterable of connections, in the order they come. */
export class SimpleServer implements AsyncIterable<ServerConnection> {
  /** The enchufe server under it, for anything beyond messages (rooms, broadcasts, namespaces). */
  readonly io: Server;
  /** The URL it listens on, with the port it got (for `:0`). */
  readonly url: string;
  readonly #waiting: ServerConnection[] = [];
  readonly #takers: ((connection: ServerConnection | undefined) => void)[] = [];
  #isClosed = false;

  /** @internal */
  constructor(server: Server, url: string) {
    this.io = server;
    this.url = url;
    server.on("connection", (socket) => {
      const connection: ServerConnection = new Connection(socket);
      const taker = this.#takers.shift();
      if (taker !== undefined) taker(connection);
      else this.#waiting.push(connection);
    });
  }

  /** The next connection; `undefined` once the server is closed. */
  accept(): Promise<ServerConnection | undefined> {
    const next = this.#waiting.shift();
    if (next !== undefined) return Promise.resolve(next);
    if (this.#isClosed) return Promise.resolve(undefined);
    return new Promise((resolve) => this.#takers.push(resolve));
  }

  /** Stops listening and closes every connection. */
  async close(): Promise<void> {
    if (this.#isClosed) return;
    this.#isClosed = true;
    for (const taker of this.#takers.splice(0)) taker(undefined);
    await this.io.close();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<ServerConnection> {
    for (;;) {
      const connection = await this.accept();
      if (connection === undefined) return;
      yield connection;
    }
  }
}

/**
 * Listens on `url` (`tcp://`, `tls://` with `key`/`cert`, `ipc:///path`, `udp://`, or
 * `http(s)://`/`ws(s)://` host and port for browsers and Socket.IO clients) and
 * resolves a {@link SimpleServer} once listening.
 */
export async function listen(url: string, options: SimpleListenOptions = {}): Promise<SimpleServer> {
  const {
    maxClients = Infinity,
    mode,
    maxMessageBytes,
    maxDatagramBytes,
    maxNewSessionsPerSecond,
    key,
    cert,
    ca,
    passphrase,
    requestCert,
    rejectUnauthorized,
    ...serverOptions
  } = options;
  if (!(maxClients >= 1 && (Number.isInteger(maxClients) || maxClients === Infinity))) {
    throw new ArgumentError(ErrorCode.OPTION_INVALID, `maxClients must be an integer of at least 1, got ${maxClients}`);
  }
  if (!RAW_SCHEMES.test(url)) checkUrl(url);
  const server = new Server(serverOptions);
  server.use((_socket, next) => {
    const isFull = server.sockets.sockets.size >= maxClients;
    next(
      isFull
        ? new Error(`server busy: it serves at most ${maxClients} client${maxClients === 1 ? "" : "s"}`)
        : undefined,
    );
  });
  const tls = { key, cert, ca, passphrase, requestCert, rejectUnauthorized };
  if (RAW_SCHEMES.test(url)) {
    const raw = url.startsWith("udp:")
      ? { mode, maxDatagramBytes, maxNewSessionsPerSecond }
      : { ...tls, mode, maxMessageBytes };
    const listener = await server.listen(url as `tcp://${string}`, raw as RawListenOptions);
    return new SimpleServer(server, listener.url);
  }
  return new SimpleServer(server, await listenOnHttpUrl(server, url, tls));
}
