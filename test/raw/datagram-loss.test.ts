// The enchufe client over `udp://` through a proxy that loses datagrams on purpose
// (test/helpers/udp-proxy.ts, seeded): the handshake and the CONNECT are resent until
// answered, the heartbeat's pings are resent until a datagram comes back, acks
// time out or resolve (never both), at-least-once emits (`retries`) get through,
// and a partition ends in "ping timeout" and a reconnection once it heals.
//
// Two loss models: independent drops (each datagram drawn alone: bursts happen),
// for what holds whatever the pattern; and drops without bursts (`maxBurst: 1`, at
// about the same rate), for what the protocol promises only then: over independent
// 20% loss each way, a ping round trip fails 36% of the time, and the ~4 attempts
// that fit in one pingTimeout all fail about 1% of the time (a session's life is
// then a matter of luck over enough rounds); 4 tries of an emit all fail 1.7% of the time.
import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import { io as connectClient, type ClientOptions, type Socket as ClientSocket } from "../../src/client/node.js";
import type { ServerOptions, Socket } from "../../src/index.js";
import type { RawListener } from "../../src/server/raw-listener.js";
import { delay, once, until } from "../helpers/peers.js";
import { cleanupStreamPeers, rawServer } from "../helpers/stream-peer.js";
import { startUdpProxy, type DirectionFaults, type UdpProxy, type UdpProxyOptions } from "../helpers/udp-proxy.js";

const clients: ClientSocket[] = [];
const proxies: UdpProxy[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) {
    client.disconnect();
    client.io.close();
  }
  await Promise.all(proxies.splice(0).map((proxy) => proxy.close()));
  await cleanupStreamPeers();
});

/** Independent drops of 20% each way. */
const LOSSY = { loss: 0.2 } as const;
/** Drops of 25% drawn, never two in a row: about 20% dropped, without bursts. */
const LOSSY_NO_BURSTS = { loss: 0.25, maxBurst: 1 } as const;

/** The same faults in both directions, as proxy options. */
function bothWays(faults: DirectionFaults): Pick<UdpProxyOptions, "toServer" | "toClient"> {
  return { toServer: faults, toClient: faults };
}

/** Sets the same faults in both directions from now on. */
function setFaultsBothWays(proxy: UdpProxy, faults: DirectionFaults): void {
  for (const direction of ["toServer", "toClient"] as const) proxy.setFaults(direction, faults);
}

interface Setup {
  io: ReturnType<typeof rawServer>;
  listener: RawListener;
  proxy: UdpProxy;
  client: ClientSocket;
  /** Server-side sockets, in the order they connected. */
  sockets: Socket[];
}

/** A server on UDP, a proxy before it, and an enchufe client through the proxy (not awaited). */
async function setup(
  serverOptions: ServerOptions,
  proxyOptions: Omit<UdpProxyOptions, "target">,
  clientOptions: ClientOptions = {},
): Promise<Setup> {
  const io = rawServer(serverOptions);
  const sockets: Socket[] = [];
  io.on("connection", (socket) => void sockets.push(socket));
  const listener = await io.listen("udp://127.0.0.1:0");
  const port = Number(/:(\d+)$/.exec(listener.url)![1]);
  const proxy = await startUdpProxy({ target: { port }, ...proxyOptions });
  proxies.push(proxy);
  const client = connectClient(proxy.url, { forceNew: true, reconnection: false, ...clientOptions });
  clients.push(client);
  return { io, listener, proxy, client, sockets };
}

function record(target: { on(event: string, listener: (...args: unknown[]) => void): unknown }, event: string) {
  const seen: unknown[][] = [];
  target.on(event, (...args: unknown[]) => seen.push(args));
  return seen;
}

