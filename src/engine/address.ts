// The client's address, as `handshake.address` reports it. X-Forwarded-For is set
// by clients as easily as by proxies, so it counts only when `trustProxy` says so.
import type { IncomingMessage } from "node:http";
import { isIP } from "node:net";

/**
 * The address of the client that sent `request`: the socket's peer, or with
 * `trustProxy` an address from X-Forwarded-For (`true`: the leftmost; N: the one
 * N hops back, counting the socket's peer as the first proxy).
 */
export function clientAddress(request: IncomingMessage, trustProxy: boolean | number): string {
  const peer = request.socket.remoteAddress ?? "";
  const header = request.headers["x-forwarded-for"];
  if (trustProxy === false || trustProxy === 0 || typeof header !== "string") return peer;
  const hops = header
    .split(",")
    .map((hop) => hop.trim())
    .filter((hop) => isIP(hop) !== 0);
  if (hops.length === 0) return peer;
  if (trustProxy === true) return hops[0]!;
  const nearestFirst = [peer, ...hops.reverse()];
  return nearestFirst[Math.min(trustProxy, nearestFirst.length - 1)]!;
}
