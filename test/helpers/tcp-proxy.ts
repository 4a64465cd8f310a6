// A loopback TCP proxy that can freeze its traffic: a network partition between a
// client and a server, without either side closing anything.
import { createServer, connect, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";

export interface TcpProxy {
  /** The proxy's port on 127.0.0.1. */
  port: number;
  /** Stops forwarding in both directions, for new connections too; nothing is closed. */
  freeze(): void;
  close(): Promise<void>;
}

/** Forwards 127.0.0.1:<returned port> to 127.0.0.1:`targetPort`. */
export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.on("error", () => socket.destroy());
    socket.on("close", () => sockets.delete(socket));
  };
  let isFrozen = false;
  const server: Server = createServer((downstream) => {
    track(downstream);
    if (isFrozen) {
      // Connections made during the partition go nowhere either (polling clients open new ones).
      downstream.pause();
      return;
    }
    const upstream = connect(targetPort, "127.0.0.1");
    track(upstream);
    downstream.pipe(upstream);
    upstream.pipe(downstream);
    downstream.on("close", () => upstream.destroy());
    upstream.on("close", () => downstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    freeze() {
      isFrozen = true;
      for (const socket of sockets) {
        socket.unpipe();
        socket.pause();
      }
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
