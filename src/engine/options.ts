// The Engine.IO layer's options: the interface, the defaults and the resolver in
// one place. Defaults equal engine.io's wherever engine.io has one.
import type { IncomingMessage } from "node:http";
import { ArgumentError, ErrorCode } from "../errors.js";
import type { TransportName } from "../transports/transport.js";

/** Transports a browser-facing engine can offer. */
export type EngineTransportName = Extract<TransportName, "websocket" | "polling">;

/** Decides whether a handshake may go on: call back `(null, true)` to accept, `(message, false)` to refuse. */
export type AllowRequest = (
  request: IncomingMessage,
  callback: (error: string | null | undefined, success: boolean) => void,
) => void;

/**
 * The origins allowed: a string, a RegExp, a list of either, `true` or `"*"` for any,
 * `false` for no check, or a function that calls back `(error, allow)` with a
 * boolean or one of those.
 */
export type CorsOrigin =
  | boolean
  | string
  | RegExp
  | readonly (string | RegExp)[]
  | ((
      origin: string | undefined,
      callback: (error: Error | null, allow?: boolean | string | RegExp | readonly (string | RegExp)[]) => void,
    ) => void);

/** Cross-origin settings, read as the `cors` package reads them. */
export interface CorsOptions {
  /** Origins allowed; enforced on WebSocket handshakes and polling requests alike. @default "*" */
  origin?: CorsOrigin;
  /** Whether browsers may send cookies and credentials (`Access-Control-Allow-Credentials`). @default false */
  credentials?: boolean;
  /** Methods a preflight allows. @default ["GET", "HEAD", "PUT", "PATCH", "POST", "DELETE"] */
  methods?: readonly string[];
  /** Request headers a preflight allows; by default those the browser asks for. @default undefined */
  allowedHeaders?: readonly string[] | undefined;
  /** Response headers a page may read. @default undefined */
  exposedHeaders?: readonly string[] | undefined;
  /** Seconds a browser may cache a preflight answer. @default undefined */
  maxAge?: number | undefined;
}

/** The cookie that pins a client to one node behind a load balancer (sticky sessions). */
export interface CookieOptions {
  /** @default "io" */
  name?: string;
  /** @default "/" */
  path?: string;
  /** @default true */
  httpOnly?: boolean;
  /** @default "lax" */
  sameSite?: "strict" | "lax" | "none";
  /** @default false */
  secure?: boolean;
  /** Seconds until it expires; a session cookie when unset. @default undefined */
  maxAge?: number | undefined;
  /** @default undefined */
  domain?: string | undefined;
}

export interface EngineOptions {
  /** The path the engine answers on; clients must use the same. @default "/engine.io" */
  path?: string;
  /** Whether the path also answers with a trailing slash added (`/engine.io/`), as clients send it. @default true */
  addTrailingSlash?: boolean;
  /** Milliseconds between two pings from the server. @default 25000 */
  pingInterval?: number;
  /** Milliseconds to wait for a pong before closing with `"ping timeout"`. @default 20000 */
  pingTimeout?: number;
  /** Largest message, or polling request body, a peer may send, in bytes; announced as `maxPayload`. @default 1e6 */
  maxHttpBufferSize?: number;
  /** Most packets one polling request body may carry. @default 256 */
  maxPayloadPackets?: number;
  /** Transports accepted for a handshake. @default ["polling", "websocket"] */
  transports?: readonly EngineTransportName[];
  /** Whether a polling session may upgrade to WebSocket. @default true */
  allowUpgrades?: boolean;
  /** Milliseconds an upgrade may take from the WebSocket handshake to the `upgrade` packet. @default 10000 */
  upgradeTimeout?: number;
  /** Gzip or deflate polling responses of at least `threshold` bytes, when the client accepts it. @default { threshold: 1024 } */
  httpCompression?: boolean | { threshold?: number };
  /** Send a cookie with the session id on the handshake, for sticky sessions; `true` for the defaults. @default false */
  cookie?: boolean | CookieOptions;
  /** A hook that accepts or refuses each handshake. @default undefined (accept all) */
  allowRequest?: AllowRequest | undefined;
  /** Cross-origin settings; enforced on WebSocket handshakes too. @default undefined (any origin, no CORS headers) */
  cors?: CorsOptions | undefined;
  /**
   * Whether `handshake.address` comes from `X-Forwarded-For`: `true` takes its first
   * (leftmost) address, a number N trusts N proxies and takes the address N hops
   * back. Only set it behind a proxy that sets the header. @default false
   */
  trustProxy?: boolean | number;
  /**
   * Most bytes a peer may leave unread (written in earlier turns of the event loop,
   * not yet taken by its connection). Sending more to it disconnects it with reason
   * `"slow consumer"`. A burst within one turn, or one large message, is not held
   * against a peer that keeps up. @default 8388608 (8 MiB)
   */
  maxBufferedBytes?: number;
}

