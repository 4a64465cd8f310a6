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
 * or a function that calls back `(error, allow)` with a boolean or one of those.
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

/** Cross-origin settings. Unlike Socket.IO, `origin` also applies to WebSocket handshakes. */
export interface CorsOptions {
  /** Origins allowed to connect. @default undefined (any origin) */
  origin?: CorsOrigin;
}

export interface EngineOptions {
  /** Milliseconds between two pings from the server. @default 25000 */
  pingInterval?: number;
  /** Milliseconds to wait for a pong before closing with `"ping timeout"`. @default 20000 */
  pingTimeout?: number;
  /** Largest message a peer may send, in bytes; also announced to clients as `maxPayload`. @default 1e6 */
  maxHttpBufferSize?: number;
  /** Transports accepted for a handshake. @default ["websocket"] */
  transports?: readonly EngineTransportName[];
  /** A hook that accepts or refuses each handshake. @default undefined (accept all) */
  allowRequest?: AllowRequest | undefined;
  /** Cross-origin settings; `origin` is enforced on WebSocket handshakes too. @default undefined (any origin) */
  cors?: CorsOptions | undefined;
  /**
   * Most bytes a peer may leave unread (written in earlier turns of the event loop,
   * not yet taken by its connection). Sending more to it disconnects it with reason
   * `"slow consumer"`. A burst within one turn, or one large message, is not held
   * against a peer that keeps up. @default 8388608 (8 MiB)
   */
  maxBufferedBytes?: number;
}

/** Engine options with every default applied. */
export type ResolvedEngineOptions = Readonly<
  Required<Omit<EngineOptions, "allowRequest" | "cors">> & Pick<EngineOptions, "allowRequest" | "cors">
>;

export const ENGINE_DEFAULTS = Object.freeze({
  pingInterval: 25_000,
  pingTimeout: 20_000,
  maxHttpBufferSize: 1e6,
  transports: Object.freeze(["websocket"]) as readonly EngineTransportName[],
  allowRequest: undefined,
  cors: undefined,
  maxBufferedBytes: 8 * 1024 * 1024,
}) satisfies Required<EngineOptions>;

const SUPPORTED_TRANSPORTS: readonly string[] = ["websocket"];
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

/** Applies the defaults and validates every engine option. */
export function resolveEngineOptions(options: EngineOptions = {}): ResolvedEngineOptions {
  const resolved = { ...ENGINE_DEFAULTS, ...definedOnly(options) };
  checkInteger(resolved, "pingInterval", 1, MAX_TIMER_MS);
  checkInteger(resolved, "pingTimeout", 1, MAX_TIMER_MS);
  checkInteger(resolved, "maxHttpBufferSize", 1);
  checkInteger(resolved, "maxBufferedBytes", 1);
  const { allowRequest, cors } = resolved;
  const transports: unknown = resolved.transports;
  if (
    !Array.isArray(transports) ||
    transports.length === 0 ||
    transports.some((name) => !SUPPORTED_TRANSPORTS.includes(name as string))
  ) {
    throw invalidOption("transports", `a non-empty list of ${SUPPORTED_TRANSPORTS.join(", ")}`, transports);
  }
  if (allowRequest !== undefined && typeof allowRequest !== "function") {
    throw invalidOption("allowRequest", "a function", allowRequest);
  }
  if (cors !== undefined && (typeof cors !== "object" || cors === null)) {
    throw invalidOption("cors", "an object", cors);
  }
  // A stateful RegExp would answer yes and no in turn for the same origin.
  const origins = [cors?.origin].flat();
  if (origins.some((entry) => entry instanceof RegExp && (entry.global || entry.sticky))) {
    throw invalidOption("cors.origin", "RegExps without the g or y flag", cors?.origin);
  }
  return Object.freeze({ ...resolved, transports: Object.freeze([...(transports as EngineTransportName[])]) });
}
