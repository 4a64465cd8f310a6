// Connecting: the connect event and its state, the transport the client ends on,
// namespaces multiplexed on one Manager, refused and unknown namespaces, and what
// the client sends with its handshake (auth; over HTTP, extraHeaders and query).
import assert from "node:assert/strict";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { describe, it } from "node:test";
import type { ConnectError } from "../../../src/client/index.js";
import {
  client,
  connectedClient,
  delay,
  finalTransport,
  hasHttp,
  nextConnection,
  once,
  pair,
  record,
  startPeer,
  until,
  withTimeout,
  type Setup,
} from "../../helpers/client-peers.js";

export function connectSuite(setup: Setup): void {
  describe("connect", () => {
    it("emits connect with the server socket's id, and ends on the expected transport", async () => {
      const peer = await startPeer(setup);
      const serverSide = withTimeout(nextConnection(peer.server), "connection");
      const socket = client(setup, peer.url);
      const engine = socket.io.engine!;
      const upgrades: string[] = [];
      engine.on("upgrade", (transport) => upgrades.push(transport.name));
      assert.equal(socket.connected, false);
      assert.equal(socket.active, true, "a socket that is connecting is active");
      assert.equal(socket.id, undefined);
      await once(socket, "connect", 3000);
      const server = await serverSide;
      assert.equal(socket.id, server.id);
      assert.equal(socket.connected, true);
      assert.equal(socket.disconnected, false);
      assert.equal(socket.active, true);
      assert.equal(socket.io.readyState, "open");
      assert.equal(engine.id, server.conn.id, "one Engine.IO session, the same id on both sides");
      if (setup.transports === undefined) {
        await until(() => upgrades.length > 0, 3000);
        assert.deepEqual(upgrades, ["websocket"]);
      } else {
        await delay(50);
        assert.deepEqual(upgrades, [], "no upgrade with a single transport");
      }
      assert.equal(engine.transport.name, finalTransport(setup));
      await until(() => server.conn.transport.name === finalTransport(setup), 3000);
    });

    it("delivers client events in order while the connection settles (across the upgrade by default)", async () => {
      const { client: socket, socket: server } = await pair(setup, {}, {}, false);
      const got: number[] = [];
      server.on("n", (n: number) => got.push(n));
      for (let i = 0; i < 20; i++) {
        socket.emit("n", i);
        await delay(2);
      }
      await until(() => got.length === 20, 3000);
      assert.deepEqual(
        got,
        Array.from({ length: 20 }, (_, i) => i),
      );
    });

    // A stream has no HTTP path.
    if (hasHttp(setup)) {
      it("connects on a custom path", async () => {
        const peer = await startPeer(setup, { path: "/custom-path" });
        const urls: string[] = [];
        peer.httpServer.prependListener("request", (request: IncomingMessage) => urls.push(request.url!));
        peer.httpServer.prependListener("upgrade", (request: IncomingMessage) => urls.push(request.url!));
        const socket = await connectedClient(setup, peer.url, { path: "/custom-path" });
        assert.equal(socket.connected, true);
        assert.ok(urls.length > 0);
        for (const url of urls) assert.ok(url.startsWith("/custom-path/?"), url);
      });
    }

    if (setup.transports === undefined) {
      it("a failed probe leaves the session on polling, working", async () => {
        const peer = await startPeer(setup);
        peer.httpServer.removeAllListeners("upgrade");
        peer.httpServer.on("upgrade", (_request: IncomingMessage, socket: Duplex) => socket.destroy());
        const serverSide = withTimeout(nextConnection(peer.server), "connection");
        const socket = client(setup, peer.url);
        const upgradeErrors = record(socket.io.engine!, "upgradeError");
        await once(socket, "connect", 3000);
        const server = await serverSide;
        await until(() => upgradeErrors.length === 1, 3000);
        assert.equal(socket.io.engine!.transport.name, "polling");
        server.on("echo", (value: number, ack: (value: number) => void) => ack(value));
        assert.equal(await socket.timeout(2000).emitWithAck("echo", 5), 5);
        assert.equal(socket.connected, true);
      });
    }

    if (setup.transports === undefined) {
      it("upgrade: false stays on polling", async () => {
        const { client: socket, socket: server } = await pair(setup, { upgrade: false }, {}, false);
        const upgrades = record(socket.io.engine!, "upgrade");
        await delay(100);
        assert.deepEqual(upgrades, []);
        assert.equal(socket.io.engine!.transport.name, "polling");
        assert.equal(server.conn.transport.name, "polling");
      });
    }
  });

  describe("namespaces", () => {
    it("multiplexes two namespaces on one Manager and one Engine.IO session", async () => {
      const peer = await startPeer(setup);
      const admin = peer.server.of("/admin");
      const mainSide = withTimeout(nextConnection(peer.server), "connection");
      const adminSide = withTimeout(nextConnection(admin), "admin connection");
      const main = client(setup, peer.url, { forceNew: false });
      const other = client(setup, `${peer.url}/admin`, { forceNew: false });
      assert.equal(other.io, main.io, "one Manager for both namespaces");
      await Promise.all([once(main, "connect", 3000), once(other, "connect", 3000)]);
      const [mainSocket, adminSocket] = await Promise.all([mainSide, adminSide]);
      assert.equal(main.id, mainSocket.id);
      assert.equal(other.id, adminSocket.id);
      assert.notEqual(main.id, other.id);
      assert.equal(mainSocket.conn.id, adminSocket.conn.id, "one Engine.IO session on the server");
      assert.equal(peer.server.engine.clientsCount, 1);
      const received = once(other, "hello", 3000);
      adminSocket.emit("hello", "admin");
      assert.deepEqual(await received, ["admin"]);
      // Leaving one namespace keeps the connection for the other.
      const reason = once<[string]>(mainSocket, "disconnect", 3000);
      main.disconnect();
      assert.equal((await reason)[0], "client namespace disconnect");
      assert.equal(other.connected, true);
      adminSocket.on("ping2", (ack: (v: string) => void) => ack("pong"));
      assert.equal(await other.timeout(2000).emitWithAck("ping2"), "pong");
      assert.equal(peer.server.engine.clientsCount, 1);
    });

    it("gives forceNew sockets a Manager and a session of their own", async () => {
      const peer = await startPeer(setup);
      const first = await connectedClient(setup, peer.url);
      const second = await connectedClient(setup, peer.url);
      assert.notEqual(first.io, second.io);
      assert.notEqual(first.io.engine!.id, second.io.engine!.id);
      assert.equal(peer.server.engine.clientsCount, 2);
    });

    it("reports a middleware's refusal as connect_error with its message and data", async () => {
      const peer = await startPeer(setup);
      peer.server.of("/private").use((_socket, next) => {
        const error = new Error("nope") as Error & { data?: unknown };
        error.data = { code: 42 };
        next(error);
      });
      const socket = client(setup, `${peer.url}/private`);
      let connects = 0;
      socket.on("connect", () => connects++);
      const [error] = await once<[ConnectError]>(socket, "connect_error", 3000);
      assert.ok(error instanceof Error);
      assert.equal(error.message, "nope");
      assert.deepEqual(error.data, { code: 42 });
      assert.equal(socket.connected, false);
      assert.equal(socket.active, false, "a refused socket does not try again");
      assert.equal(connects, 0);
      await until(() => peer.server.engine.clientsCount === 0, 3000);
    });

    it("reports an unknown namespace as connect_error 'Invalid namespace'", async () => {
      const peer = await startPeer(setup);
      const socket = client(setup, `${peer.url}/nowhere`);
      const [error] = await once<[ConnectError]>(socket, "connect_error", 3000);
      assert.equal(error.message, "Invalid namespace");
      assert.equal(socket.connected, false);
      assert.equal(socket.active, false);
    });
  });

  describe("handshake", () => {
    it("sends object auth to socket.handshake.auth", async () => {
      const auth = { token: "abc", n: 1, nested: { ok: true } };
      const { socket } = await pair(setup, { auth });
      assert.deepEqual(socket.handshake.auth, auth);
    });

    // A stream has no HTTP request to carry them.
    if (hasHttp(setup)) {
      it("sends extraHeaders and query on every request, seen in socket.handshake", async () => {
        const peer = await startPeer(setup);
        const requests: IncomingMessage[] = [];
        peer.httpServer.prependListener("request", (request: IncomingMessage) => requests.push(request));
        peer.httpServer.prependListener("upgrade", (request: IncomingMessage) => requests.push(request));
        const serverSide = withTimeout(nextConnection(peer.server), "connection");
        const socket = client(setup, `${peer.url}/?fromUrl=1`, {
          extraHeaders: { "x-client-test": "yes" },
          query: { room: "a b&c" },
        });
        await once(socket, "connect", 3000);
        const server = await serverSide;
        assert.equal(server.handshake.headers["x-client-test"], "yes");
        assert.equal(server.handshake.query.room, "a b&c");
        assert.equal(server.handshake.query.fromUrl, "1");
        assert.equal(server.handshake.query.EIO, "4");
        // A round trip, so that requests after the handshake are seen too.
        server.on("echo", (value: number, ack: (value: number) => void) => ack(value));
        assert.equal(await socket.timeout(2000).emitWithAck("echo", 1), 1);
        await until(() => socket.io.engine!.transport.name === finalTransport(setup), 3000);
        const kinds = new Set(
          requests.map((request) => (request.headers.upgrade === undefined ? "polling" : "websocket")),
        );
        assert.deepEqual(
          [...kinds].sort(),
          setup.transports === undefined ? ["polling", "websocket"] : [finalTransport(setup)],
        );
        for (const request of requests) {
          assert.equal(request.headers["x-client-test"], "yes", `${request.method} ${request.url}`);
          const query = new URL(request.url!, "http://localhost").searchParams;
          assert.equal(query.get("room"), "a b&c");
          assert.equal(query.get("fromUrl"), "1");
        }
      });
    }
  });
}
