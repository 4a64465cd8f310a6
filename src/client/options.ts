// The client's options: socket.io-client's names and defaults, plus the bound on
// the offline buffer that socket.io-client leaves unbounded.
import type { ClientTransportName, TlsSettings } from "./transports/transport.js";

export interface ManagerOptions {
  /** The path the server answers on. @default "/socket.io" */
  path?: string;
  /** Whether a `/` is added to the path, as servers expect by default. @default true */
  addTrailingSlash?: boolean;
  /** Transports to try, in order; the first opens the session. @default ["polling", "websocket"] */
  transports?: ClientTransportName[];
  /** Whether a polling session moves to WebSocket when the server offers it. @default true */
  upgrade?: boolean;
  /** Query parameters sent with every request (also read by the server in `handshake.query`). */
  query?: Record<string, string>;
  /** Headers for every request; Node only (browsers cannot set them on a WebSocket). */
  extraHeaders?: Record<string, string>;
  /**
   * Browsers: send cookies on cross-origin requests. Node: keep the server's cookies
   * (a load balancer's sticky-session cookie) and send them back. @default false
   */
  withCredentials?: boolean;
  /** Whether to reconnect after a lost connection. @default true */
  reconnection?: boolean;
  /** Attempts before giving up (`reconnect_failed`). @default Infinity */
  reconnectionAttempts?: number;
  /** First delay before a reconnection, in ms; doubles each attempt. @default 1000 */
  reconnectionDelay?: number;
  /** Longest delay between attempts, in ms. @default 5000 */
  reconnectionDelayMax?: number;
  /** Each delay varies by up to this fraction of itself, randomly. @default 0.5 */
  randomizationFactor?: number;
  /** Milliseconds for a connection to open before `connect_error` ("timeout"). @default 20000 */
  timeout?: number;
  /** Whether `io()` opens the connection at once. @default true */
  autoConnect?: boolean;
  /** Node, `wss://` and `tls://`: certificate authorities to trust instead of Node's list. */
  ca?: TlsSettings["ca"];
  /** Node, `wss://` and `tls://`: a client certificate, for servers that ask for one (with `key`). */
  cert?: TlsSettings["cert"];
  key?: TlsSettings["key"];
  passphrase?: string;
  /** Node, `tls://`: the server name to check the certificate against. @default the URL's host */
  servername?: string;
  /** Node, `wss://` and `tls://`: whether the server's certificate must be valid. @default true */
  rejectUnauthorized?: boolean;
}

/** What `auth` may be: the payload of CONNECT, or a function that produces it (run on every connect). */
export type AuthOption = Record<string, unknown> | ((callback: (data: Record<string, unknown>) => void) => void);

export interface SocketOptions {
  /** Sent to the server with each CONNECT (`socket.handshake.auth`); a function is called on every (re)connect. */
  auth?: AuthOption;
  /** With `ackTimeout`: how many times an emit is sent again without an acknowledgement. @default 0 */
  retries?: number;
  /** Default acknowledgement timeout, in ms, for every emit with an acknowledgement. @default undefined (none) */
  ackTimeout?: number;
  /**
   * Most events kept while disconnected, sent on (re)connection in order; past it
   * the oldest is dropped (its acknowledgement, if it has a timeout, fails). @default 1000
   */
  maxBufferedEvents?: number;
}

/** Options of `io()`: the Manager's and the Socket's, and how managers are shared. */
export interface ClientOptions extends ManagerOptions, SocketOptions {
  /** A new Manager (connection) for this socket, instead of sharing one per server. @default false */
  forceNew?: boolean;
  /** Whether sockets of one server share a Manager. @default true */
  multiplex?: boolean;
}

export const MANAGER_DEFAULTS = {
  path: "/socket.io",
  addTrailingSlash: true,
  transports: ["polling", "websocket"] as ClientTransportName[],
  upgrade: true,
  query: {} as Record<string, string>,
  extraHeaders: {} as Record<string, string>,
  withCredentials: false,
  reconnection: true,
  reconnectionAttempts: Infinity,
  reconnectionDelay: 1000,
  reconnectionDelayMax: 5000,
  randomizationFactor: 0.5,
  timeout: 20000,
  autoConnect: true,
};

export const SOCKET_DEFAULTS = {
  retries: 0,
  maxBufferedEvents: 1000,
};

/** Drops keys set to `undefined`, so they keep their defaults. */
export function defined<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}
