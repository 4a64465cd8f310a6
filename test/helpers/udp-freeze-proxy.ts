// A loopback UDP proxy that can freeze its traffic (a network partition between UDP
// clients and a server) or drop the datagrams a test picks (a lossy network). Each
// client address gets an upstream socket of its own, so that the server sees one
// peer per client. UDP has nothing to close: a dropped datagram is simply not sent.
import { createSocket, type RemoteInfo, type Socket } from "node:dgram";

/** Whether to drop a datagram; `toServer` tells its direction. */
export type DropFilter = (datagram: Buffer, toServer: boolean) => boolean;

export interface UdpFreezeProxy {
  /** The proxy's port on 127.0.0.1. */
  port: number;
  /** Drops every datagram from now on, in both directions. */
  freeze(): void;
  /** Forwards everything again. */
  thaw(): void;
  /** Drops the datagrams `filter` picks (and forwards the others) from now on. */
  drop(filter: DropFilter): void;
  close(): Promise<void>;
}

function closeSocket(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      resolve(); // already closed
    }
  });
}

/** Forwards udp://127.0.0.1:<returned port> to udp://127.0.0.1:`targetPort`. */
export async function startUdpFreezeProxy(targetPort: number): Promise<UdpFreezeProxy> {
  const front = createSocket("udp4");
  const upstreams = new Map<string, Socket>();
  let filter: DropFilter | undefined;
  front.on("error", () => undefined);
  front.on("message", (datagram: Buffer, client: RemoteInfo) => {
    if (filter?.(datagram, true) === true) return;
    const key = `${client.address}|${client.port}`;
    let upstream = upstreams.get(key);
    if (upstream === undefined) {
      upstream = createSocket("udp4");
      upstreams.set(key, upstream);
      upstream.on("error", () => undefined);
      upstream.on("message", (answer: Buffer) => {
        if (filter?.(answer, false) !== true) front.send(answer, client.port, client.address);
      });
    }
    upstream.send(datagram, targetPort, "127.0.0.1");
  });
  await new Promise<void>((resolve) => front.bind(0, "127.0.0.1", resolve));
  return {
    port: front.address().port,
    freeze() {
      filter = () => true;
    },
    thaw() {
      filter = undefined;
    },
    drop(picked) {
      filter = picked;
    },
    async close() {
      await Promise.all([front, ...upstreams.values()].map(closeSocket));
      upstreams.clear();
    },
  };
}
