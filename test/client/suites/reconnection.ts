// Reconnection after the server drops the connection (the Manager's events, a new
// socket id, auth run again) and the offline buffer: emits made before the first
// connect or during a reconnection gap arrive in order, bounded by maxBufferedEvents.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { AuthOption } from "../../../src/client/index.js";
import {
  callbackArgs,
  client as newClient,
  delay,
  once,
  pair,
  settled,
  startPeer,
  until,
  type Peer,
  type PeerSocket,
  type Setup,
} from "../../helpers/client-peers.js";

const RECONNECT = { reconnection: true, reconnectionDelay: 50, randomizationFactor: 0 } as const;

/** Every server-side socket of `peer`'s main namespace, and the `e` events they receive (listened to at once). */
function collect(peer: Peer): { sockets: PeerSocket[]; events: unknown[] } {
  const sockets: PeerSocket[] = [];
  const events: unknown[] = [];
  peer.server.on("connection", (socket) => {
    sockets.push(socket);
    socket.on("e", (value: unknown, ack?: (value: unknown) => void) => {
      events.push(value);
      if (typeof ack === "function") ack(`ack ${String(value)}`);
    });
  });
  return { sockets, events };
}

export function reconnectionSuite(setup: Setup): void {
  describe("reconnection", () => {
    it("after the server drops the connection: reconnect_attempt(1), reconnect(1), connect with a new id", async () => {
      const { peer, client, socket } = await pair(setup, RECONNECT);
      const { sockets } = collect(peer);
      // The socket listens to its Manager's close before the test does: its disconnect comes first.
      const log: string[] = [];
      client.on("disconnect", (reason) => log.push(`disconnect ${reason}`));
      client.io.on("close", (reason) => log.push(`close ${reason}`));
      client.io.on("reconnect_attempt", (attempt) => log.push(`reconnect_attempt ${attempt}`));
      client.io.on("open", () => log.push("open"));
      client.io.on("reconnect", (attempt) => log.push(`reconnect ${attempt}`));
      client.io.on("reconnect_error", (error) => log.push(`reconnect_error ${error.message}`));
      client.on("connect", () => log.push("connect"));
      const firstId = client.id;
      socket.conn.close();
      await until(() => log.includes("connect"), 3000);
      assert.deepEqual(log, [
        "disconnect transport close",
        "close transport close",
        "reconnect_attempt 1",
        "open",
        "reconnect 1",
        "connect",
      ]);
      assert.equal(sockets.length, 1);
      assert.equal(client.id, sockets[0]!.id);
      assert.notEqual(client.id, firstId);
      assert.equal(client.connected, true);
      assert.equal(client.io.reconnecting, false);
      // And again: the attempt count starts over.
      await settled(setup, client, sockets[0]!);
      log.length = 0;
      sockets[0]!.conn.close();
      await until(() => log.includes("connect"), 3000);
      assert.ok(log.includes("reconnect_attempt 1") && log.includes("reconnect 1"), log.join(", "));
      assert.equal(client.id, sockets[1]!.id);
    });

    it("calls a function auth again on each reconnection", async () => {
      let calls = 0;
      const auth: AuthOption = (callback) => {
        calls++;
        callback({ call: calls });
      };
      const { peer, client, socket } = await pair(setup, { ...RECONNECT, auth });
      const { sockets } = collect(peer);
      assert.equal(calls, 1);
      assert.deepEqual(socket.handshake.auth, { call: 1 });
      socket.conn.close();
      await until(() => sockets.length === 1, 3000);
      assert.equal(calls, 2);
      assert.deepEqual(sockets[0]!.handshake.auth, { call: 2 });
      await settled(setup, client, sockets[0]!);
      sockets[0]!.conn.close();
      await until(() => sockets.length === 2, 3000);
      assert.equal(calls, 3);
      assert.deepEqual(sockets[1]!.handshake.auth, { call: 3 });
    });
  });

  describe("offline buffer", () => {
    it("delivers emits made before the first connect, in order, with their acknowledgements", async () => {
      const peer = await startPeer(setup);
      const { events } = collect(peer);
      const client = newClient(setup, peer.url, { autoConnect: false });
      client.emit("e", 1);
      client.emit("e", 2);
      const acked = client.timeout(3000).emitWithAck("e", 3);
      client.emit("e", 4);
      assert.equal(client.sendBuffer.length, 4);
      assert.equal(client.io.readyState, "closed", "autoConnect: false opens nothing");
      client.connect();
      assert.equal(await acked, "ack 3");
      await until(() => events.length === 4, 3000);
      assert.deepEqual(events, [1, 2, 3, 4]);
      assert.equal(client.sendBuffer.length, 0);
    });

    it("delivers emits made during a reconnection gap, in order, after the reconnection", async () => {
      const { peer, client, socket } = await pair(setup, { ...RECONNECT, reconnectionDelay: 150 });
      const { sockets, events } = collect(peer);
      let acked: Promise<unknown> | undefined;
      client.on("disconnect", () => {
        for (let i = 0; i < 5; i++) client.emit("e", i);
        acked = client.emitWithAck("e", "with ack");
      });
      socket.conn.close();
      await until(() => events.length === 6, 3000);
      assert.deepEqual(events, [0, 1, 2, 3, 4, "with ack"]);
      assert.equal(await acked, "ack with ack");
      assert.equal(sockets.length, 1);
    });

    it("keeps the last maxBufferedEvents; a dropped emit's timeout callback gets an Error at once", async () => {
      const peer = await startPeer(setup);
      const { events } = collect(peer);
      const client = newClient(setup, peer.url, { autoConnect: false, maxBufferedEvents: 3 });
      const started = Date.now();
      const dropped = callbackArgs((done) => client.timeout(2000).emit("e", 0, done)).then(
        ([error]) => [error, Date.now() - started] as const,
      );
      for (let i = 1; i < 5; i++) client.emit("e", i);
      assert.equal(client.sendBuffer.length, 3);
      const [error, elapsed] = await dropped;
      assert.ok(error instanceof Error);
      assert.ok(elapsed < 1000, `the callback came after ${elapsed} ms, not at once`);
      client.connect();
      await once(client, "connect", 3000);
      client.emit("e", "end");
      await until(() => events.includes("end"), 3000);
      assert.deepEqual(events, [2, 3, 4, "end"]);
    });

    it("a buffered emit whose timeout expires offline is not sent later", async () => {
      const peer = await startPeer(setup);
      const { events } = collect(peer);
      const client = newClient(setup, peer.url, { autoConnect: false });
      const [error] = await callbackArgs((done) => client.timeout(30).emit("e", "late", done));
      assert.ok(error instanceof Error);
      assert.equal(client.sendBuffer.length, 0);
      client.connect();
      await once(client, "connect", 3000);
      client.emit("e", "end");
      await until(() => events.includes("end"), 3000);
      await delay(10);
      assert.deepEqual(events, ["end"]);
    });
  });
}
