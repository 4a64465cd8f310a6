// A loopback UDP proxy between clients and a `udp://` server that loses datagrams
// on purpose: each direction drops a fraction of them, decided by its own seeded
// generator (so a run can be replayed: the n-th datagram of a direction meets the
// n-th draw), and may also duplicate or delay (reorder) them. It can be frozen to
// drop everything, a network partition, and thawed; and it can drop the datagrams
// a test picks by their bytes (a filter). Bounded: at most `maxFlows` client
// addresses (one upstream socket each) and `maxHeld` delayed datagrams.
import { createSocket, type RemoteInfo, type Socket as DgramSocket } from "node:dgram";
import { seededRandom } from "../../src/protocol/protocol.test-support.js";

export type Direction = "toServer" | "toClient";

/** Whether to drop a datagram; `toServer` tells its direction. */
export type DropFilter = (datagram: Buffer, toServer: boolean) => boolean;

/** What happens to the datagrams of one direction; every fraction is from 0 to 1. */
export interface DirectionFaults {
  /** Fraction dropped (each datagram drawn independently). @default 0 */
  loss?: number;
  /**
   * At most this many drops in a row: a datagram drawn to be dropped after as many is
   * sent instead (loss without bursts; the rate falls to about loss / (1 + loss) for 1).
   * @default Infinity
   */
  maxBurst?: number;
  /** The datagrams of this direction dropped whatever the draw, by index from 0 (scripted losses). */
  dropIndexes?: readonly number[];
  /** Fraction (of those not dropped) sent twice. @default 0 */
  duplicate?: number;
  /** Fraction (of those not dropped) held back `reorderDelayMs`, so that later ones pass them. @default 0 */
  reorder?: number;
}

export interface UdpProxyOptions {
  /** The server, on the loopback. */
  target: { host?: string; port: number };
  /** Seeds the generators: `seed` for datagrams to the server, `seed + 1` for those to clients. @default 1 */
  seed?: number;
  toServer?: DirectionFaults;
  toClient?: DirectionFaults;
  /** How long a reordered datagram is held back. @default 30 */
  reorderDelayMs?: number;
  /** Client addresses served at most; datagrams of others are dropped. @default 16 */
  maxFlows?: number;
  /** Delayed datagrams held at most; past it, reordering ones are dropped. @default 256 */
  maxHeld?: number;
}

export interface DirectionStats {
  forwarded: number;
  dropped: number;
  duplicated: number;
  reordered: number;
}

export interface UdpProxy {
  /** The proxy's port on 127.0.0.1 (clients connect here). */
  readonly port: number;
  /** `udp://127.0.0.1:<port>` */
  readonly url: string;
  readonly stats: Readonly<Record<Direction, DirectionStats>>;
  /** Client addresses seen (each has its own upstream socket, so the server sees one peer each). */
  readonly flows: number;
  /** Changes the faults of one direction from now on (the generators go on where they were). */
  setFaults(direction: Direction, faults: DirectionFaults): void;
  /** Drops every datagram both ways (without drawing from the generators) until thaw(). */
  freeze(): void;
  thaw(): void;
  /**
   * Drops the datagrams `filter` picks from now on (without drawing from the generators,
   * as frozen ones), the others meeting the faults as before; `undefined` drops none again.
   */
  drop(filter: DropFilter | undefined): void;
  /** Closes every socket and drops what was held back; resolves once closed. */
  close(): Promise<void>;
}

interface Flow {
  client: RemoteInfo;
  upstream: DgramSocket;
}

class Lane {
  readonly stats: DirectionStats = { forwarded: 0, dropped: 0, duplicated: 0, reordered: 0 };
  faults: Required<DirectionFaults>;
  readonly #random: () => number;
  #burst = 0;
  #count = 0;

  constructor(seed: number, faults: DirectionFaults = {}) {
    this.#random = seededRandom(seed);
    this.faults = { loss: 0, maxBurst: Infinity, dropIndexes: [], duplicate: 0, reorder: 0, ...faults };
  }

