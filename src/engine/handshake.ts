// Checking a handshake request and refusing a bad one the way engine.io does: a
// 400 (403 when forbidden) with a JSON body `{ code, message }`.
import { Buffer } from "node:buffer";
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import { parse, type ParsedUrlQuery } from "node:querystring";
import type { Duplex } from "node:stream";
import type { EngineTransportName, ResolvedEngineOptions } from "./options.js";

/** engine.io's handshake error codes, which clients receive in the JSON body. */
export const HandshakeError = {
  UNKNOWN_TRANSPORT: 0,
  UNKNOWN_SID: 1,
  BAD_HANDSHAKE_METHOD: 2,
  BAD_REQUEST: 3,
  FORBIDDEN: 4,
  UNSUPPORTED_PROTOCOL_VERSION: 5,
} as const;
export type HandshakeError = (typeof HandshakeError)[keyof typeof HandshakeError];

const MESSAGES: Record<HandshakeError, string> = {
  0: "Transport unknown",
  1: "Session ID unknown",
  2: "Bad handshake method",
  3: "Bad request",
  4: "Forbidden",
  5: "Unsupported protocol version",
};

/** A request URL split into its path and its query (a null-prototype object). */
export interface RequestTarget {
  pathname: string;
  query: ParsedUrlQuery;
}

/** The path of a request URL, without its query: all that routing needs. */
export function pathnameOf(url: string | undefined): string {
  const text = url ?? "/";
  const mark = text.indexOf("?");
  return mark === -1 ? text : text.slice(0, mark);
}

/** Splits `request.url` without building a URL object. */
export function parseRequestTarget(url: string | undefined): RequestTarget {
  const text = url ?? "/";
  const mark = text.indexOf("?");
  return mark === -1
    ? { pathname: text, query: parse("") }
    : { pathname: text.slice(0, mark), query: parse(text.slice(mark + 1)) };
}

/**
 * The query of a URL as engine.io gives it to applications: a plain object, the
 * last value of a repeated key winning (Object.fromEntries keeps "__proto__" an
 * ordinary key).
 */
export function queryOf(url: string): Record<string, string> {
  const mark = url.indexOf("?");
  return mark === -1 ? {} : Object.fromEntries(new URLSearchParams(url.slice(mark + 1)));
}

/** What a request to the engine's path is, once its query passed the rules. */
export type RequestKind<S> =
  | { kind: "handshake"; transport: EngineTransportName }
  | { kind: "session"; session: S }
  | { kind: "refused"; code: HandshakeError };

/** What the rules need of a session. */
interface KnownSession {
  readonly transport: { readonly name: string };
  readonly upgrading: boolean;
}

/**
 * Checks a request against engine.io-protocol-v4.md › "Transports" and "Upgrade":
 * a new session's handshake, a request (or WebSocket upgrade) of a known session,
 * or the first rule it breaks. `isUpgrade` is true for an HTTP Upgrade request.
 */
export function classifyRequest<S extends KnownSession>(
  request: IncomingMessage,
  query: ParsedUrlQuery,
  options: ResolvedEngineOptions,
  sessions: ReadonlyMap<string, S>,
  isUpgrade: boolean,
): RequestKind<S> {
  const refused = (code: HandshakeError): RequestKind<S> => ({ kind: "refused", code });
  if (query.EIO !== "4") return refused(HandshakeError.UNSUPPORTED_PROTOCOL_VERSION);
  const { transport, sid } = query;
  if (typeof transport !== "string" || !(options.transports as readonly string[]).includes(transport)) {
    return refused(HandshakeError.UNKNOWN_TRANSPORT);
  }
  // A WebSocket comes as an Upgrade request, polling as plain requests, never the other way.
  if ((transport === "websocket") !== isUpgrade) return refused(HandshakeError.BAD_REQUEST);
  if (sid === undefined) {
    if (request.method !== "GET") return refused(HandshakeError.BAD_HANDSHAKE_METHOD);
    return { kind: "handshake", transport: transport as EngineTransportName };
  }
  const session = typeof sid === "string" ? sessions.get(sid) : undefined;
  if (session === undefined) return refused(HandshakeError.UNKNOWN_SID);
  if (isUpgrade) {
    // One WebSocket per session, and only from polling (engine.io-protocol-v4.md › "WebSocket").
    const canUpgrade = options.allowUpgrades && session.transport.name === "polling" && !session.upgrading;
    return canUpgrade && request.method === "GET" ? { kind: "session", session } : refused(HandshakeError.BAD_REQUEST);
  }
  // Requests with the sid of an upgraded session are refused: it no longer polls.
  if (session.transport.name !== transport) return refused(HandshakeError.BAD_REQUEST);
  if (request.method !== "GET" && request.method !== "POST") return refused(HandshakeError.BAD_REQUEST);
  return { kind: "session", session };
}

/** The message a refusal carries: the caller's own, or engine.io's for the code. */
export function refusalMessage(code: HandshakeError, message?: string): string {
  return message || MESSAGES[code];
}

function errorBody(code: HandshakeError, message: string | undefined): string {
  return JSON.stringify({ code, message: refusalMessage(code, message) });
}

function statusLine(code: HandshakeError): string {
  return code === HandshakeError.FORBIDDEN ? "403 Forbidden" : "400 Bad Request";
}

/** Refuses a plain HTTP request to the engine's path (with `headers`: CORS, for a browser to read it). */
export function refuseRequest(
  response: ServerResponse,
  code: HandshakeError,
  message?: string,
  headers: OutgoingHttpHeaders = {},
): void {
  const body = errorBody(code, message);
  response.writeHead(code === HandshakeError.FORBIDDEN ? 403 : 400, {
    ...headers,
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(body),
  });
  response.end(body);
}

/** Refuses an upgrade request on its raw socket, then destroys the socket. */
export function refuseUpgrade(socket: Duplex, code: HandshakeError, message?: string): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = errorBody(code, message);
  socket.end(
    `HTTP/1.1 ${statusLine(code)}\r\nConnection: close\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    () => socket.destroy(),
  );
}
