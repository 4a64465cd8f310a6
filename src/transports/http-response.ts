// Writing the answers of the polling transport: payloads (compressed when worth it
// and accepted) and refusals.
import { Buffer } from "node:buffer";
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import { deflate, gzip } from "node:zlib";

type Encoding = "gzip" | "deflate";

/** The compression the client accepts, gzip first, read from Accept-Encoding with its q-values. */
export function acceptedEncoding(request: IncomingMessage): Encoding | undefined {
  const header = request.headers["accept-encoding"];
  if (header === undefined) return undefined;
  const weights = new Map<string, number>();
  for (const part of header.split(",")) {
    const [name = "", ...parameters] = part.split(";").map((piece) => piece.trim());
    const q = parameters.find((parameter) => parameter.startsWith("q="));
    weights.set(name.toLowerCase(), q === undefined ? 1 : Number(q.slice(2)) || 0);
  }
  for (const encoding of ["gzip", "deflate"] as const) {
    if ((weights.get(encoding) ?? weights.get("*") ?? 0) > 0) return encoding;
  }
  return undefined;
}

/**
 * Answers a GET with a polling payload. Bodies of at least `threshold` bytes are
 * compressed when the client accepts it (`threshold` false: never).
 */
export function sendPayload(
  request: IncomingMessage,
  response: ServerResponse,
  payload: string,
  headers: OutgoingHttpHeaders,
  threshold: number | false,
): void {
  const body = Buffer.from(payload);
  const all: OutgoingHttpHeaders = {
    ...headers,
    "Content-Type": "text/plain; charset=UTF-8",
    "Cache-Control": "no-store",
  };
  const encoding = threshold !== false && body.length >= threshold ? acceptedEncoding(request) : undefined;
  if (encoding === undefined) {
    response.writeHead(200, { ...all, "Content-Length": body.length }).end(body);
    return;
  }
  (encoding === "gzip" ? gzip : deflate)(body, (error, compressed) => {
    if (response.destroyed) return;
    if (error !== null) {
      response.writeHead(200, { ...all, "Content-Length": body.length }).end(body);
    } else {
      response.writeHead(200, { ...all, "Content-Encoding": encoding, "Content-Length": compressed.length });
      response.end(compressed);
    }
  });
}

/** Answers "ok" to a POST whose packets were all taken. */
export function sendOk(response: ServerResponse, headers: OutgoingHttpHeaders): void {
  // text/html, not text/plain: some user agents offer to download a text/plain "ok" (engine.io GH-43).
  response.writeHead(200, { ...headers, "Content-Type": "text/html", "Content-Length": 2 }).end("ok");
}

/**
 * Refuses a request with `status`. With `isBodyUnread`, the connection is closed
 * once the answer is out, so the rest of the body is never read.
 */
export function refuse(
  request: IncomingMessage,
  response: ServerResponse,
  status: 400 | 413,
  headers: OutgoingHttpHeaders,
  isBodyUnread = false,
): void {
  if (response.headersSent) return;
  response.writeHead(status, isBodyUnread ? { ...headers, Connection: "close" } : headers);
  response.end(() => {
    if (isBodyUnread) request.destroy();
  });
}
