// Listeners without HTTP: `tcp://host:port`, `tls://host:port` and `ipc:///path`
// (a Unix domain socket). Each accepted connection becomes an Engine.IO session on
// the stream transport, in the same namespaces and rooms as every other client.
import { createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from "node:net";
import { createServer as createTlsServer, type TlsOptions } from "node:tls";
import { ArgumentError, ErrorCode } from "../errors.js";
import type { StreamFraming, StreamTransportName } from "../engine/engine-server.js";

/** A listener URL: `tcp://host:port`, `tls://host:port` (host may be empty or `[v6]`), `ipc:///path`. */
export type RawListenUrl = `${StreamTransportName}://${string}`;

/**
 * A raw listener's settings: how it reads its peers (`mode`, `maxMessageBytes`:
 * see {@link StreamFraming}) and, for `tls://`, Node's `tls.createServer` options
 * (`key`, `cert`, `ca`, `requestCert`, …).
 */
export type RawListenOptions = TlsOptions & Partial<StreamFraming>;

/** A raw listener, as `io.listen(url)` resolves it. */
export interface RawListener {
  /** The URL it listens on, with the port it got (for `:0`). */
  readonly url: string;
  readonly transport: StreamTransportName;
  /** Stops accepting connections; sessions already open go on until the server closes them. */
  close(): Promise<void>;
}

type Target = { transport: "tcp" | "tls"; host: string | undefined; port: number } | { transport: "ipc"; path: string };

/** Reads a listener URL. @throws ArgumentError for anything else. */
export function parseListenUrl(url: string): Target {
  const ipc = /^ipc:\/\/(\/.+)$/.exec(url);
  if (ipc !== null) return { transport: "ipc", path: ipc[1]! };
  const match = /^(tcp|tls):\/\/(\[[0-9a-fA-F:.]+\]|[^:/[\]]*):(\d{1,5})\/?$/.exec(url);
  const port = Number(match?.[3]);
  if (match === null || port > 65535) {
    throw new ArgumentError(
      ErrorCode.ARGUMENT_INVALID,
      `cannot listen on "${url}": expected tcp://host:port, tls://host:port or ipc:///path`,
    );
  }
  const host = match[2]!.replace(/^\[|\]$/g, "");
  return { transport: match[1] as "tcp" | "tls", host: host === "" ? undefined : host, port };
}

function urlOf(target: Target, server: NetServer): string {
  if (target.transport === "ipc") return `ipc://${target.path}`;
  const { address, port } = server.address() as AddressInfo;
  return `${target.transport}://${address.includes(":") ? `[${address}]` : address}:${port}`;
}

/**
 * Listens on `url` and hands each accepted connection to `onConnection`; resolves
 * once listening, rejects when the address cannot be taken (in use, no permission).
 */
export function listenRaw(
  url: string,
  options: RawListenOptions,
  onConnection: (socket: Socket, transport: StreamTransportName, framing: StreamFraming) => void,
): Promise<RawListener> {
  const target = parseListenUrl(url);
  const { transport } = target;
  const { mode = "engine.io", maxMessageBytes, ...tlsOptions } = options;
  if (!["engine.io", "line", "raw", "sized"].includes(mode)) {
    throw new ArgumentError(
      ErrorCode.OPTION_INVALID,
      `mode must be "engine.io", "line", "raw" or "sized", got ${String(mode)}`,
    );
  }
  const framing: StreamFraming = { mode, maxMessageBytes };
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
