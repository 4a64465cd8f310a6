// The `cors.origin` check. Socket.IO checks it only for HTTP requests; we apply it
// to WebSocket handshakes as well, where browsers send Origin but never enforce it.
// The values mean what they mean to the `cors` package Socket.IO uses.
import type { IncomingMessage, OutgoingHttpHeaders } from "node:http";
import type { CorsOptions, CorsOrigin } from "./options.js";

type StaticOrigin = boolean | string | RegExp | readonly (string | RegExp)[];

function matches(origin: string, allowed: string | RegExp): boolean {
  return typeof allowed === "string" ? allowed === "*" || allowed === origin : allowed.test(origin);
}

/**
 * Whether `origin` passes a static setting. `true`, `"*"` and `false` (which turns
 * CORS off) let everything through; so does a request without an Origin header,
 * which comes from no browser page and so is not a cross-origin request.
 */
function isAllowed(origin: string | undefined, allowed: StaticOrigin): boolean {
  if (typeof allowed === "boolean") return true;
  if (origin === undefined) return true;
  const list: readonly (string | RegExp)[] = Array.isArray(allowed) ? allowed : [allowed as string | RegExp];
  return list.some((entry) => matches(origin, entry));
}

/**
 * Calls back whether a request from `origin` may go on. A function setting decides
 * every request, Origin header or not: it calls back `(error, allow)` where `allow`
 * is `true`/`false`, or an origin setting (string, RegExp, list) to match.
 */
export function checkOrigin(
  origin: string | undefined,
  allowed: CorsOrigin | undefined,
  callback: (allow: boolean) => void,
): void {
  if (allowed === undefined) return callback(true);
  if (typeof allowed !== "function") return callback(isAllowed(origin, allowed));
  let isDone = false;
  const done = (error: Error | null, allow?: StaticOrigin): void => {
    if (isDone) return;
    isDone = true;
    if (error !== null || allow === undefined) return callback(false);
    callback(typeof allow === "boolean" ? allow : origin !== undefined && isAllowed(origin, allow));
  };
  try {
    allowed(origin, done);
  } catch {
    done(null, false);
  }
}

const DEFAULT_METHODS = ["GET", "HEAD", "PUT", "PATCH", "POST", "DELETE"];

/**
 * The CORS headers of the answer to an allowed request (or preflight) from a
 * browser page: none without an Origin header or with `origin: false`.
 */
export function corsHeaders(request: IncomingMessage, cors: CorsOptions, isPreflight: boolean): OutgoingHttpHeaders {
  const { origin } = request.headers;
  if (origin === undefined || cors.origin === false) return {};
  const isAnyOrigin = cors.origin === undefined || cors.origin === true || cors.origin === "*";
  // "*" cannot go with credentials; a named origin makes the answer vary with the request's.
  const headers: OutgoingHttpHeaders =
    isAnyOrigin && cors.credentials !== true
      ? { "Access-Control-Allow-Origin": "*" }
      : { "Access-Control-Allow-Origin": origin, Vary: "Origin" };
  if (cors.credentials === true) headers["Access-Control-Allow-Credentials"] = "true";
  if (!isPreflight) {
    if (cors.exposedHeaders !== undefined) headers["Access-Control-Expose-Headers"] = cors.exposedHeaders.join(",");
    return headers;
  }
  headers["Access-Control-Allow-Methods"] = (cors.methods ?? DEFAULT_METHODS).join(",");
  const asked = request.headers["access-control-request-headers"];
  const allowed = cors.allowedHeaders?.join(",") ?? asked;
  if (allowed !== undefined) headers["Access-Control-Allow-Headers"] = allowed;
  if (cors.allowedHeaders === undefined && asked !== undefined) {
    headers.Vary = [headers.Vary, "Access-Control-Request-Headers"].filter(Boolean).join(", ");
  }
  if (cors.maxAge !== undefined) headers["Access-Control-Max-Age"] = String(cors.maxAge);
  return headers;
}
