// The `cookie` option: a Set-Cookie header with the session id on the handshake,
// which load balancers use to send a client's next requests to the same node.
import type { ResolvedEngineOptions } from "./options.js";

/** The Set-Cookie value for session `id`; the options were validated when resolved. */
export function sessionCookie(id: string, cookie: Exclude<ResolvedEngineOptions["cookie"], false>): string {
  let text = `${cookie.name}=${encodeURIComponent(id)}; Path=${cookie.path}`;
  if (cookie.domain !== undefined) text += `; Domain=${cookie.domain}`;
  if (cookie.maxAge !== undefined) text += `; Max-Age=${cookie.maxAge}`;
  if (cookie.httpOnly === true) text += "; HttpOnly";
  if (cookie.secure === true || cookie.sameSite === "none") text += "; Secure"; // browsers drop SameSite=None without it
  if (cookie.sameSite !== undefined)
    text += `; SameSite=${cookie.sameSite[0]!.toUpperCase()}${cookie.sameSite.slice(1)}`;
  return text;
}
