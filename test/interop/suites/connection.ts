// socket.io-client 4.8 (npm) → enchufe server over WebSocket: the handshake,
// namespaces (static and dynamic), middleware and connect errors.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ArgumentError, Server, type Socket } from "../../../src/index.js";
import {
  connect,
  connected,
  delay,
  initialTransport,
  once,
  RawClient,
  startServer,
  until,
} from "../../helpers/peers.js";

/** Runs these tests over the transports the runner file chose (useClientTransports). */
export function connectionSuite(): void {
  describe("connection", () => {
    it("connects and gives client and server the same socket id", async () => {
      const { io, url } = await startServer();
      const serverSide = once<[Socket]>(io, "connection");
      const client = await connected(url);
      const [socket] = await serverSide;
      assert.equal(client.id, socket.id);
      assert.equal(socket.connected, true);
      assert.equal(socket.nsp.name, "/");
      assert.equal(socket.conn.transport.name, initialTransport());
      assert.notEqual(socket.id, socket.conn.id, "the socket id must not reveal the session id");
    });

    it("fills the handshake with auth, query, headers and times", async () => {
      const { io, url } = await startServer();
      const serverSide = once<[Socket]>(io, "connection");
      const before = Date.now();
      await connected(url, { auth: { token: "abc" }, query: { room: "r1" }, extraHeaders: { "x-test": "yes" } });
      const [{ handshake }] = await serverSide;
      assert.deepEqual(handshake.auth, { token: "abc" });
      assert.equal(handshake.query.room, "r1");
      assert.equal(handshake.query.EIO, "4");
      assert.equal(handshake.headers["x-test"], "yes");
      assert.equal(handshake.address, "127.0.0.1");
      assert.equal(handshake.secure, false);
      assert.equal(handshake.xdomain, false);
      assert.ok(handshake.issued >= before && handshake.issued <= Date.now());
      assert.equal(new Date(handshake.time).getTime(), Math.floor(handshake.issued / 1000) * 1000);
      assert.match(handshake.url, /^\/socket\.io\/\?.*EIO=4/);
    });

    it("keeps a connection across heartbeats", async () => {
      const { io, url } = await startServer({ pingInterval: 50, pingTimeout: 100 });
      const client = await connected(url);
      const pings = once(client.io, "ping");
      await pings;
      await delay(300);
      assert.equal(client.connected, true);
      assert.equal(io.engine.clientsCount, 1);
    });

    it("closes a session that never joins a namespace after connectTimeout", async () => {
      const { io, url } = await startServer({ connectTimeout: 100 });
      const client = connect(url, { autoConnect: false });
      client.io.open(); // the engine connection alone, no namespace
      await once(client.io, "open");
      assert.equal(io.engine.clientsCount, 1);
      await once(client.io, "close", 2000);
      assert.equal(io.engine.clientsCount, 0);
    });
  });

  describe("namespaces", () => {
    it("connects to a namespace created with io.of()", async () => {
      const { io, url } = await startServer();
      const admin = io.of("/admin");
      const serverSide = once<[Socket]>(admin, "connection");
      const client = await connected(`${url}/admin`);
      const [socket] = await serverSide;
      assert.equal(socket.nsp, admin);
      assert.equal(client.id, socket.id);
    });

    it("refuses an unknown namespace with connect_error 'Invalid namespace'", async () => {
      const { url } = await startServer();
      const client = connect(`${url}/nowhere`);
      const [error] = await once<[Error]>(client, "connect_error");
      assert.equal(error.message, "Invalid namespace");
    });

    it("multiplexes several namespaces over one connection", async () => {
      const { io, url } = await startServer();
      io.of("/a");
      io.of("/b");
      const a = await connected(`${url}/a`, { forceNew: false });
      const b = await connected(`${url}/b`, { forceNew: false });
      assert.equal(a.io, b.io);
      assert.equal(io.engine.clientsCount, 1);
      assert.equal(io.of("/a").sockets.size, 1);
      assert.equal(io.of("/b").sockets.size, 1);
    });

    it("refuses a namespace past maxNamespacesPerConnection", async () => {
      const { io, url } = await startServer({ maxNamespacesPerConnection: 1 });
      io.of("/a");
      io.of("/b");
      await connected(`${url}/a`, { forceNew: false });
      const b = connect(`${url}/b`, { forceNew: false });
      const [error] = await once<[Error]>(b, "connect_error");
      assert.equal(error.message, "Too many namespaces");
    });

    it("creates children of a RegExp namespace with the parent's middleware and listeners", async () => {
      const { io, url } = await startServer();
      const created: string[] = [];
      io.on("new_namespace", (namespace) => created.push(namespace.name));
      const parent = io.of(/^\/dyn-\d+$/);
      parent.use((socket, next) => {
        socket.data = { checked: true };
        next();
      });
      const joined = once<[Socket]>(parent, "connection");
      const client = await connected(`${url}/dyn-42`);
      const [socket] = await joined;
      assert.equal(socket.nsp.name, "/dyn-42");
      assert.deepEqual(socket.data, { checked: true });
      assert.deepEqual(created, ["/dyn-42"]);
      const received = once(client, "news");
      parent.emit("news", "to every child");
      assert.deepEqual(await received, ["to every child"]);
      const refused = connect(`${url}/dyn-x`);
      assert.equal((await once<[Error]>(refused, "connect_error"))[0].message, "Invalid namespace");
    });

    it("asks a function namespace whether a name is a child", async () => {
      const { io, url } = await startServer();
      io.of((name, auth, next) => next(null, name.startsWith("/team-") && auth.key === "k"));
      await connected(`${url}/team-1`, { auth: { key: "k" } });
      const refused = connect(`${url}/team-2`, { auth: { key: "wrong" } });
      assert.equal((await once<[Error]>(refused, "connect_error"))[0].message, "Invalid namespace");
    });

    it("removes an empty child namespace with cleanupEmptyChildNamespaces", async () => {
      const { io, url } = await startServer({ cleanupEmptyChildNamespaces: true });
      const parent = io.of(/^\/tmp-\d+$/);
      const client = await connected(`${url}/tmp-1`);
      assert.deepEqual(
        [...parent.children].map((child) => child.name),
        ["/tmp-1"],
      );
      client.disconnect();
      await until(() => parent.children.size === 0);
      await connected(`${url}/tmp-1`);
      assert.equal(parent.children.size, 1);
    });

    it("keeps empty child namespaces by default, as Socket.IO does", async () => {
      const { io, url } = await startServer();
      const parent = io.of(/^\/keep-\d+$/);
      const client = await connected(`${url}/keep-1`);
      client.disconnect();
      await delay(50);
      assert.equal(parent.children.size, 1);
    });
  });

  describe("middleware", () => {
    it("refuses with connect_error carrying message and data", async () => {
      const { io, url } = await startServer();
      io.use((_socket, next) => {
        const error = new Error("not authorized") as Error & { data: unknown };
        error.data = { reason: "token expired" };
        next(error);
      });
      const client = connect(url);
      const [error] = await once<[Error & { data: unknown }]>(client, "connect_error");
      assert.equal(error.message, "not authorized");
      assert.deepEqual(error.data, { reason: "token expired" });
      assert.equal(io.sockets.sockets.size, 0);
    });

    it("runs async middleware in order and connects after the last next()", async () => {
      const { io, url } = await startServer();
      const order: number[] = [];
      io.use(async (_socket, next) => {
        await delay(10);
        order.push(1);
        next();
      });
      io.use((socket, next) => {
        order.push(2);
        socket.data = { user: socket.handshake.auth.user };
        next();
      });
      const serverSide = once<[Socket]>(io, "connection");
      await connected(url, { auth: { user: "ana" } });
      const [socket] = await serverSide;
      assert.deepEqual(order, [1, 2]);
      assert.deepEqual(socket.data, { user: "ana" });
    });

    it("turns a rejected async middleware into connect_error", async () => {
      const { io, url } = await startServer();
      io.use(async () => {
        await delay(1);
        throw new Error("database down");
      });
      const [error] = await once<[Error]>(connect(url), "connect_error");
      assert.equal(error.message, "database down");
    });

    it("applies a namespace's middleware to that namespace only", async () => {
      const { io, url } = await startServer();
      io.of("/private").use((_socket, next) => next(new Error("private")));
      io.of("/public");
      await connected(`${url}/public`);
      const [error] = await once<[Error]>(connect(`${url}/private`), "connect_error");
      assert.equal(error.message, "private");
    });
  });

  describe("origin and allowRequest", () => {
    it("refuses a WebSocket handshake from a foreign Origin when cors.origin is set", async () => {
      const { url } = await startServer({ cors: { origin: ["https://good.example"] } });
      const foreign = connect(url, { extraHeaders: { origin: "https://evil.example" } });
      const [error] = await once<[Error]>(foreign, "connect_error");
      assert.match(error.message, /^(websocket|xhr poll) error$/);
      await connected(url, { extraHeaders: { origin: "https://good.example" } });
      await connected(url); // no Origin: not a browser page, not cross-origin
    });

    it("accepts origins matching a RegExp or decided by a function", async () => {
      const byPattern = await startServer({ cors: { origin: /\.example$/ } });
      await connected(byPattern.url, { extraHeaders: { origin: "https://app.example" } });
      const byFunction = await startServer({
        cors: { origin: (origin, callback) => callback(null, origin === "https://ok.test") },
      });
      await connected(byFunction.url, { extraHeaders: { origin: "https://ok.test" } });
      const refused = connect(byFunction.url, { extraHeaders: { origin: "https://no.test" } });
      await once(refused, "connect_error");
    });

    it("lets allowRequest refuse a handshake", async () => {
      const { io, url } = await startServer({
        allowRequest: (request, callback) => callback("go away", request.headers["x-key"] === "secret"),
      });
      await once(connect(url), "connect_error");
      await connected(url, { extraHeaders: { "x-key": "secret" } });
      assert.equal(io.engine.clientsCount, 1);
    });
  });

  describe("after review", () => {
    it("removes children that never got a socket, with cleanupEmptyChildNamespaces", async () => {
      const { io, url } = await startServer({ cleanupEmptyChildNamespaces: true });
      const parent = io.of(/^\/guarded-\d+$/);
      parent.use((_socket, next) => next(new Error("refused")));
      for (let i = 0; i < 5; i++) await once(connect(`${url}/guarded-${i}`), "connect_error");
      assert.equal(parent.children.size, 0);
    });

    it("gives handshake.query as a plain object where the last value wins, as engine.io does", async () => {
      const { io, port } = await startServer();
      const serverSide = once<[Socket]>(io, "connection");
      const client = await RawClient.open(port, "&tag=a&tag=b&__proto__=x"); // socket.io-client drops __proto__
      client.send("40");
      const [{ handshake }] = await serverSide;
      assert.equal(Object.getPrototypeOf(handshake.query), Object.prototype);
      assert.equal(handshake.query.tag, "b");
      assert.ok(Object.hasOwn(handshake.query, "__proto__"));
      assert.equal(({} as Record<string, unknown>).x, undefined);
    });

    it("accepts a cors.origin function that calls back with an origin setting, as the cors package does", async () => {
      const { url } = await startServer({
        cors: { origin: (_origin, callback) => callback(null, ["https://a.test", /\.b\.test$/]) },
      });
      await connected(url, { extraHeaders: { origin: "https://a.test" } });
      await connected(url, { extraHeaders: { origin: "https://x.b.test" } });
      await once(connect(url, { extraHeaders: { origin: "https://c.test" } }), "connect_error");
    });

    it("refuses a cors.origin RegExp with the g or y flag", () => {
      assert.throws(() => new Server({ cors: { origin: /good/g } }), ArgumentError);
    });

    it("serves when attached twice, and refuses a second server on the same path of one HTTP server", async () => {
      const { io, httpServer, url } = await startServer();
      io.attach(httpServer);
      await connected(url);
      assert.throws(
        () => new Server(httpServer),
        (error) => error instanceof ArgumentError && /already serves \/socket\.io\//.test(error.message),
      );
      const other = new Server(httpServer, { path: "/other" }); // another path is fine
      await connected(url, { path: "/other" });
      await connected(url);
      assert.equal(io.engine.clientsCount, 2);
      assert.equal(other.engine.clientsCount, 1);
      await other.engine.close();
    });
  });
}
