// The dashboard's namespace: the password, the live snapshot, the disconnect button.
import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import { io, type ConnectError, type Socket } from "../../src/client/node.js";
import type { AdminSnapshot } from "../../src/demo/admin.js";
import type { DemoServer } from "../../src/demo/index.js";
import { chatUser, closeDemos, get, namedTerminal, once, say, startTestDemo, until } from "./helpers.js";

const admins: Socket[] = [];
afterEach(async () => {
  for (const admin of admins.splice(0)) admin.io.close();
  await closeDemos();
});

function admin(demo: DemoServer, password: unknown): Socket {
  const socket = io(`${demo.url}/admin`, {
    forceNew: true,
    reconnection: false,
    transports: ["websocket"],
    auth: { password },
  });
  admins.push(socket);
  return socket;
}

/** Resolves with the first snapshot pushed that satisfies `predicate` (one comes every second). */
function snapshotWhere(
  socket: Socket,
  predicate: (stats: AdminSnapshot) => boolean,
  timeoutMs = 4000,
): Promise<AdminSnapshot> {
  return new Promise((resolve, reject) => {
    let last: AdminSnapshot | undefined;
    const timer = setTimeout(() => {
      socket.off("stats", listener);
      reject(new Error(`no matching snapshot within ${timeoutMs} ms; last: ${JSON.stringify(last?.connections)}`));
    }, timeoutMs);
    const listener = (stats: AdminSnapshot): void => {
      last = stats;
      if (!predicate(stats)) return;
      clearTimeout(timer);
      socket.off("stats", listener);
      resolve(stats);
    };
    socket.on("stats", listener);
  });
}

