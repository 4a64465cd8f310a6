// `enchufe/engine` on its own, as applications use the `engine.io` package, against
// the real peer: engine.io-client 6.6 from npm. listen() and attach(), the default
// and custom paths, sessions and their properties, text and binary both ways over
// each transport, the upgrade from polling to WebSocket with nothing lost or
// reordered, closes from either side, refused requests, heartbeats, and the engine
// under the Socket.IO server being this same EngineServer.
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, it } from "node:test";
import { Socket as EngineClient, type SocketOptions } from "engine.io-client";
import { WebSocket } from "ws";
import {
  attach,
  EngineServer,
  listen,
  Session,
  type ConnectionError,
  type EngineOptions,
} from "../../src/engine/index.js";
import { eventOrFailure, httpRequest } from "../helpers/frameworks.js";
import { closeAll, connected, delay, once, startServer, until } from "../helpers/peers.js";

type Cleanup = () => Promise<void> | void;
const cleanups: Cleanup[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
  await closeAll();
});

interface Running {
  engine: EngineServer & { httpServer?: HttpServer };
  httpServer: HttpServer;
  port: number;
}

async function closeEngine(engine: EngineServer, httpServer: HttpServer): Promise<void> {
  await Promise.resolve(engine.close());
  httpServer.closeAllConnections();
  if (httpServer.listening) await new Promise((resolve) => httpServer.close(resolve));
}

/** An engine from `listen(0)`, once its `onListening` callback ran; closed after the test. */
async function listening(options?: EngineOptions): Promise<Running> {
  let engine: ReturnType<typeof listen> | undefined;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("listen() did not call back within 5000 ms")), 5000);
    engine = listen(0, options, () => {
      clearTimeout(timer);
      resolve();
    });
    const { httpServer } = engine;
    cleanups.push(() => closeEngine(engine!, httpServer));
  });
  const { httpServer } = engine!;
  return { engine: engine!, httpServer, port: (httpServer.address() as AddressInfo).port };
}

/** An engine from `attach()` on an application's HTTP server; closed after the test. */
async function attached(options?: EngineOptions): Promise<Running> {
  const httpServer = createServer((request, response) => {
    response.writeHead(200, { "content-type": "text/plain" }).end(`app saw ${request.url}`);
  });
  const engine = attach(httpServer, options);
  cleanups.push(() => closeEngine(engine, httpServer));
  await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
  return { engine, httpServer, port: (httpServer.address() as AddressInfo).port };
}

/** An engine.io-client socket to the loopback port; closed after the test, before any engine (unshift). */
function client(port: number, options: Partial<SocketOptions> = {}): EngineClient {
  const socket = new EngineClient(`http://127.0.0.1:${port}`, options);
  socket.on("error", () => undefined);
  cleanups.unshift(() => void socket.close());
  return socket;
}

/** Opens a client and returns it with its server-side session. */
async function open(
  running: Running,
  options: Partial<SocketOptions> = {},
): Promise<{ socket: EngineClient; session: Session }> {
  const connection = once<[Session]>(running.engine, "connection");
  const socket = client(running.port, options);
  await eventOrFailure(socket, "open", "error");
  const [session] = await connection;
  assert.equal(session.id, socket.id, "the client's sid is the session's id");
  return { socket, session };
}

/** The bytes of binary data, whatever its kind (Buffer, typed array or ArrayBuffer). */
function bytesOf(value: unknown): number[] {
  if (value instanceof ArrayBuffer) return [...new Uint8Array(value)];
  if (ArrayBuffer.isView(value)) return [...new Uint8Array(value.buffer, value.byteOffset, value.byteLength)];
  assert.fail(`expected binary data, got ${typeof value}: ${String(value)}`);
}

/** Collects the `message` events of an emitter. */
function messages(target: EngineClient | Session): unknown[] {
  const received: unknown[] = [];
  (target as Session).on("message", (data) => received.push(data));
  return received;
}

