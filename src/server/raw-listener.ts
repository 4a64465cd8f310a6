// Listeners without HTTP: `tcp://host:port`, `tls://host:port`, `ipc:///path` (a
// Unix domain socket) and `udp://host:port`. Each accepted connection (each new
// UDP peer) becomes an Engine.IO session, in the same namespaces and rooms as
// every other client.
import { createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from "node:net";
import { createServer as createTlsServer, type TlsOptions } from "node:tls";
import { ArgumentError, ErrorCode } from "../errors.js";
import type { EngineServer, StreamFraming, StreamTransportName } from "../engine/engine-server.js";
import { checkInteger } from "../engine/options.js";
import { listenDatagrams, type DatagramListenOptions } from "./datagram-listener.js";

/** How a stream listener may read its peers (`mode`). */
export const LISTENER_MODES = ["engine.io", "line", "raw", "sized"] as const;

/** The transports of raw listeners, by URL scheme. */
export type RawTransportName = StreamTransportName | "udp";

/** A listener URL: `tcp://host:port`, `tls://host:port`, `udp://host:port` (host may be empty or `[v6]`), `ipc:///path`. */
export type RawListenUrl = `${RawTransportName}://${string}`;

/**
 * A raw listener's settings: how it reads its peers (`mode`, `maxMessageBytes`:
 * see {@link StreamFraming}), for `tls://` Node's `tls.createServer` options
 * (`key`, `cert`, `ca`, `requestCert`, …), and for `udp://` its datagram limits.
 */
export type RawListenOptions = TlsOptions & Partial<StreamFraming> & DatagramListenOptions;

/** A raw listener, as `io.listen(url)` resolves it. */
export interface RawListener {
  /** The URL it listens on, with the port it got (for `:0`). */
  readonly url: string;
  readonly transport: RawTransportName;
  /**
   * Stops accepting connections (UDP: open requests); sessions already open go on
   * until the server closes them. Resolves once they are gone.
   */
  close(): Promise<void>;
}

/** Where a raw listener listens. */
export type ListenTarget =
  { transport: "tcp" | "tls" | "udp"; host: string | undefined; port: number } | { transport: "ipc"; path: string };

/** Reads a listener URL. @throws ArgumentError for anything else. */
export function parseListenUrl(url: string): ListenTarget {
  const ipc = /^ipc:\/\/(\/.+)$/.exec(url);
  if (ipc !== null) return { transport: "ipc", path: ipc[1]! };
  const match = /^(tcp|tls|udp):\/\/(\[[0-9a-fA-F:.]+\]|[^:/[\]]*):(\d{1,5})\/?$/.exec(url);
  const port = Number(match?.[3]);
  if (match === null || port > 65535) {
    throw new ArgumentError(
      ErrorCode.ARGUMENT_INVALID,
      `cannot listen on "${url}": expected tcp://host:port, tls://host:port, udp://host:port or ipc:///path`,
    );
  }
  const host = match[2]!.replace(/^\[|\]$/g, "");
  return { transport: match[1] as "tcp" | "tls" | "udp", host: host === "" ? undefined : host, port };
}

function urlOf(target: ListenTarget, server: NetServer): string {
  if (target.transport === "ipc") return `ipc://${target.path}`;
  const { address, port } = server.address() as AddressInfo;
  return `${target.transport}://${address.includes(":") ? `[${address}]` : address}:${port}`;
}

/**
 * Listens on `url` and opens a session of `engine` for each accepted connection
 * (each new UDP peer); resolves once listening, rejects when the address cannot be
 * taken (in use, no permission).
 */
export function listenRaw(
  url: string,
  options: RawListenOptions,
  engine: Pick<EngineServer, "handleStream" | "handleDatagrams">,
): Promise<RawListener> {
  const target = parseListenUrl(url);
  const {
    mode = "engine.io",
    maxMessageBytes,
    invalidUtf8,
    maxDatagramBytes,
    maxNewSessionsPerSecond,
    ...tlsOptions
  } = options;
  if (target.transport === "udp") {
    if (maxMessageBytes !== undefined || invalidUtf8 !== undefined) {
      throw new ArgumentError(
        ErrorCode.OPTION_INVALID,
        "maxMessageBytes and invalidUtf8 are for tcp://, tls:// and ipc://",
      );
    }
    return listenDatagrams(target, options, engine);
  }
  const { transport } = target;
  // A peer's message is held whole before it is handed on: this bound must be a number.
  if (maxMessageBytes !== undefined) checkInteger(options, "maxMessageBytes", 1);
  if (invalidUtf8 !== undefined && invalidUtf8 !== "close" && invalidUtf8 !== "replace") {
    throw new ArgumentError(
      ErrorCode.OPTION_INVALID,
      `invalidUtf8 must be "close" or "replace", got ${String(invalidUtf8)}`,
    );
  }
  if (maxDatagramBytes !== undefined || maxNewSessionsPerSecond !== undefined) {
    throw new ArgumentError(ErrorCode.OPTION_INVALID, `maxDatagramBytes and maxNewSessionsPerSecond are for udp://`);
  }
  const onConnection = (socket: Socket, name: StreamTransportName, framing: StreamFraming): void =>
    engine.handleStream(socket, name, framing);
  if (!(LISTENER_MODES as readonly string[]).includes(mode)) {
    throw new ArgumentError(
      ErrorCode.OPTION_INVALID,
      `mode must be "engine.io", "line", "raw" or "sized", got ${String(mode)}`,
    );
  }
  const framing: StreamFraming = { mode, maxMessageBytes, invalidUtf8 };
  // Connections still in their TLS handshake, by peer address: no session yet, so
  // nothing else closes them, and close() would wait for them (up to handshakeTimeout, 120 s).
  const handshaking = new Map<string, Socket>();
  const peerOf = (socket: Socket): string => `${socket.remoteAddress}|${socket.remotePort}`;
  const server =
    transport === "tls"
      ? createTlsServer(tlsOptions, (socket) => {
          handshaking.delete(peerOf(socket));
          onConnection(socket, transport, framing);
        })
      : createNetServer((socket) => onConnection(socket, transport, framing));
  if (transport === "tls") {
    // A failed TLS handshake concerns that peer only.
    server.on("tlsClientError", (_error: Error, socket: Socket) => socket.destroy());
    server.on("connection", (raw: Socket) => {
      const peer = peerOf(raw);
      handshaking.set(peer, raw);
      raw.once("close", () => {
        if (handshaking.get(peer) === raw) handshaking.delete(peer);
      });
    });
  }
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    const onListening = (): void => {
      server.off("error", reject);
      resolve({
        url: urlOf(target, server),
        transport,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            for (const raw of handshaking.values()) raw.destroy();
          }),
      });
    };
    if (target.transport === "ipc") server.listen(target.path, onListening);
    else server.listen(target.port, target.host, onListening);
  });
}
