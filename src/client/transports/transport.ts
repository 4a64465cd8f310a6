// What the client's Engine.IO socket needs of a transport: it moves Engine.IO
// packets to and from one server and says when it can write again. Transports
// know nothing of sessions, heartbeats or Socket.IO.
import type { EnginePacket } from "../../protocol/engine-packet.js";

/**
 * Largest message the client takes from a server in Node: a stream frame (its
 * length is read before its payload is held) or a polling answer. 64 MiB.
 */
export const MAX_SERVER_MESSAGE_BYTES = 64 * 1024 * 1024;

export type ClientTransportName = "polling" | "websocket" | "tcp" | "tls" | "ipc" | "udp";

/** Why a transport ended, in Socket.IO's words. */
export type ClientTransportCloseReason = "transport close" | "transport error";

/** Who hears from a transport: the Engine.IO socket, or an upgrade probe. */
export interface ClientTransportOwner {
  onTransportOpen(): void;
  onTransportPacket(packet: EnginePacket): void;
  /** The transport ended by itself (not by `close()`); called once. */
  onTransportClose(reason: ClientTransportCloseReason, description?: Error): void;
  /** A write finished: the transport is writable again. */
  onTransportDrain(): void;
}

/** Settings every client transport reads. */
export interface ClientTransportSettings {
  /** The URL of the next request (the session id once known), with `http:`/`https:` scheme. */
  url: (transport: ClientTransportName) => string;
  /** Headers for every request (Node only: browsers do not let pages set them on a WebSocket). */
  extraHeaders: Readonly<Record<string, string>>;
  /** Whether cookies travel cross-origin (browsers) or are kept at all (Node's cookie jar). */
  withCredentials: boolean;
  /** Node's cookie jar, when `withCredentials` is on. */
  cookies: CookieStore | undefined;
  /** Node: TLS settings for `wss://`, `https://` WebSocket upgrades and `tls://` (`ca`, `cert`, `key`, `rejectUnauthorized`, …). */
  tls: TlsSettings;
}

/** Node's TLS client settings the client passes on; `rejectUnauthorized` stays on unless turned off. */
export interface TlsSettings {
  ca?: string | Uint8Array | (string | Uint8Array)[];
  cert?: string | Uint8Array;
  key?: string | Uint8Array;
  passphrase?: string;
  servername?: string;
  rejectUnauthorized?: boolean;
}

/** The cookies a Node client keeps for its server, for load balancers' sticky sessions. */
export interface CookieStore {
  header(): string | undefined;
  store(setCookie: readonly string[]): void;
}

/** One transport of one connection attempt. */
export interface ClientTransport {
  readonly name: ClientTransportName;
  owner: ClientTransportOwner | undefined;
  /** Whether `send()` may be called now. */
  readonly writable: boolean;
  /** False when packets may be lost or come out of order (UDP); absent means both are promised. */
  readonly reliable?: boolean;
  /** Whether a Socket.IO packet's payloads can be sent at all (one UDP datagram); absent means always. */
  fits?(payloads: readonly (string | Uint8Array)[]): boolean;
  open(): void;
  send(packets: readonly EnginePacket[]): void;
  /** Stops reading (for an upgrade) and calls back once no request is in flight. */
  pause(onPaused: () => void): void;
  /** Ends the transport without telling its owner. */
  close(): void;
}

/** The headers of a request to the server: `extraHeaders`, and the cookies Node's jar keeps. */
export function requestHeaders(settings: ClientTransportSettings): Record<string, string> {
  const headers: Record<string, string> = { ...settings.extraHeaders };
  const cookie = settings.cookies?.header();
  if (cookie !== undefined) headers.cookie = cookie;
  return headers;
}
