// enchufe living inside real web applications: a plain request handler, Express 5
// (http.createServer(app) and app.listen()), Fastify 5 and Hono's Node server. The
// application's own routes answer exactly as they do without enchufe, its 404 stays
// its own, socket.io-client 4.8 connects with its default transports (polling, then
// the upgrade to WebSocket) and with polling only, and closing enchufe then the
// framework leaves no server or connection open.
import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import { io as ioClient, type ManagerOptions, type Socket as ClientSocket, type SocketOptions } from "socket.io-client";
import { Server } from "../../src/index.js";
import {
  eventOrFailure,
  FRAMEWORKS,
  httpRequest,
  openNetHandles,
  type Framework,
  type HttpAnswer,
  type WebApp,
} from "../helpers/frameworks.js";
import { within } from "../helpers/honest-peer.js";
import { delay, once, until } from "../helpers/peers.js";

type Cleanup = () => Promise<void> | void;
const cleanups: Cleanup[] = [];

afterEach(async () => {
  // Clients first, then enchufe, then the applications; a step that hangs must not hold the next.
  for (const cleanup of cleanups.splice(0)) {
    await within(Promise.resolve(cleanup()), 3000, "cleanup").catch(() => undefined);
  }
});

/** Starts the application, with enchufe attached when `withEnchufe`; both closed after the test. */
async function startApp(framework: Framework, withEnchufe: true): Promise<{ app: WebApp; io: Server }>;
async function startApp(framework: Framework, withEnchufe: false): Promise<{ app: WebApp; io: undefined }>;
async function startApp(framework: Framework, withEnchufe: boolean): Promise<{ app: WebApp; io: Server | undefined }> {
  let io: Server | undefined;
  const app = await framework.start(withEnchufe ? (server) => (io = new Server(server)) : undefined);
  cleanups.push(async () => {
    await io?.close();
    await app.close().catch(() => undefined);
    app.server.closeAllConnections();
  });
  return { app, io };
}

function client(url: string, options: Partial<ManagerOptions & SocketOptions> = {}): ClientSocket {
  const socket = ioClient(url, { forceNew: true, reconnection: false, ...options });
  cleanups.unshift(() => void socket.disconnect());
  return socket;
}

/** The bytes of a binary value as socket.io-client or enchufe hand it over (Buffer, typed array or ArrayBuffer). */
function bytesOf(value: unknown): number[] {
  if (value instanceof ArrayBuffer) return [...new Uint8Array(value)];
  if (ArrayBuffer.isView(value)) return [...new Uint8Array(value.buffer, value.byteOffset, value.byteLength)];
  assert.fail(`expected binary data, got ${typeof value}: ${String(value)}`);
}

const POSTED = { n: 1, list: [1, "two", null], nested: { ok: true }, text: "¿qué tal?" };

/** The answers of the application's routes, and of a path it does not have. */
async function askRoutes(port: number): Promise<Record<"hello" | "echo" | "status" | "nowhere", HttpAnswer>> {
  return {
    hello: await httpRequest(port, "GET", "/hello"),
    echo: await httpRequest(port, "POST", "/echo", POSTED),
    status: await httpRequest(port, "GET", "/socket.io-status"),
    nowhere: await httpRequest(port, "GET", "/nowhere"),
  };
}

/** Waits for `connect`, failing fast on `connect_error`. */
function connected(socket: ClientSocket): Promise<void> {
  return eventOrFailure(socket, "connect", "connect_error");
}

/** Server side of every test: echoes `echo` through its acknowledgement and greets with bytes. */
function serveEcho(io: Server): { received: unknown[]; transports: string[] } {
  const received: unknown[] = [];
  const transports: string[] = [];
  io.engine.on("connection", (session) => transports.push(session.transport.name));
  io.on("connection", (socket) => {
    socket.on("echo", (payload: unknown, ack: (answer: unknown) => void) => {
      received.push(payload);
      ack(payload);
    });
    socket.emit("welcome", Buffer.from([1, 2, 3]));
  });
  return { received, transports };
}

async function exchange(socket: ClientSocket, tag: string, received: unknown[]): Promise<void> {
  const sent = { tag, bytes: Uint8Array.of(0, 255, 7, tag.length) };
  const answer = (await socket.timeout(3000).emitWithAck("echo", sent)) as { tag: string; bytes: unknown };
  assert.equal(answer.tag, tag);
  assert.deepEqual(bytesOf(answer.bytes), [0, 255, 7, tag.length]);
  const onServer = received.at(-1) as { tag: string; bytes: unknown };
  assert.equal(onServer.tag, tag);
  assert.ok(Buffer.isBuffer(onServer.bytes), "the server receives the bytes as a Buffer");
  assert.deepEqual([...onServer.bytes], [0, 255, 7, tag.length]);
}

