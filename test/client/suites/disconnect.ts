// Disconnect reasons as each side reports them, and whether the client comes back:
// a client disconnect, a server disconnect, a closed connection, a network partition.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  client as newClient,
  delay,
  nextConnection,
  once,
  pair,
  record,
  startPeer,
  startProxy,
  until,
  withTimeout,
  type Setup,
} from "../../helpers/client-peers.js";

const RECONNECT = { reconnection: true, reconnectionDelay: 50, randomizationFactor: 0 } as const;

export function disconnectSuite(setup: Setup): void {
  describe("disconnect reasons", () => {
    it("client disconnect(): 'io client disconnect', and 'client namespace disconnect' on the server", async () => {
      const { peer, client, socket } = await pair(setup);
      const serverReason = once<[string]>(socket, "disconnect", 3000);
      const clientReason = once<[string]>(client, "disconnect", 3000);
      client.disconnect();
      assert.equal(client.connected, false);
      assert.equal(client.active, false);
      assert.equal((await clientReason)[0], "io client disconnect");
      assert.equal((await serverReason)[0], "client namespace disconnect");
      // The connection closes with its last socket, and the server hears of it at once.
      await until(() => peer.server.engine.clientsCount === 0, 2000);
      assert.equal(client.io.readyState, "closed");
    });

    it("client disconnect() right after an emit: the emit, DISCONNECT, then the Engine.IO close reach the server", async () => {
      const { peer, client, socket } = await pair(setup);
      const messages: string[] = [];
      socket.conn.on("packet", ({ type, data }) => {
        if (type === "message" || type === 4) messages.push(String(data));
      });
      const closed = once<[string]>(socket.conn, "close", 3000);
      client.emit("last", 1);
      client.disconnect();
      // The session ends on the client's close packet: "transport close" (not an error, not a timeout).
      assert.equal((await closed)[0], "transport close");
      assert.deepEqual(messages, ['2["last",1]', "1"]); // Socket.IO packets: the EVENT, then DISCONNECT
      assert.equal(peer.server.engine.clientsCount, 0);
    });

    if (setup.transports === undefined) {
      it("client disconnect() during the upgrade: the upgrade completes and the session closes at once", async () => {
        const peer = await startPeer(setup);
        // The WebSocket handshake waits, so that the socket joins over polling first.
        const upgradeListeners = peer.httpServer.listeners("upgrade") as ((...args: unknown[]) => void)[];
        peer.httpServer.removeAllListeners("upgrade");
        peer.httpServer.on("upgrade", (...args: unknown[]) => {
          setTimeout(() => upgradeListeners.forEach((listener) => listener.apply(peer.httpServer, args)), 100);
        });
        const serverSide = withTimeout(nextConnection(peer.server), "connection");
        const client = newClient(setup, peer.url);
        const engine = client.io.engine!;
        const upgrading = once(engine, "upgrading", 3000);
        await once(client, "connect", 3000);
        const socket = await serverSide;
        const serverReason = once<[string]>(socket, "disconnect", 3000);
        const closed = once<[string]>(socket.conn, "close", 3000);
        const engineClosed = once<[string]>(engine, "close", 3000);
        await upgrading; // the probe is answered; polling is being paused
        assert.equal(client.connected, true);
        client.disconnect();
        assert.equal((await serverReason)[0], "client namespace disconnect");
        assert.equal((await closed)[0], "transport close");
        assert.equal((await engineClosed)[0], "forced close");
        assert.equal(engine.readyState, "closed");
      });

      it("closing before the probe is answered: the probe is dropped, the session closes at once", async () => {
        const peer = await startPeer(setup);
        const client = newClient(setup, peer.url);
        const engine = client.io.engine!;
        const upgrades = record(engine, "upgrade");
        await once(client.io, "open", 3000); // the handshake is done and the probe just opened
        client.disconnect();
        assert.equal(client.io.readyState, "closed");
        await until(() => engine.readyState === "closed", 2000);
        await until(() => peer.server.engine.clientsCount === 0, 2000);
        await delay(50);
        assert.deepEqual(upgrades, []);
      });
    }

    it("answers pings: a connection with a short heartbeat stays up", async () => {
      const { client, socket } = await pair(setup, {}, { pingInterval: 50, pingTimeout: 400 });
      const pings = record(client.io, "ping");
      const disconnects = record(client, "disconnect");
      await delay(300);
      assert.ok(pings.length >= 3, `${pings.length} pings`);
      assert.deepEqual(disconnects, []);
      assert.equal(client.connected, true);
      assert.equal(socket.connected, true);
    });

    it("disconnecting fails pending acknowledgements that have a timeout, at once", async () => {
      const { client, socket } = await pair(setup);
      socket.on("never", () => undefined);
      const heard = once(socket, "never", 3000);
      const started = Date.now();
      const pending = client.timeout(5000).emitWithAck("never");
      await heard;
      client.disconnect();
      await assert.rejects(pending, (error: unknown) => error instanceof Error);
      assert.ok(Date.now() - started < 1000);
    });

    it("server socket.disconnect(): 'io server disconnect', no reconnection even with reconnection on", async () => {
      const { peer, client, socket } = await pair(setup, RECONNECT);
      const attempts = record(client.io, "reconnect_attempt");
      const clientReason = once<[string]>(client, "disconnect", 3000);
      socket.disconnect();
      assert.equal((await clientReason)[0], "io server disconnect");
      assert.equal(client.active, false);
      await delay(200);
      assert.equal(attempts.length, 0);
      assert.equal(client.connected, false);
      await until(() => peer.server.engine.clientsCount === 0, 2000);
      // connect() by hand joins again, as a new socket.
      const serverSide = withTimeout(nextConnection(peer.server), "second connection");
      client.connect();
      await once(client, "connect", 3000);
      assert.equal(client.id, (await serverSide).id);
      assert.notEqual(client.id, socket.id);
    });

    it("server closes the connection: 'transport close', and the client reconnects", async () => {
      const { peer, client, socket } = await pair(setup, RECONNECT);
      const firstId = client.id;
      const clientReason = once<[string]>(client, "disconnect", 3000);
      const serverSide = withTimeout(nextConnection(peer.server), "second connection");
      socket.conn.close();
      assert.equal((await clientReason)[0], "transport close");
      assert.equal(client.active, true, "still active: it reconnects");
      await once(client, "connect", 3000);
      const second = await serverSide;
      assert.equal(client.id, second.id);
      assert.notEqual(client.id, firstId);
    });

    it("server closes the connection without reconnection: 'transport close', the socket stays down", async () => {
      const { client, socket } = await pair(setup);
      const clientReason = once<[string]>(client, "disconnect", 3000);
      socket.conn.close();
      assert.equal((await clientReason)[0], "transport close");
      assert.equal(client.connected, false);
      assert.equal(client.io.readyState, "closed");
    });

    it("the server shuts down: the client is told at once, and the server closes promptly", async () => {
      const { peer, client } = await pair(setup, RECONNECT);
      const attempts = record(client.io, "reconnect_attempt");
      const clientReason = once<[string]>(client, "disconnect", 3000);
      const started = Date.now();
      await peer.close();
      const elapsed = Date.now() - started;
      // enchufe sends DISCONNECT first. socket.io closes the transport: over polling, a client whose next GET
      // was not there yet finds its session gone (400): "transport error", socket.io-client's reason too.
      const [reason] = await clientReason;
      if (setup.kind === "enchufe") assert.equal(reason, "io server disconnect");
      else assert.ok(reason === "transport close" || reason === "transport error", reason);
      assert.ok(elapsed < 1000, `the server took ${elapsed} ms to close`);
      if (setup.kind === "enchufe") {
        await delay(100);
        assert.deepEqual(attempts, []);
      } else {
        await until(() => attempts.length > 0, 2000); // and tries again, against a closed port
      }
    });

    // Not against socket.io over polling: engine.io closes a polling session that timed out with a 30 s timer
    // (Polling.doClose's closeTimeout) that nothing clears, and the test process would wait for it.
    const isEngineIoPolling = setup.kind === "socket.io" && setup.transports?.[0] === "polling";
    if (!isEngineIoPolling)
      it("a network partition: 'ping timeout'", async () => {
        const peer = await startPeer(setup, { pingInterval: 100, pingTimeout: 100 });
        const proxy = await startProxy(peer); // in front of the HTTP port, or of the stream listener
        const client = newClient(setup, proxy.url);
        await once(client, "connect", 3000);
        if (setup.transports === undefined) await once(client.io.engine!, "upgrade", 3000);
        await once(client.io, "ping", 3000); // the heartbeat crosses the proxy
        const clientReason = once<[string]>(client, "disconnect", 3000);
        const frozenAt = Date.now();
        proxy.freeze();
        assert.equal((await clientReason)[0], "ping timeout");
        const elapsed = Date.now() - frozenAt;
        assert.ok(elapsed < 1000, `ping timeout after ${elapsed} ms`);
      });
  });
}