/** Engine options with every default applied; `httpCompression` and `cookie` in their full form or `false`. */
export type ResolvedEngineOptions = Readonly<
  Required<Omit<EngineOptions, "allowRequest" | "cors" | "httpCompression" | "cookie">> &
    Pick<EngineOptions, "allowRequest" | "cors"> & {
      httpCompression: false | { threshold: number };
      cookie: false | Readonly<CookieOptions & Required<Pick<CookieOptions, "name" | "path">>>;
    }
>;

export const ENGINE_DEFAULTS = Object.freeze({
  path: "/engine.io",
  addTrailingSlash: true,
  pingInterval: 25_000,
  pingTimeout: 20_000,
  maxHttpBufferSize: 1e6,
  maxPayloadPackets: 256,
  transports: Object.freeze(["polling", "websocket"]) as readonly EngineTransportName[],
  allowUpgrades: true,
  upgradeTimeout: 10_000,
  httpCompression: Object.freeze({ threshold: 1024 }) as boolean | { threshold?: number },
  cookie: false as boolean | CookieOptions,
  allowRequest: undefined,
  cors: undefined,
  trustProxy: false as boolean | number,
  maxBufferedBytes: 8 * 1024 * 1024,
}) satisfies Required<EngineOptions>;

const SUPPORTED_TRANSPORTS: readonly string[] = ["polling", "websocket"];
const COOKIE_DEFAULTS = { name: "io", path: "/", httpOnly: true, sameSite: "lax" } as const;
// setTimeout's limit; a longer interval would fire at once.
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Throws the `ArgumentError` every resolver uses for a bad option. */
export function invalidOption(name: string, expected: string, value: unknown): ArgumentError {
  const shown = typeof value === "string" ? JSON.stringify(value) : String(value);
  return new ArgumentError(ErrorCode.OPTION_INVALID, `\`${name}\` must be ${expected}, got ${shown}`);
}

/** Checks that `options[name]` is an integer in [min, max]. */
export function checkInteger(options: object, name: string, min: number, max = Number.MAX_SAFE_INTEGER): void {
  const value = (options as Record<string, unknown>)[name];
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw invalidOption(name, `an integer from ${min} to ${max}`, value);
  }
}

/** Drops keys whose value is `undefined`, so they cannot wipe out a default. */
export function definedOnly<T extends object>(options: T): Partial<T> {
  const result: Partial<T> = {};
  for (const key of Object.keys(options) as (keyof T)[]) {
    if (options[key] !== undefined) result[key] = options[key];
  }
  return result;
}

function checkBoolean(options: object, name: string): void {
  const value = (options as Record<string, unknown>)[name];
  if (typeof value !== "boolean") throw invalidOption(name, "a boolean", value);
}

function resolveCompression(value: unknown): false | { threshold: number } {
  if (value === false) return false;
  if (value === true) return { threshold: 1024 };
  if (typeof value === "object" && value !== null) {
    const resolved = { threshold: 1024, ...definedOnly(value as { threshold?: number }) };
    checkInteger(resolved, "threshold", 0);
    return Object.freeze(resolved);
  }
  throw invalidOption("httpCompression", "a boolean or { threshold }", value);
}

