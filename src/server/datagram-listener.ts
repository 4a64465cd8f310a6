// `udp://host:port`: one UDP socket whose peers each get an Engine.IO session on
// the datagram transport (docs/protocol.md › "Datagrams").
import { createSocket, type Socket as DgramSocket } from "node:dgram";
import { isIP } from "node:net";
import type { EngineServer } from "../engine/engine-server.js";
import { checkInteger } from "../engine/options.js";
import { ArgumentError, ErrorCode } from "../errors.js";
import { DEFAULT_MAX_DATAGRAM_BYTES, MAX_UDP_PAYLOAD, MIN_OPEN_REQUEST_BYTES } from "../protocol/datagram.js";
import type { RawListener } from "./raw-listener.js";

/** Sessions a UDP listener opens per second at most, by default; other open requests are dropped. */
export const DEFAULT_MAX_NEW_SESSIONS_PER_SECOND = 200;

/** The settings of a `udp://` listener. */
export interface DatagramListenOptions {
  /**
   * Largest datagram sent or taken, in bytes. An emit to a UDP client that does not
   * fit throws; a broadcast skips that client (with a process warning). Above about
   * 1200, datagrams may be fragmented by IP on the way, and lost more often.
   * @default 1200
   */
  maxDatagramBytes?: number | undefined;
  /** Most sessions opened per second; further open requests are dropped (clients retry). @default 200 */
  maxNewSessionsPerSecond?: number | undefined;
}

/** `options[name]`, checked to be an integer from `min` to `max`; `fallback` when unset. */
function integerOption(
  options: DatagramListenOptions,
  name: keyof DatagramListenOptions,
  fallback: number,
  min: number,
  max: number,
): number {
  const value = options[name];
  if (value === undefined) return fallback;
  checkInteger(options, name, min, max);
  return value;
}

function urlOf(socket: DgramSocket): string {
  const { address, port } = socket.address();
  return `udp://${address.includes(":") ? `[${address}]` : address}:${port}`;
}

/** Listens on `target`; resolves once bound, rejects when the address cannot be taken. */
export function listenDatagrams(
  target: { host: string | undefined; port: number },
  options: DatagramListenOptions & { mode?: string | undefined },
  engine: Pick<EngineServer, "handleDatagrams">,
): Promise<RawListener> {
  if (options.mode !== undefined && options.mode !== "engine.io") {
    throw new ArgumentError(
      ErrorCode.OPTION_INVALID,
      `udp:// carries Engine.IO packets only, not mode "${options.mode}"`,
    );
  }
  const maxDatagramBytes = integerOption(
    options,
    "maxDatagramBytes",
    DEFAULT_MAX_DATAGRAM_BYTES,
    MIN_OPEN_REQUEST_BYTES,
    MAX_UDP_PAYLOAD,
  );
  const maxNewSessionsPerSecond = integerOption(
    options,
    "maxNewSessionsPerSecond",
    DEFAULT_MAX_NEW_SESSIONS_PER_SECOND,
    1,
    1_000_000,
  );
  const { host } = target;
  const socket = createSocket(host !== undefined && isIP(host) === 6 ? "udp6" : "udp4");
  const endpoint = engine.handleDatagrams(socket, { maxDatagramBytes, maxNewSessionsPerSecond });
  return new Promise((resolve, reject) => {
    const fail = (error: Error): void => {
      socket.close(); // the descriptor opened for the bind would leak
      reject(error);
    };
    socket.once("error", fail);
    socket.bind(target.port, host, () => {
      socket.off("error", fail);
      // After binding, errors concern single datagrams (ICMP unreachable and the like).
      socket.on("error", () => undefined);
      let closed: Promise<void> | undefined;
      resolve({
        url: urlOf(socket),
        transport: "udp",
        close: () =>
          (closed ??= new Promise<void>((done) => {
            endpoint.stopAccepting(() => socket.close(() => done()));
          })),
      });
    });
  });
}