describe("listen()", () => {
  it("serves a new HTTP server on the port, with the engine at /engine.io/ by default", async () => {
    const running = await listening();
    assert.ok(running.engine instanceof EngineServer);
    assert.ok(running.httpServer.listening);
    assert.ok(running.port > 0);
    assert.equal(running.engine.options.path, "/engine.io");
    const { socket, session } = await open(running);
    assert.ok(session instanceof Session);
    assert.match(session.id, /^[\w-]{20}$/);
    assert.equal(session.transport.name, "polling", "the default transports start with polling");
    assert.equal(session.readyState, "open");
    assert.match(session.remoteAddress, /^(::ffff:)?127\.0\.0\.1$/);
    assert.equal(socket.readyState, "open");
  });

  it("leaves /socket.io/ and other paths unanswered (404) and opens no session there", async () => {
    const running = await listening();
    let connections = 0;
    running.engine.on("connection", () => connections++);
    const socketIoPath = await httpRequest(running.port, "GET", "/socket.io/?EIO=4&transport=polling");
    assert.equal(socketIoPath.status, 404);
    assert.equal((await httpRequest(running.port, "GET", "/elsewhere")).status, 404);
    const wrongPath = client(running.port, { path: "/socket.io", transports: ["polling"] });
    await once(wrongPath, "close");
    assert.equal(wrongPath.readyState, "closed");
    const wrongPathWs = client(running.port, { path: "/socket.io", transports: ["websocket"] });
    await once(wrongPathWs, "close");
    assert.equal(connections, 0);
    assert.equal(running.engine.clientsCount, 0);
  });
});

describe("attach()", () => {
  it("serves on a custom path of an existing HTTP server and leaves its other routes alone", async () => {
    const running = await attached({ path: "/custom" });
    assert.equal(running.engine.options.path, "/custom");
    const { socket, session } = await open(running, { path: "/custom" });
    session.send("on the custom path");
    assert.deepEqual(await once(socket, "message"), ["on the custom path"]);
    assert.deepEqual(await httpRequest(running.port, "GET", "/engine.io/?EIO=4&transport=polling"), {
      status: 200,
      headers: { "content-type": "text/plain", connection: "close", "transfer-encoding": "chunked" },
      body: "app saw /engine.io/?EIO=4&transport=polling",
    });
    assert.equal((await httpRequest(running.port, "GET", "/custom-page")).body, "app saw /custom-page");
    assert.equal(running.engine.clientsCount, 1);
  });
});

for (const transport of ["polling", "websocket"] as const) {
  describe(`a session over ${transport} only`, () => {
    it("opens on that transport and stays there", async () => {
      const running = await listening();
      const { socket, session } = await open(running, { transports: [transport] });
      assert.equal(session.transport.name, transport);
      assert.equal(socket.transport.name, transport);
      session.send("still here");
      await once(socket, "message");
      assert.equal(session.transport.name, transport);
      assert.equal(session.upgraded, false);
    });

    it("carries text messages both ways, in order", async () => {
      const running = await listening();
      const { socket, session } = await open(running, { transports: [transport] });
      const onClient = messages(socket);
      const onServer = messages(session);
      session.send("hi");
      session.send("¿qué tal? 👋");
      socket.send("hello");
      socket.send("");
      await until(() => onClient.length === 2 && onServer.length === 2);
      assert.deepEqual(onClient, ["hi", "¿qué tal? 👋"]);
      assert.deepEqual(onServer, ["hello", ""]);
    });

    it("carries binary messages both ways as binary", async () => {
      const running = await listening();
      const { socket, session } = await open(running, { transports: [transport] });
      const onClient = messages(socket);
      const onServer = messages(session);
      session.send(Buffer.from([1, 2, 3]));
      session.send(Uint8Array.of(0, 255));
      socket.send(Uint8Array.of(7, 8, 9));
      socket.send(Buffer.from("text as bytes"));
      await until(() => onClient.length === 2 && onServer.length === 2);
      assert.deepEqual(onClient.map(bytesOf), [
        [1, 2, 3],
        [0, 255],
      ]);
      for (const data of onServer) assert.ok(data instanceof Uint8Array, "binary arrives as a Buffer/Uint8Array");
      assert.deepEqual(onServer.map(bytesOf), [[7, 8, 9], [...Buffer.from("text as bytes")]]);
    });

    it("closes the session with 'transport close' when the client closes", async () => {
      const running = await listening();
      const { socket, session } = await open(running, { transports: [transport] });
      const serverClose = once<[string]>(session, "close");
      const clientClose = once<[string]>(socket, "close");
      socket.close();
      assert.equal((await serverClose)[0], "transport close");
      assert.equal((await clientClose)[0], "forced close");
      await until(() => running.engine.clientsCount === 0);
      assert.equal(session.readyState, "closed");
    });

    it("closes the client when the server closes the session", async () => {
      const running = await listening();
      const { socket, session } = await open(running, { transports: [transport] });
      const onClient = messages(socket);
      const serverClose = once<[string]>(session, "close");
      const clientClose = once<[string]>(socket, "close");
      session.send("last words");
      session.close();
      assert.equal((await serverClose)[0], "forced close");
      assert.equal((await clientClose)[0], "transport close");
      assert.deepEqual(onClient, ["last words"], "what was sent before close() arrives");
      assert.equal(socket.readyState, "closed");
      await until(() => running.engine.clientsCount === 0);
      assert.equal(session.readyState, "closed");
    });
  });
}

