// The URLs a client connects to, shared by `connect()` and `enchufe connect`: which
// schemes enchufe's Node client speaks, and what a scheme says about transports.

/** `scheme://…` with a scheme the Node client speaks. */
const CLIENT_URL = /^(https?|wss?|tcp|tls|ipc|udp):\/\//i;

/** Whether `url` parses and names a scheme enchufe's Node client connects to. */
export function isClientUrl(url: string): boolean {
  return CLIENT_URL.test(url) && URL.canParse(url);
}

/** `ws://` and `wss://` mean WebSocket alone; `http(s)://` leaves Socket.IO's default (polling, then the upgrade). */
export function transportsOf(url: string): { transports: ["websocket"] } | Record<never, never> {
  return /^wss?:/i.test(url) ? { transports: ["websocket"] } : {};
}