function resolveCookie(value: unknown): ResolvedEngineOptions["cookie"] {
  if (value === false) return false;
  if (value === true) return COOKIE_DEFAULTS;
  if (typeof value !== "object" || value === null) throw invalidOption("cookie", "a boolean or cookie options", value);
  const cookie = { ...COOKIE_DEFAULTS, ...definedOnly(value as CookieOptions) };
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(cookie.name))
    throw invalidOption("cookie.name", "a cookie token", cookie.name);
  if (!["strict", "lax", "none"].includes(cookie.sameSite)) {
    throw invalidOption("cookie.sameSite", '"strict", "lax" or "none"', cookie.sameSite);
  }
  for (const field of ["path", "domain"] as const) {
    const text = cookie[field];
    if (text !== undefined && (typeof text !== "string" || /[;\r\n]/.test(text))) {
      throw invalidOption(`cookie.${field}`, "a string without ; or line breaks", text);
    }
  }
  if (cookie.maxAge !== undefined) checkInteger(cookie, "maxAge", 0);
  return Object.freeze(cookie);
}

function checkCors(cors: unknown): void {
  if (cors === undefined) return;
  if (typeof cors !== "object" || cors === null) throw invalidOption("cors", "an object", cors);
  const { origin, maxAge } = cors as CorsOptions;
  // A stateful RegExp would answer yes and no in turn for the same origin.
  if ([origin].flat().some((entry) => entry instanceof RegExp && (entry.global || entry.sticky))) {
    throw invalidOption("cors.origin", "RegExps without the g or y flag", origin);
  }
  if (maxAge !== undefined) checkInteger(cors, "maxAge", 0);
}

/** Applies the defaults and validates every engine option. */
export function resolveEngineOptions(options: EngineOptions = {}): ResolvedEngineOptions {
  const resolved = { ...ENGINE_DEFAULTS, ...definedOnly(options) };
  if (typeof resolved.path !== "string" || !resolved.path.startsWith("/")) {
    throw invalidOption("path", 'a string starting with "/"', resolved.path);
  }
  checkBoolean(resolved, "addTrailingSlash");
  checkBoolean(resolved, "allowUpgrades");
  checkInteger(resolved, "pingInterval", 1, MAX_TIMER_MS);
  checkInteger(resolved, "pingTimeout", 1, MAX_TIMER_MS);
  checkInteger(resolved, "upgradeTimeout", 1, MAX_TIMER_MS);
  checkInteger(resolved, "maxHttpBufferSize", 1);
  checkInteger(resolved, "maxPayloadPackets", 1);
  checkInteger(resolved, "maxBufferedBytes", 1);
  const transports: unknown = resolved.transports;
  if (
    !Array.isArray(transports) ||
    transports.length === 0 ||
    transports.some((name) => !SUPPORTED_TRANSPORTS.includes(name as string))
  ) {
    throw invalidOption("transports", `a non-empty list of ${SUPPORTED_TRANSPORTS.join(", ")}`, transports);
  }
  if (resolved.allowRequest !== undefined && typeof resolved.allowRequest !== "function") {
    throw invalidOption("allowRequest", "a function", resolved.allowRequest);
  }
  checkCors(resolved.cors);
  const { trustProxy } = resolved;
  if (typeof trustProxy !== "boolean" && !(Number.isInteger(trustProxy) && trustProxy >= 0)) {
    throw invalidOption("trustProxy", "a boolean or a number of proxies", trustProxy);
  }
  return Object.freeze({
    ...resolved,
    transports: Object.freeze([...(transports as EngineTransportName[])]),
    httpCompression: resolveCompression(resolved.httpCompression),
    cookie: resolveCookie(resolved.cookie),
  });
}

/** The path requests must have: `path` with one trailing slash, or exactly `path`. */
export function enginePath(options: Pick<ResolvedEngineOptions, "path" | "addTrailingSlash">): string {
  const base = options.path.replace(/\/+$/, "");
  return options.addTrailingSlash ? `${base}/` : base || "/";
}