describe("the upgrade from polling to websocket", () => {
  it("moves the session to websocket, both sides emitting upgrade", async () => {
    const running = await listening();
    const { socket, session } = await open(running);
    assert.equal(session.transport.name, "polling");
    const upgrading = once(session, "upgrading");
    const serverUpgrade = once(session, "upgrade");
    const clientUpgrade = once(socket, "upgrade");
    await Promise.all([upgrading, serverUpgrade, clientUpgrade]);
    assert.equal(session.transport.name, "websocket");
    assert.equal(session.upgraded, true);
    assert.equal(session.upgrading, false);
    assert.equal(socket.transport.name, "websocket");
    const toClient = once(socket, "message");
    const toServer = once(session, "message");
    session.send("over websocket");
    socket.send("back over websocket");
    assert.deepEqual(await toClient, ["over websocket"]);
    assert.deepEqual(await toServer, ["back over websocket"]);
    assert.equal(running.engine.clientsCount, 1);
  });

  it("delivers numbered streams both ways across the upgrade, in order and without loss", async () => {
    const running = await listening();
    const { socket, session } = await open(running);
    const onClient = messages(socket);
    const onServer = messages(session);
    let serverSent = 0;
    let clientSent = 0;
    let serverAtUpgrade = -1;
    let clientAtUpgrade = -1;
    let sentAfter = 0;
    const sendBoth = (): void => {
      session.send(String(serverSent++));
      socket.send(String(clientSent++));
    };
    // Numbers go out on every event of the upgrade and on a 1 ms beat, until 20 more after it.
    session.on("upgrading", sendBoth);
    session.on("upgrade", () => {
      serverAtUpgrade = serverSent;
      sendBoth();
    });
    socket.on("upgrading", sendBoth);
    socket.on("upgrade", () => {
      clientAtUpgrade = clientSent;
      sendBoth();
    });
    sendBoth();
    await new Promise<void>((resolve, reject) => {
      const beat = setInterval(() => {
        sendBoth();
        if (serverAtUpgrade >= 0 && clientAtUpgrade >= 0 && ++sentAfter >= 20) {
          clearInterval(beat);
          resolve();
        } else if (serverSent > 3000) {
          clearInterval(beat);
          reject(new Error("no upgrade while 3000 messages were sent"));
        }
      }, 1);
    });
    assert.ok(serverAtUpgrade > 1 && clientAtUpgrade > 1, "messages went out before the upgrade");
    await until(() => onClient.length >= serverSent && onServer.length >= clientSent);
    const numbers = (count: number): string[] => Array.from({ length: count }, (_, index) => String(index));
    assert.deepEqual(onClient, numbers(serverSent));
    assert.deepEqual(onServer, numbers(clientSent));
    assert.equal(session.transport.name, "websocket");
  });
});

describe("engine.close()", () => {
  it("closes every session, whatever its transport", async () => {
    const running = await listening();
    const polling = await open(running, { transports: ["polling"] });
    const websocket = await open(running, { transports: ["websocket"] });
    const upgraded = await open(running);
    if (upgraded.session.transport.name !== "websocket") await once(upgraded.session, "upgrade");
    assert.equal(running.engine.clientsCount, 3);
    const all = [polling, websocket, upgraded];
    const serverCloses = Promise.all(all.map(({ session }) => once<[string]>(session, "close")));
    const clientCloses = Promise.all(all.map(({ socket }) => once<[string]>(socket, "close")));
    await Promise.resolve(running.engine.close());
    assert.deepEqual(
      (await serverCloses).map(([reason]) => reason),
      ["forced close", "forced close", "forced close"],
    );
    assert.deepEqual(
      (await clientCloses).map(([reason]) => reason),
      ["transport close", "transport close", "transport close"],
    );
    await until(() => running.engine.clientsCount === 0);
  });
});