describe("demo dashboard", { timeout: 20_000 }, () => {
  it("refuses a wrong password (or none) with a connect_error", async () => {
    const demo = await startTestDemo({ adminPassword: "s3cret" });
    for (const password of ["wrong", undefined, 42, "s3cret "]) {
      const [error] = await once<[ConnectError]>(admin(demo, password), "connect_error", 3000);
      assert.equal(error.message, "wrong password");
    }
    const page = await get(demo, "/admin");
    assert.equal(page.status, 200);
    assert.match(page.body, /id="login-form"/);
  });

  it("locks out an address after repeated wrong passwords", async () => {
    const demo = await startTestDemo({ adminPassword: "s3cret" });
    const messages: string[] = [];
    for (let n = 0; n < 6; n++) {
      const [error] = await once<[ConnectError]>(admin(demo, "guess"), "connect_error", 3000);
      messages.push(error.message);
    }
    assert.deepEqual(messages.slice(4), ["wrong password", "too many wrong passwords: wait a minute"]);
    const [error] = await once<[ConnectError]>(admin(demo, "s3cret"), "connect_error", 3000);
    assert.equal(error.message, "too many wrong passwords: wait a minute");
  });

  it("locks out again after the minute: an expired lockout counts anew, it does not open the door", async () => {
    const demo = await startTestDemo({ adminPassword: "s3cret" });
    const guess = async (): Promise<string> =>
      (await once<[ConnectError]>(admin(demo, "guess"), "connect_error", 3000))[0].message;
    for (let n = 0; n < 5; n++) await guess();
    assert.equal(await guess(), "too many wrong passwords: wait a minute");
    const realNow = Date.now;
    const skew = 61_000; // the server runs in this process: its clock moves with ours
    Date.now = () => realNow() + skew;
    try {
      const messages: string[] = [];
      for (let n = 0; n < 6; n++) messages.push(await guess());
      assert.deepEqual(messages, [
        ...Array<string>(5).fill("wrong password"),
        "too many wrong passwords: wait a minute",
      ]);
    } finally {
      Date.now = realNow;
    }
  });

  it("reads visitors' addresses from X-Forwarded-For with trustProxy: one visitor's lockout is not another's", async () => {
    const demo = await startTestDemo({ adminPassword: "s3cret", trustProxy: 1 });
    const from = (address: string, password: string): Socket => {
      const socket = io(`${demo.url}/admin`, {
        forceNew: true,
        reconnection: false,
        transports: ["websocket"],
        auth: { password },
        extraHeaders: { "x-forwarded-for": address },
      });
      admins.push(socket);
      return socket;
    };
    for (let n = 0; n < 6; n++) await once(from("203.0.113.7", "guess"), "connect_error", 3000);
    const [locked] = await once<[ConnectError]>(from("203.0.113.7", "s3cret"), "connect_error", 3000);
    assert.equal(locked.message, "too many wrong passwords: wait a minute");
    await once(from("198.51.100.9", "s3cret"), "connect", 3000); // another visitor behind the same proxy
  });

  it("pushes live counts by transport and namespace, rooms, rates and the socket list", async () => {
    const demo = await startTestDemo({ adminPassword: "s3cret" });
    const ana = await chatUser(demo, { nick: "ana" });
    await chatUser(demo, { nick: "pol", room: "polling" }, { transports: ["polling"] });
    await namedTerminal(demo, "tom");
    const dashboard = admin(demo, "s3cret");
    await once(dashboard, "connect", 3000);
    // A quiet second first (the welcomes and join notices counted before it), then one message:
    // the seconds after hold exactly its receipt and its one delivery (tom; pol is elsewhere).
    const quiet = await snapshotWhere(dashboard, (snapshot) => {
      const last = snapshot.rates.at(-1);
      return last !== undefined && last.in === 0 && last.out === 0;
    });
    const quietSecond = quiet.rates.at(-1)!.t;
    await say(ana, "counted");
    const since = (snapshot: AdminSnapshot): { in: number; out: number } =>
      snapshot.rates
        .filter((rate) => rate.t > quietSecond)
        .reduce((sum, rate) => ({ in: sum.in + rate.in, out: sum.out + rate.out }), { in: 0, out: 0 });
    const stats = await snapshotWhere(
      dashboard,
      (snapshot) => snapshot.connections.total === 4 && since(snapshot).in > 0,
    );
    assert.deepEqual(since(stats), { in: 1, out: 1 }, "one message in, relayed to one other member");
    assert.deepEqual(stats.connections.byTransport, { websocket: 2, polling: 1, tcp: 1, tls: 0, ipc: 0, udp: 0 });
    assert.deepEqual(stats.connections.byNamespace, { "/": 3, "/admin": 1 });
    assert.deepEqual(
      stats.rooms.sort((a, b) => a.name.localeCompare(b.name)),
      [
        { name: "general", count: 2 },
        { name: "polling", count: 1 },
      ],
    );
    const rows = stats.sockets.map(({ nick, transport, rooms }) => [nick, transport, rooms.join()]).sort();
    assert.deepEqual(rows, [
      ["ana", "websocket", "general"],
      ["pol", "polling", "polling"],
      ["tom", "tcp", "general"],
    ]);
    assert.ok(stats.sockets.every((socket) => socket.address.includes("127.0.0.1")));
    assert.ok(stats.process.memory.rss > 0 && stats.process.memory.heapUsed > 0);
    assert.equal(typeof stats.process.eventLoop.p99, "number");
  });

  it("disconnects a socket on request, telling it why", async () => {
    const demo = await startTestDemo({ adminPassword: "s3cret" });
    const bob = await chatUser(demo, { nick: "bob" });
    const tom = await namedTerminal(demo, "tom");
    const dashboard = admin(demo, "s3cret");
    await once(dashboard, "connect", 3000);
    const gone = once<[string]>(bob.socket, "disconnect", 3000);
    assert.deepEqual(await dashboard.timeout(2000).emitWithAck("kick", bob.socket.id), { ok: true });
    assert.equal((await gone)[0], "io server disconnect");
    assert.ok(
      bob.events<{ text: string }>("notice").some((notice) => notice.text === "disconnected by an administrator"),
    );

    const stats = await snapshotWhere(dashboard, (snapshot) => snapshot.sockets.length === 1);
    const tomId = stats.sockets[0]!.id;
    assert.deepEqual(await dashboard.timeout(2000).emitWithAck("kick", tomId), { ok: true });
    await tom.waitFor("* disconnected by an administrator");
    await tom.closed;
    assert.deepEqual(await dashboard.timeout(2000).emitWithAck("kick", "nobody"), {
      ok: false,
      error: "no such socket",
    });
    assert.deepEqual(await dashboard.timeout(2000).emitWithAck("kick", { id: 1 }), {
      ok: false,
      error: "no such socket",
    });
    await until(() => demo.io.sockets.sockets.size === 0);
  });

  it("is disabled without a password: a 403 page, and the namespace refuses everyone", async () => {
    const demo = await startTestDemo();
    const page = await get(demo, "/admin");
    assert.equal(page.status, 403);
    assert.match(page.body, /ENCHUFE_ADMIN_PASSWORD/);
    const [error] = await once<[ConnectError]>(admin(demo, "anything"), "connect_error", 3000);
    assert.match(error.message, /disabled/);
  });
});
