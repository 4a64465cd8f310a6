// What only UDP does (a udp setup's suite): one Socket.IO packet per datagram, so an
// emit that does not fit throws ENCHUFE_ERR_MESSAGE_TOO_LARGE on either side and a
// broadcast skips the client; what the transport does about loss (open requests,
// CONNECTs and pings sent again, through a proxy that drops datagrams); and a
// session the server forgot, which the client hears of at its next datagram.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  callbackArgs,
  client as newClient,
  connectedClient,
  delay,
  nextConnection,
  once,
  pair,
  record,
  startPeer,
  startUdpProxy,
  UDP_DATAGRAM_BYTES,
  until,
  withTimeout,
  type PeerSocket,
  type Setup,
} from "../../helpers/client-peers.js";

const RECONNECT = { reconnection: true, reconnectionDelay: 50, randomizationFactor: 0 } as const;

const TOO_LARGE = { code: "ENCHUFE_ERR_MESSAGE_TOO_LARGE" } as const;

/** Text whose event cannot fit in one datagram, and text whose event does. */
const TOO_BIG = "x".repeat(UDP_DATAGRAM_BYTES);
const FITS = "x".repeat(UDP_DATAGRAM_BYTES - 200);

/** The server → client frame of an Engine.IO packet (its text), as the datagram holds it. */
function carries(datagram: Buffer, text: string): boolean {
  return datagram.subarray(5).toString() === text;
}