  /** How many copies to send now and later: three draws per datagram, whatever the outcome (frozen: none). */
  decide(): { now: number; later: number } {
    const dropRoll = this.#random();
    const duplicateRoll = this.#random();
    const reorderRoll = this.#random();
    const index = this.#count++;
    if (this.faults.dropIndexes.includes(index)) {
      this.stats.dropped++;
      return { now: 0, later: 0 };
    }
    if (dropRoll < this.faults.loss && this.#burst < this.faults.maxBurst) {
      this.#burst++;
      this.stats.dropped++;
      return { now: 0, later: 0 };
    }
    this.#burst = 0;
    const copies = duplicateRoll < this.faults.duplicate ? 2 : 1;
    if (copies === 2) this.stats.duplicated++;
    this.stats.forwarded++;
    if (reorderRoll < this.faults.reorder) {
      this.stats.reordered++;
      return { now: 0, later: copies };
    }
    return { now: copies, later: 0 };
  }
}

async function bound(socket: DgramSocket): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(0, "127.0.0.1", () => {
      socket.off("error", reject);
      resolve();
    });
  });
  socket.on("error", () => undefined); // ICMP unreachable and the like: UDP promised nothing
}

/** Starts a proxy on 127.0.0.1 in front of `options.target`. */
export async function startUdpProxy(options: UdpProxyOptions): Promise<UdpProxy> {
  const { target, seed = 1, reorderDelayMs = 30, maxFlows = 16, maxHeld = 256 } = options;
  const targetHost = target.host ?? "127.0.0.1";
  const lanes: Record<Direction, Lane> = {
    toServer: new Lane(seed, options.toServer),
    toClient: new Lane(seed + 1, options.toClient),
  };
  const front = createSocket("udp4");
  await bound(front);
  const flows = new Map<string, Flow>();
  const held = new Set<ReturnType<typeof setTimeout>>();
  let isFrozen = false;
  let isClosed = false;
  let dropFilter: DropFilter | undefined;

  const pass = (lane: Lane, datagram: Buffer, send: () => void): void => {
    if (isFrozen || isClosed || dropFilter?.(datagram, lane === lanes.toServer) === true) {
      lane.stats.dropped++;
      return;
    }
    const { now, later } = lane.decide();
    for (let i = 0; i < now; i++) send();
    if (later === 0) return;
    if (held.size >= maxHeld) {
      lane.stats.dropped++;
      return;
    }
    const timer = setTimeout(() => {
      held.delete(timer);
      if (isClosed) return;
      for (let i = 0; i < later; i++) send();
    }, reorderDelayMs);
    held.add(timer);
  };

  const flowOf = (client: RemoteInfo): Flow | undefined => {
    const key = `${client.address}|${client.port}`;
    let flow = flows.get(key);
    if (flow !== undefined || flows.size >= maxFlows) return flow;
    const upstream = createSocket("udp4");
    flow = { client, upstream };
    flows.set(key, flow);
    upstream.on("error", () => undefined);
    upstream.on("message", (datagram: Buffer) => {
      pass(lanes.toClient, datagram, () => {
        if (!isClosed) front.send(datagram, client.port, client.address);
      });
    });
    // Bound at once (synchronously queued): a datagram sent before the bind completes waits for it.
    upstream.bind(0, "127.0.0.1");
    return flow;
  };

  front.on("message", (datagram: Buffer, client: RemoteInfo) => {
    const flow = flowOf(client);
    if (flow === undefined) return;
    pass(lanes.toServer, datagram, () => {
      if (!isClosed) flow.upstream.send(datagram, target.port, targetHost);
    });
  });

  const port = front.address().port;
  let closed: Promise<void> | undefined;
  return {
    port,
    url: `udp://127.0.0.1:${port}`,
    stats: { toServer: lanes.toServer.stats, toClient: lanes.toClient.stats },
    get flows() {
      return flows.size;
    },
    setFaults(direction, faults) {
      lanes[direction].faults = { ...lanes[direction].faults, ...faults };
    },
    freeze() {
      isFrozen = true;
    },
    thaw() {
      isFrozen = false;
    },
    drop(filter) {
      dropFilter = filter;
    },
    close() {
      closed ??= (async () => {
        isClosed = true;
        for (const timer of held) clearTimeout(timer);
        held.clear();
        const sockets = [front, ...[...flows.values()].map((flow) => flow.upstream)];
        flows.clear();
        await Promise.all(
          sockets.map(
            (socket) =>
              new Promise<void>((resolve) => {
                try {
                  socket.close(() => resolve());
                } catch {
                  resolve(); // already closed
                }
              }),
          ),
        );
      })();
      return closed;
    },
  };
}