describe("connection_error", () => {
  it("is emitted with the code and the request for each refused request", async () => {
    const running = await listening();
    const errors: ConnectionError[] = [];
    running.engine.on("connection_error", (error) => errors.push(error));
    const badVersion = await httpRequest(running.port, "GET", "/engine.io/?EIO=3&transport=polling");
    assert.equal(badVersion.status, 400);
    assert.deepEqual(JSON.parse(badVersion.body), { code: 5, message: "Unsupported protocol version" });
    const badTransport = await httpRequest(running.port, "GET", "/engine.io/?EIO=4&transport=carrier-pigeon");
    assert.deepEqual(JSON.parse(badTransport.body), { code: 0, message: "Transport unknown" });
    const badSid = await httpRequest(running.port, "GET", "/engine.io/?EIO=4&transport=polling&sid=nobody");
    assert.deepEqual(JSON.parse(badSid.body), { code: 1, message: "Session ID unknown" });
    assert.deepEqual(
      errors.map(({ code, message, req }) => [code, message, req.url]),
      [
        [5, "Unsupported protocol version", "/engine.io/?EIO=3&transport=polling"],
        [0, "Transport unknown", "/engine.io/?EIO=4&transport=carrier-pigeon"],
        [1, "Session ID unknown", "/engine.io/?EIO=4&transport=polling&sid=nobody"],
      ],
    );
    assert.equal(running.engine.clientsCount, 0);
  });

  it("is emitted for a refused WebSocket handshake, which gets a 400", async () => {
    const running = await listening();
    const errors: ConnectionError[] = [];
    running.engine.on("connection_error", (error) => errors.push(error));
    const path = "/engine.io/?EIO=3&transport=websocket";
    const ws = new WebSocket(`ws://127.0.0.1:${running.port}${path}`);
    ws.on("error", () => undefined);
    cleanups.unshift(() => ws.terminate());
    const [, response] = await once<[unknown, IncomingMessage]>(ws, "unexpected-response");
    assert.equal(response.statusCode, 400);
    assert.deepEqual(
      errors.map(({ code, message, req }) => [code, message, req.url]),
      [[5, "Unsupported protocol version", path]],
    );
    assert.equal(running.engine.clientsCount, 0);
  });
});

describe("heartbeats", () => {
  for (const transport of ["polling", "websocket"] as const) {
    it(`keep an idle ${transport} session open past several ping timeouts`, async () => {
      const running = await listening({ pingInterval: 50, pingTimeout: 250 });
      const { socket, session } = await open(running, { transports: [transport] });
      let heartbeats = 0;
      let closes = 0;
      session.on("heartbeat", () => heartbeats++);
      session.on("close", () => closes++);
      socket.on("close", () => closes++);
      // Fifteen answered pings take at least 750 ms: more than twice what a client may wait for a ping (300 ms).
      await until(() => heartbeats >= 15, 5000);
      assert.equal(closes, 0);
      assert.equal(session.readyState, "open");
      assert.equal(socket.readyState, "open");
      assert.equal(running.engine.clientsCount, 1);
    });
  }
});

describe("clientsCount", () => {
  it("follows sessions as they open and close", async () => {
    const running = await listening();
    assert.equal(running.engine.clientsCount, 0);
    const first = await open(running, { transports: ["websocket"] });
    assert.equal(running.engine.clientsCount, 1);
    const second = await open(running, { transports: ["polling"] });
    assert.equal(running.engine.clientsCount, 2);
    assert.deepEqual([...running.engine.sessions.keys()].sort(), [first.session.id, second.session.id].sort());
    first.socket.close();
    await until(() => running.engine.clientsCount === 1);
    second.session.close();
    await until(() => running.engine.clientsCount === 0);
    await delay(50);
    assert.equal(running.engine.clientsCount, 0);
  });
});

describe("the Socket.IO Server's engine", () => {
  it("is one EngineServer that emits connection for each new client", async () => {
    const { io, url } = await startServer();
    const engine = io.engine;
    assert.ok(engine instanceof EngineServer);
    assert.equal(io.engine, engine);
    const sessions: Session[] = [];
    engine.on("connection", (session) => sessions.push(session));
    const first = await connected(url);
    const second = await connected(url, { transports: ["polling"] });
    assert.equal(sessions.length, 2);
    const serverSockets = [...io.sockets.sockets.values()];
    assert.deepEqual(
      serverSockets.map((socket) => sessions.indexOf(socket.conn)),
      [0, 1],
      "each socket's conn is the session the engine announced",
    );
    assert.deepEqual(
      sessions.map((session) => session.transport.name),
      ["websocket", "polling"],
    );
    assert.equal(engine.clientsCount, 2);
    assert.ok(first.connected && second.connected);
  });
});
