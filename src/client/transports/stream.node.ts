// The client side of the stream transports (Node only): TCP, TLS and Unix sockets,
// in the frames of protocol/stream-frame.ts (docs/protocol.md). The server speaks
// first with its `open` packet; there is no HTTP, so no query, headers or upgrade.
import { connect as connectNet, isIP, type Socket } from "node:net";
import { connect as connectTls, type ConnectionOptions } from "node:tls";
import { decodeEnginePacket, encodeEnginePacket, type EnginePacket } from "../../protocol/engine-packet.js";
import { encodeStreamFrame, StreamFrameDecoder } from "../../protocol/stream-frame.js";
import { ConnectionClientTransport } from "./connection-transport.js";
import { MAX_SERVER_MESSAGE_BYTES } from "./transport.js";

type StreamName = "tcp" | "tls" | "ipc";

/** Host and port of `tcp://host:port` or `tls://host:port`, or the path of `ipc:///path`. */
function targetOf(url: string): { host: string; port: number } | { path: string } {
  const parsed = new URL(url);
  if (parsed.protocol === "ipc:") return { path: decodeURIComponent(parsed.pathname) };
  return { host: parsed.hostname.replace(/^\[|\]$/g, ""), port: Number(parsed.port) };
}

/** The name TLS checks the certificate against: the host, unless it is an IP address (SNI takes names only). */
function serverNameOf(target: { host: string } | { path: string }): string | undefined {
  return "host" in target && isIP(target.host) === 0 ? target.host : undefined;
}

abstract class StreamClientTransport extends ConnectionClientTransport {
  abstract override readonly name: StreamName;
  readonly #decoder = new StreamFrameDecoder(MAX_SERVER_MESSAGE_BYTES);
  #socket: Socket | undefined;

  open(): void {
    const target = targetOf(this.settings.url(this.name));
    const tls = { ...this.settings.tls } as ConnectionOptions; // Buffers are the Uint8Arrays it holds
    const socket =
      this.name === "tls"
        ? connectTls({ ...tls, ...target, servername: tls.servername ?? serverNameOf(target) })
        : connectNet(target as { host: string; port: number } & { path: string });
    this.#socket = socket;
    socket.setNoDelay?.(true);
    socket.once(this.name === "tls" ? "secureConnect" : "connect", () => this.opened());
    socket.on("data", (chunk: Uint8Array) => {
      let packets: EnginePacket[];
      try {
        packets = this.#decoder.push(chunk).map(decodeEnginePacket);
      } catch (error) {
        return this.end("transport error", error as Error);
      }
      for (const packet of packets) this.owner?.onTransportPacket(packet);
    });
    socket.on("end", () => {
      try {
        this.#decoder.end();
      } catch (error) {
        return this.end("transport error", error as Error);
      }
      this.end("transport close");
    });
    socket.on("close", () => this.end("transport close"));
    socket.on("error", (error: Error) => this.end("transport error", error));
  }

  send(packets: readonly EnginePacket[]): void {
    const socket = this.#socket;
    if (socket === undefined) return;
    socket.cork();
    for (const packet of packets) socket.write(encodeStreamFrame(encodeEnginePacket(packet)));
    socket.uncork();
    this.drained();
  }

  protected closeConnection(graceful: boolean): void {
    if (graceful)
      this.#socket?.end(); // what was written goes out first
    else this.#socket?.destroy();
  }
}

export class TcpClientTransport extends StreamClientTransport {
  readonly name = "tcp";
}

export class TlsClientTransport extends StreamClientTransport {
  readonly name = "tls";
}

export class IpcClientTransport extends StreamClientTransport {
  readonly name = "ipc";
}