describe("udp through a lossy proxy", () => {
  it("resends the open request and the CONNECT until answered, and joins once", async () => {
    // Scripted drops: the first open request, the first open answer, the first CONNECT answer.
    const startedAt = Date.now();
    const { client, proxy, sockets } = await setup(
      { pingInterval: 10_000, pingTimeout: 5000 },
      { toServer: { dropIndexes: [0] }, toClient: { dropIndexes: [0, 2] } },
    );
    await once(client, "connect", 5000);
    const elapsed = Date.now() - startedAt;
    // Open requests at 0, 250 and 750 ms (the third answered), the CONNECT at ~750 and ~1250.
    assert.ok(elapsed >= 1100, `connected after ${elapsed} ms: the resends must have been needed`);
    assert.equal(proxy.stats.toServer.dropped, 1);
    assert.equal(proxy.stats.toClient.dropped, 2);
    await delay(100);
    assert.equal(sockets.length, 1, "a resent CONNECT opens no second socket");
    assert.equal(sockets[0]!.id, client.id);
    assert.equal(sockets[0]!.conn.transport.name, "udp");
    assert.equal(client.io.engine?.transport.name, "udp");
  });

  it("connects through 20% independent loss each way", async () => {
    const { client, proxy, sockets } = await setup(
      { pingInterval: 10_000, pingTimeout: 5000 },
      { seed: 11, ...bothWays(LOSSY) },
    );
    await once(client, "connect", 8000);
    await delay(100);
    assert.equal(sockets.length, 1);
    assert.equal(sockets[0]!.id, client.id);
    // Open request, its answer, the noop, the CONNECT and its answer at least.
    assert.ok(proxy.stats.toServer.forwarded >= 3 && proxy.stats.toClient.forwarded >= 2);
  });

  it("keeps the session through many heartbeat rounds at 20% loss each way without bursts", async () => {
    // Short, with some margin: a busy event loop must not pass for a lost pong.
    const { client, proxy, sockets } = await setup(
      { pingInterval: 250, pingTimeout: 500 },
      { seed: 5, ...bothWays(LOSSY_NO_BURSTS) },
    );
    await once(client, "connect", 8000);
    const [socket] = sockets;
    assert.ok(socket !== undefined);
    const clientDisconnects = record(client, "disconnect");
    const serverDisconnects = record(socket, "disconnect");
    const engineId = client.io.engine?.id;
    const before = { ...proxy.stats.toClient };
    await delay(2500); // ten rounds
    const state = JSON.stringify({ clientDisconnects, serverDisconnects, stats: proxy.stats });
    assert.deepEqual(clientDisconnects, [], state);
    assert.deepEqual(serverDisconnects, [], state);
    assert.ok(client.connected && socket.connected);
    assert.equal(client.io.engine?.id, engineId, "the same session throughout");
    const pings = proxy.stats.toClient.forwarded + proxy.stats.toClient.dropped - before.forwarded - before.dropped;
    assert.ok(pings >= 10, `${pings} pings in ten rounds`);
    assert.ok(proxy.stats.toClient.dropped > before.dropped, "pings were lost, and the session lived on");
    assert.ok(proxy.stats.toServer.dropped > 0, "pongs were lost too");
  });

  it("settles every timed ack once: acked events were delivered, and lost ones time out", async () => {
    const { client, proxy, sockets } = await setup({ pingInterval: 10_000, pingTimeout: 5000 }, { seed: 23 });
    const delivered: number[] = [];
    await once(client, "connect", 3000);
    sockets[0]!.on("count", (value: number, ack: (value: number) => void) => {
      delivered.push(value);
      ack(value * 2);
    });
    setFaultsBothWays(proxy, LOSSY);
    const acked = new Map<number, number>();
    const timedOut = new Set<number>();
    let settledTwice = 0;
    for (let i = 0; i < 200; i++) {
      client.timeout(1000).emit("count", i, (error: Error | null, answer?: number) => {
        if (acked.has(i) || timedOut.has(i)) settledTwice++;
        if (error === null) acked.set(i, answer!);
        else timedOut.add(i);
      });
    }
    await until(() => acked.size + timedOut.size === 200, 4000);
    await delay(100);
    assert.equal(settledTwice, 0);
    for (const [value, answer] of acked) assert.equal(answer, value * 2);
    const deliveredSet = new Set(delivered);
    assert.equal(deliveredSet.size, delivered.length, "no duplicates without duplication");
    for (const value of acked.keys()) assert.ok(deliveredSet.has(value), `${value} was acked, so delivered`);
    assert.ok(delivered.length >= acked.size);
    // 20% each way: about 160 delivered, about 128 acked. Both losses must have happened.
    assert.ok(delivered.length < 200 && delivered.length > 100, `${delivered.length} delivered`);
    assert.ok(acked.size < delivered.length, `${acked.size} acked of ${delivered.length} delivered`);
    assert.ok(timedOut.size > 0 && timedOut.size === 200 - acked.size);
    assert.ok(client.connected, "losses cost events, not the session");
  });

  it("gets every at-least-once emit (retries: 3) acknowledged at 20% loss each way without bursts", async () => {
    const { client, proxy, sockets } = await setup(
      { pingInterval: 10_000, pingTimeout: 5000 },
      { seed: 99 },
      { retries: 3, ackTimeout: 150 },
    );
    await once(client, "connect", 3000);
    const deliveries: number[] = [];
    sockets[0]!.on("job", (value: number, ack: (value: string) => void) => {
      deliveries.push(value);
      ack(`done ${value}`);
    });
    setFaultsBothWays(proxy, LOSSY_NO_BURSTS);
    const results = new Map<number, unknown[]>();
    for (let i = 0; i < 30; i++) {
      client.emit("job", i, (...args: unknown[]) => void results.set(i, args));
    }
    await until(() => results.size === 30, 10_000);
    for (let i = 0; i < 30; i++) assert.deepEqual(results.get(i), [null, `done ${i}`], `job ${i}`);
    assert.deepEqual(
      [...new Set(deliveries)].sort((a, b) => a - b),
      [...Array(30).keys()],
    );
    // At least once: an emit whose ack was lost is delivered again.
    assert.ok(deliveries.length >= 30);
    assert.ok(proxy.stats.toServer.dropped > 0 && proxy.stats.toClient.dropped > 0, "losses happened");
  });

  it("acknowledges each emit once through duplicated and reordered datagrams", async () => {
    const faults = { duplicate: 0.5, reorder: 0.3 };
    const { client, proxy, sockets } = await setup(
      { pingInterval: 10_000, pingTimeout: 5000 },
      { seed: 3, ...bothWays(faults), reorderDelayMs: 15 },
    );
    await once(client, "connect", 3000);
    assert.equal(sockets.length, 1, "a duplicated CONNECT opens one socket");
    const deliveries: number[] = [];
    sockets[0]!.on("dup", (value: number, ack: (value: number) => void) => {
      deliveries.push(value);
      ack(value);
    });
    const answers: number[] = [];
    for (let i = 0; i < 50; i++) {
      client.timeout(2000).emit("dup", i, (error: Error | null, value?: number) => {
        assert.equal(error, null);
        answers.push(value!);
      });
    }
    await until(() => answers.length === 50, 3000);
    await delay(100);
    assert.equal(answers.length, 50, "one callback per emit, whatever came twice");
    assert.deepEqual(
      [...answers].sort((a, b) => a - b),
      [...Array(50).keys()],
    );
    assert.equal(new Set(deliveries).size, 50);
    // UDP promises neither order nor once: a duplicated datagram is an event delivered twice.
    assert.ok(proxy.stats.toServer.duplicated > 0 && proxy.stats.toServer.reordered > 0);
    assert.ok(deliveries.length > 50, `${deliveries.length} deliveries of 50 emits`);
  });

  it("tells the server of a client's disconnect at once (no ping timeout needed)", async () => {
    const { client, sockets } = await setup({ pingInterval: 10_000, pingTimeout: 5000 }, {});
    await once(client, "connect", 3000);
    const disconnected = once<[string]>(sockets[0]!, "disconnect", 1000);
    client.disconnect();
    assert.equal((await disconnected)[0], "client namespace disconnect");
  });

  it("ends in ping timeout when the path freezes, and reconnects to a new session once it thaws", async () => {
    const { io, client, proxy, sockets } = await setup(
      { pingInterval: 200, pingTimeout: 400 },
      {},
      { reconnection: true, reconnectionDelay: 100, reconnectionDelayMax: 200, randomizationFactor: 0, timeout: 800 },
    );
    await once(client, "connect", 3000);
    const first = sockets[0]!;
    const firstEngineId = client.io.engine?.id;
    const serverSide = once<[string]>(first, "disconnect", 3000);
    const clientSide = once<[string]>(client, "disconnect", 3000);
    proxy.freeze();
    assert.equal((await clientSide)[0], "ping timeout");
    assert.equal((await serverSide)[0], "ping timeout");
    await delay(300); // a reconnection attempt or two, lost in the partition
    assert.equal(client.connected, false);
    assert.equal(sockets.length, 1);
    const reconnected = once(client, "connect", 5000);
    proxy.thaw();
    await reconnected;
    assert.equal(sockets.length, 2);
    const second = sockets[1]!;
    assert.notEqual(second.id, first.id);
    assert.equal(second.id, client.id);
    assert.notEqual(client.io.engine?.id, firstEngineId, "a new Engine.IO session");
    assert.ok(proxy.flows >= 2, "from a new client port");
    await until(() => io.engine.clientsCount === 1, 2000);
    const echoed = once<[string]>(second, "hello", 2000);
    client.emit("hello", "again");
    assert.deepEqual(await echoed, ["again"]);
  });
});
