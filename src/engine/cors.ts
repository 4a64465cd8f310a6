// The `cors.origin` check. Socket.IO checks it only for HTTP requests; we apply it
// to WebSocket handshakes as well, where browsers send Origin but never enforce it.
// The values mean what they mean to the `cors` package Socket.IO uses.
import type { CorsOrigin } from "./options.js";

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
