// Ending a stream connection on the server's side: what was written goes first,
// then our FIN; a peer that never closes its side would otherwise hold the socket
// (and `io.close()`) forever, so it is dropped after a grace period.
import type { Socket } from "node:net";

/** How long a closed stream waits for the peer to close its side before dropping the connection. */
export const CLOSE_GRACE_MS = 2000;

const ending = new WeakSet<Socket>();

/** Ends `socket` gracefully, once; destroys it if the peer has not closed within {@link CLOSE_GRACE_MS}. */
export function endSocket(socket: Socket): void {
  socket.end();
  if (socket.destroyed || ending.has(socket)) return;
  ending.add(socket);
  const timer = setTimeout(() => socket.destroy(), CLOSE_GRACE_MS).unref();
  socket.once("close", () => clearTimeout(timer));
}
