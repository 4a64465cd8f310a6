// The `cors.origin` check. Socket.IO checks it only for HTTP requests; we apply it
// to WebSocket handshakes as well, where browsers send Origin but never enforce it.
import type { CorsOrigin } from "./options.js";

function matches(origin: string, allowed: string | RegExp): boolean {
  return typeof allowed === "string" ? allowed === "*" || allowed === origin : allowed.test(origin);
}

/**
 * Calls back whether a request from `origin` may go on. A request without an
 * Origin header comes from no browser page, so it is not a cross-origin request.
 */
export function checkOrigin(
  origin: string | undefined,
  allowed: CorsOrigin | undefined,
  callback: (allow: boolean) => void,
): void {
  if (allowed === undefined || allowed === true) return callback(true);
  if (allowed === false) return callback(false);
  if (typeof allowed === "function") {
    let isDone = false;
    const done = (error: Error | null, allow?: boolean): void => {
      if (isDone) return;
      isDone = true;
      callback(error === null && allow === true);
    };
    try {
      allowed(origin, done);
    } catch {
      done(null, false);
    }
    return;
  }
  if (origin === undefined) return callback(true);
  const list = Array.isArray(allowed) ? (allowed as readonly (string | RegExp)[]) : [allowed as string | RegExp];
  callback(list.some((entry) => matches(origin, entry)));
}
