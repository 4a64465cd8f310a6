// Checking a handshake request and refusing a bad one the way engine.io does: a
// 400 (403 when forbidden) with a JSON body `{ code, message }`.
import { Buffer } from "node:buffer";
import type { IncomingMessage, ServerResponse } from "node:http";
import { parse, type ParsedUrlQuery } from "node:querystring";
import type { Duplex } from "node:stream";
import type { ResolvedEngineOptions } from "./options.js";

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

/**
 * The first rule of engine.io-protocol-v4.md › "Transports" that a WebSocket
 * handshake breaks, or `undefined` when it breaks none.
 */
export function checkWebSocketHandshake(
  request: IncomingMessage,
  query: ParsedUrlQuery,
  options: ResolvedEngineOptions,
): HandshakeError | undefined {
  if (query.EIO !== "4") return HandshakeError.UNSUPPORTED_PROTOCOL_VERSION;
  const { transport } = query;
  if (typeof transport !== "string" || transport !== "websocket" || !options.transports.includes(transport)) {
    return HandshakeError.UNKNOWN_TRANSPORT;
  }
  if (request.method !== "GET") return HandshakeError.BAD_HANDSHAKE_METHOD;
  // Upgrading a polling session (a `sid` in the query) comes with the polling transport.
  if (query.sid !== undefined) return HandshakeError.UNKNOWN_SID;
  return undefined;
}

function errorBody(code: HandshakeError, message: string | undefined): string {
  return JSON.stringify({ code, message: message || MESSAGES[code] });
}

function statusLine(code: HandshakeError): string {
  return code === HandshakeError.FORBIDDEN ? "403 Forbidden" : "400 Bad Request";
}

/** Refuses a plain HTTP request to the engine's path. */
export function refuseRequest(response: ServerResponse, code: HandshakeError, message?: string): void {
  const body = errorBody(code, message);
  response.writeHead(code === HandshakeError.FORBIDDEN ? 403 : 400, {
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