export function datagramSuite(setup: Setup): void {
  describe("udp: one packet per datagram", () => {
    it("both sides are on udp", async () => {
      const { client, socket } = await pair(setup);
      assert.equal(client.io.engine!.transport.name, "udp");
      assert.equal(socket.conn.transport.name, "udp");
    });

    it("a client emit larger than a datagram throws ENCHUFE_ERR_MESSAGE_TOO_LARGE; nothing is sent, the connection goes on", async () => {
      const { client, socket } = await pair(setup);
      const got = record<[string]>(socket, "e");
      const disconnects = record(client, "disconnect");
      assert.throws(() => client.emit("e", TOO_BIG), TOO_LARGE);
      // With a callback: it throws before anything waits for an answer, and the callback is never called.
      let calls = 0;
      assert.throws(() => client.timeout(100).emit("e", TOO_BIG, () => calls++), TOO_LARGE);
      await assert.rejects(client.timeout(2000).emitWithAck("e", TOO_BIG), TOO_LARGE);
      assert.throws(() => client.emit("e", new Uint8Array(UDP_DATAGRAM_BYTES)), TOO_LARGE);
      client.emit("e", FITS);
      await until(() => got.length === 1, 3000);
      await delay(150);
      assert.equal(got[0]![0], FITS);
      assert.equal(got.length, 1);
      assert.equal(calls, 0);
      assert.deepEqual(disconnects, []);
      assert.equal(client.connected, true);
    });

    it("a server emit larger than a datagram throws ENCHUFE_ERR_MESSAGE_TOO_LARGE; the connection goes on", async () => {
      const { client, socket } = await pair(setup);
      const got = record<[string]>(client, "e");
      assert.throws(() => socket.emit("e", TOO_BIG), TOO_LARGE);
      assert.throws(() => socket.timeout(2000).emit("e", TOO_BIG, () => undefined), TOO_LARGE);
      const answer = await callbackArgs((done) => {
        client.once("q", (text: string, ack: (length: number) => void) => ack(text.length));
        socket.emit("q", FITS, done);
      });
      assert.deepEqual(answer, [FITS.length]);
      assert.deepEqual(got, []);
      assert.equal(socket.connected, true);
    });

    it("a broadcast skips the UDP client it does not fit (with a process warning) and reaches the others", async () => {
      const peer = await startPeer(setup);
      const sockets: PeerSocket[] = [];
      peer.server.on("connection", (socket) => sockets.push(socket));
      const udp = await connectedClient(setup, peer.url);
      const ws = await connectedClient({ kind: "enchufe", transports: ["websocket"] }, peer.url);
      await until(() => sockets.length === 2, 3000);
      const warnings: Error[] = [];
      const onWarning = (warning: Error): void => void warnings.push(warning);
      process.on("warning", onWarning);
      try {
        const atUdp = record<[string]>(udp, "wide");
        const atWs = once<[string]>(ws, "wide", 3000);
        peer.server.emit("wide", TOO_BIG);
        assert.equal((await atWs)[0], TOO_BIG);
        const small = once(udp, "small", 3000);
        peer.server.emit("small", 1);
        await small;
        await until(() => warnings.length > 0, 1000);
        assert.deepEqual(atUdp, []);
        const warning = warnings.find((w) => (w as Error & { code?: string }).code === TOO_LARGE.code);
        assert.ok(warning !== undefined, warnings.map(String).join("; "));
        assert.match(warning.message, /udp/);
        assert.equal(udp.connected, true);
      } finally {
        process.off("warning", onWarning);
      }
    });

    it("an offline-buffered emit too large for a datagram fails its timed ack with ENCHUFE_ERR_MESSAGE_TOO_LARGE; the others go", async () => {
      const peer = await startPeer(setup);
      const events: unknown[] = [];
      peer.server.on("connection", (socket) => socket.on("e", (value: unknown) => events.push(value)));
      const client = newClient(setup, peer.url, { autoConnect: false });
      client.emit("e", 1);
      const failed = callbackArgs((done) => client.timeout(2000).emit("e", TOO_BIG, done));
      client.emit("e", 2);
      client.connect();
      const [error] = await failed;
      assert.ok(error instanceof Error);
      assert.equal((error as Error & { code?: string }).code, TOO_LARGE.code);
      await until(() => events.length === 2, 3000);
      assert.deepEqual(events, [1, 2]);
      assert.equal(client.connected, true);
    });

    it("with retries, a queued emit too large for a datagram fails its callback with ENCHUFE_ERR_MESSAGE_TOO_LARGE; the next one goes", async () => {
      const { client, socket } = await pair(setup, { retries: 2, ackTimeout: 500 });
      socket.on("job", (value: string, ack: (answer: number) => void) => ack(value.length));
      const failed = callbackArgs((done) => client.emit("job", TOO_BIG, done));
      const next = client.emitWithAck("job", FITS);
      const [error] = await failed;
      assert.equal((error as Error & { code?: string }).code, TOO_LARGE.code);
      assert.equal(await next, FITS.length);
    });
  });

  describe("udp: loss", () => {
    it("a lost open answer: the client asks again and gets the same session", async () => {
      const peer = await startPeer(setup);
      const proxy = await startUdpProxy(peer);
      let isDropped = false;
      proxy.drop((datagram, toServer) => {
        if (toServer || isDropped || !datagram.subarray(5).toString().startsWith('0{"sid"')) return false;
        return (isDropped = true);
      });
      const serverSide = withTimeout(nextConnection(peer.server), "connection");
      const client = newClient(setup, proxy.url);
      await once(client, "connect", 3000);
      const socket = await serverSide;
      assert.ok(isDropped);
      assert.equal(client.io.engine!.id, socket.conn.id);
      assert.equal(peer.server.engine.clientsCount, 1, "one session, not one per open request");
    });

    it("a lost CONNECT answer: the client sends its CONNECT again, and joins once", async () => {
      const peer = await startPeer(setup);
      const proxy = await startUdpProxy(peer);
      let dropped = 0;
      proxy.drop((datagram, toServer) => {
        if (toServer || dropped > 0 || !datagram.subarray(5).toString().startsWith("40")) return false;
        return ++dropped > 0;
      });
      const connections = record<[PeerSocket]>(peer.server, "connection");
      const client = newClient(setup, proxy.url);
      await once(client, "connect", 3000);
      assert.equal(dropped, 1);
      assert.equal(connections.length, 1, "the second CONNECT is the same socket's");
      assert.equal(client.id, connections[0]![0].id);
    });

    it("lost pings and pongs are sent again: a lossy session stays up", async () => {
      const peer = await startPeer(setup, { pingInterval: 100, pingTimeout: 300 });
      const proxy = await startUdpProxy(peer);
      const client = newClient(setup, proxy.url);
      await once(client, "connect", 3000);
      const disconnects = record(client, "disconnect");
      const pings = record(client.io, "ping");
      // Every other ping (server → client) and every other pong (client → server) is lost.
      let pingsSeen = 0;
      let pongsSeen = 0;
      proxy.drop((datagram, toServer) => {
        const frames = datagram.subarray(toServer ? 1 + datagram[0]! : 0);
        if (!toServer && carries(frames, "2")) return pingsSeen++ % 2 === 0;
        if (toServer && carries(frames, "3")) return pongsSeen++ % 2 === 0;
        return false;
      });
      await delay(1200);
      assert.ok(pingsSeen >= 4 && pongsSeen >= 2, `${pingsSeen} pings, ${pongsSeen} pongs`);
      assert.ok(pings.length >= 3, `${pings.length} pings reached the client`);
      assert.deepEqual(disconnects, []);
      assert.equal(client.connected, true);
    });

    it("connects once a partition at the start ends (the open request is sent again)", async () => {
      const peer = await startPeer(setup);
      const proxy = await startUdpProxy(peer);
      proxy.freeze();
      const client = newClient(setup, proxy.url);
      await delay(400);
      assert.equal(client.connected, false);
      proxy.thaw();
      await once(client, "connect", 3000);
    });
  });

  describe("udp: sessions", () => {
    it("reconnecting after the server closes the session makes a new session (a new sid)", async () => {
      const { peer, client, socket } = await pair(setup, RECONNECT);
      const firstSid = client.io.engine!.id;
      const serverSide = withTimeout(nextConnection(peer.server), "second connection");
      socket.conn.close();
      await once(client, "connect", 3000);
      const second = await serverSide;
      assert.notEqual(client.io.engine!.id, firstSid);
      assert.equal(client.io.engine!.id, second.conn.id);
      assert.equal(peer.server.engine.clientsCount, 1);
    });

    it("a session the server forgot: the client's next datagram gets a close packet, and it reconnects at once", async () => {
      const peer = await startPeer(setup); // pings every 25 s: only the close packet can end this in time
      const proxy = await startUdpProxy(peer);
      const serverSide = withTimeout(nextConnection(peer.server), "connection");
      const client = newClient(setup, proxy.url, RECONNECT);
      await once(client, "connect", 3000);
      const socket = await serverSide;
      const firstSid = client.io.engine!.id;
      proxy.freeze();
      socket.conn.close(); // its close datagram is lost
      await until(() => peer.server.engine.clientsCount === 0, 2000);
      await delay(50);
      assert.equal(client.connected, true, "the client heard nothing");
      proxy.thaw();
      const reason = once<[string]>(client, "disconnect", 2000);
      const started = Date.now();
      client.emit("anyone", "there?");
      assert.equal((await reason)[0], "transport close");
      await once(client, "connect", 3000);
      assert.ok(Date.now() - started < 1000, `reconnected after ${Date.now() - started} ms`);
      assert.notEqual(client.io.engine!.id, firstSid);
    });
  });
}