for (const framework of FRAMEWORKS) {
  describe(`enchufe in ${framework.name}`, () => {
    it("leaves the application's routes answering exactly as without enchufe", async () => {
      const bare = await startApp(framework, false);
      const expected = await askRoutes(bare.app.port);
      await bare.app.close();

      const { app, io } = await startApp(framework, true);
      const actual = await askRoutes(app.port);
      assert.deepEqual(actual, expected);

      const name = framework.id;
      assert.equal(actual.hello.status, 200);
      assert.equal(actual.hello.headers["x-app"], name);
      assert.deepEqual(JSON.parse(actual.hello.body), { greeting: "hello", from: name });
      assert.equal(actual.echo.status, 201);
      assert.equal(actual.echo.headers["x-app"], name);
      assert.match(String(actual.echo.headers["content-type"]), /^application\/json/);
      assert.deepEqual(JSON.parse(actual.echo.body), { echo: POSTED, from: name });
      assert.equal(actual.status.status, 200);
      assert.equal(actual.status.headers["x-app"], name);
      assert.equal(actual.status.body, "status: ok");
      // And enchufe really is there, on its own path of the same server.
      const handshake = await httpRequest(app.port, "GET", "/socket.io/?EIO=4&transport=polling");
      assert.equal(handshake.status, 200);
      assert.match(handshake.body, /^0\{"sid":"/);
      const { sid } = JSON.parse(handshake.body.slice(1)) as { sid: string };
      assert.equal(io.engine.clientsCount, 1);
      // The hand-made session closes itself (a close packet), so that io.close() waits for nobody.
      const closing = await httpRequest(app.port, "POST", `/socket.io/?EIO=4&transport=polling&sid=${sid}`, 1);
      assert.deepEqual([closing.status, closing.body], [200, "ok"]);
      await until(() => io.engine.clientsCount === 0);
    });

    it("leaves an unknown path to the framework's own 404", async () => {
      const { app } = await startApp(framework, true);
      const answer = await httpRequest(app.port, "GET", "/nowhere");
      assert.equal(answer.status, 404);
      assert.match(answer.body, framework.notFound);
    });

    it("connects socket.io-client with its default transports, exchanges events and upgrades to websocket", async () => {
      const { app, io } = await startApp(framework, true);
      const { received, transports } = serveEcho(io);
      const socket = client(app.url);
      const upgraded = once(socket.io.engine, "upgrade");
      const welcome = once<[unknown]>(socket, "welcome");
      await connected(socket);
      assert.deepEqual(transports, ["polling"], "the session opens over polling");
      assert.deepEqual(bytesOf((await welcome)[0]), [1, 2, 3]);
      await exchange(socket, "first", received);

      await upgraded;
      assert.equal(socket.io.engine.transport.name, "websocket");
      const [serverSocket] = [...io.sockets.sockets.values()];
      await until(() => serverSocket?.conn.transport.name === "websocket");
      await exchange(socket, "after the upgrade", received);
      // The application goes on answering beside the live connection.
      assert.equal((await httpRequest(app.port, "GET", "/hello")).status, 200);
      assert.equal(io.engine.clientsCount, 1);
    });

    it("connects a polling-only socket.io-client and keeps it on polling", async () => {
      const { app, io } = await startApp(framework, true);
      const { received, transports } = serveEcho(io);
      const socket = client(app.url, { transports: ["polling"] });
      const welcome = once<[unknown]>(socket, "welcome");
      await connected(socket);
      assert.deepEqual(bytesOf((await welcome)[0]), [1, 2, 3]);
      await exchange(socket, "polling", received);
      await exchange(socket, "polling again", received);
      await delay(100);
      assert.deepEqual(transports, ["polling"]);
      assert.equal(socket.io.engine.transport.name, "polling");
      assert.equal([...io.sockets.sockets.values()][0]?.conn.transport.name, "polling");
    });

    it("closes with io.close() and then the framework's own close, leaving no server or connection open", async () => {
      const handlesBefore = openNetHandles();
      const { app, io } = await startApp(framework, true);
      const { received } = serveEcho(io);
      const upgrading = client(app.url);
      const upgraded = once(upgrading.io.engine, "upgrade");
      const polling = client(app.url, { transports: ["polling"] });
      await Promise.all([connected(upgrading), connected(polling)]);
      await upgraded;
      await exchange(polling, "before close", received);
      assert.equal((await httpRequest(app.port, "POST", "/echo", POSTED)).status, 201);

      const reasons = Promise.all([once<[string]>(upgrading, "disconnect"), once<[string]>(polling, "disconnect")]);
      await within(io.close(), 5000, "io.close()");
      assert.deepEqual(
        (await reasons).map(([reason]) => reason),
        ["io server disconnect", "io server disconnect"],
      );
      await within(app.close(), 5000, "the framework's close");
      assert.equal(app.server.listening, false);
      await until(() => openNetHandles() <= handlesBefore, 3000);
    });
  });
}
