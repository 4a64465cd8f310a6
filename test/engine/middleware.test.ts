// engine.use() middleware and the headers / initial_headers events, as Socket.IO
// applications use them: express-session shared with the sockets, headers added to
// handshake answers, and middleware that refuses.
import assert from "node:assert/strict";
import { createServer, type IncomingMessage } from "node:http";
import { afterEach, describe, it } from "node:test";
import express from "express";
import session from "express-session";
import type { Socket } from "../../src/index.js";
import { connect, connected, once, startServer, useClientTransports } from "../helpers/peers.js";
import {
  assertRefused,
  cleanUpPollingTest,
  call,
  packetsOf,
  pollingHandshake,
  WebSocketPeer,
} from "../helpers/polling.js";
import { exchange, parseResponse, upgradeRequest } from "../helpers/raw-tcp.js";

useClientTransports(undefined); // socket.io-client's defaults: polling, then the upgrade
afterEach(cleanUpPollingTest);

declare module "express-session" {
  interface SessionData {
    user: string;
  }
}

const HANDSHAKE = "EIO=4&transport=polling";

describe("engine.use() with express-session", () => {
  for (const transports of [undefined, ["polling"], ["websocket"]] as const) {
    it(`gives sockets the session of their cookie (client transports: ${transports?.join(",") ?? "default"})`, async () => {
      const sessionMiddleware = session({ secret: "test secret", resave: false, saveUninitialized: false });
      const app = express();
      app.use(sessionMiddleware);
      app.post("/login", (request, response) => {
        request.session.user = "ana";
        response.sendStatus(204);
      });
      const { io, port, url } = await startServer({}, createServer(app));
      io.engine.use(sessionMiddleware);

      const login = await call(port, "", { method: "POST" }, "/login").within();
      assert.equal(login.status, 204, "the app's own route still answers");
      const cookie = login.headers["set-cookie"]?.[0]?.split(";")[0] ?? "";
      assert.ok(cookie.startsWith("connect.sid="), "the app set its session cookie");

      const serverSide = once<[Socket]>(io, "connection");
      const client = await connected(url, {
        extraHeaders: { cookie },
        ...(transports === undefined ? {} : { transports: [...transports] }),
      });
      const [socket] = await serverSide;
      const request = socket.request as typeof socket.request & { session?: { user?: string } };
      assert.equal(request.session?.user, "ana", "the socket's request carries the session");
      assert.equal(client.connected, true);
    });
  }

  it("leaves sockets without a cookie without a user", async () => {
    const sessionMiddleware = session({ secret: "test secret", resave: false, saveUninitialized: false });
    const { io, url } = await startServer();
    io.engine.use(sessionMiddleware);
    const serverSide = once<[Socket]>(io, "connection");
    await connected(url);
    const [socket] = await serverSide;
    const request = socket.request as typeof socket.request & { session?: { user?: string } };
    assert.equal(request.session?.user, undefined);
  });
});

describe("engine.use()", () => {
  it("runs every middleware in order on every request of the path, polling and WebSocket", async () => {
    const { io, url } = await startServer();
    const seen: string[] = [];
    const order = new WeakMap<IncomingMessage, string>();
    io.engine.use((request, _response, next) => {
      order.set(request, "a");
      next();
    });
    io.engine.use((request, _response, next) => {
      setTimeout(() => {
        // asynchronous, as a session store lookup is
        const transport = new URL(request.url!, "http://x").searchParams.get("transport");
        seen.push(`${transport}:${order.get(request)}b`);
        next();
      }, 1);
    });
    const client = connect(url);
    await once(client.io.engine, "upgrade", 3000);
    assert.ok(seen.includes("polling:ab") && seen.includes("websocket:ab"), seen.join(" "));
    assert.ok(
      seen.every((entry) => entry.endsWith(":ab")),
      `a, then b, on each request: ${seen.join(" ")}`,
    );
  });

  it("refuses a polling request with 400 code 3 when a middleware fails, and tells connection_error", async () => {
    const { io, port } = await startServer();
    io.engine.use((_request, _response, next) => next(new Error("no entry")));
    const errors = [] as { code: number; message: string }[];
    io.engine.on("connection_error", ({ code, message }) => errors.push({ code, message }));
    assertRefused(await call(port, HANDSHAKE).within());
    assert.deepEqual(errors, [{ code: 3, message: "Bad request" }]);
    assert.equal(io.engine.clientsCount, 0);
  });

  it("refuses when a middleware throws, and goes on serving", async () => {
    const { io, port } = await startServer();
    let isFailing = true;
    io.engine.use((_request, _response, next) => {
      if (isFailing) throw new Error("bug in middleware");
      next();
    });
    assertRefused(await call(port, HANDSHAKE).within());
    isFailing = false;
    const { open } = await pollingHandshake(port);
    assert.equal(typeof open.sid, "string");
  });

  it("refuses a WebSocket handshake with 400 code 3 when a middleware fails", async () => {
    const { io, port } = await startServer();
    io.engine.use((request, _response, next) => next(request.headers.upgrade ? new Error("no WebSocket") : undefined));
    const { data } = await exchange(port, upgradeRequest("/socket.io/?EIO=4&transport=websocket"));
    assertRefused(parseResponse(data));
    const { open } = await pollingHandshake(port);
    assert.equal(typeof open.sid, "string", "polling still passes");
  });

  it("lets a middleware answer a polling request itself", async () => {
    const { io, port } = await startServer();
    io.engine.use((_request, response) => response.writeHead(401, { "Content-Type": "text/plain" }).end("log in"));
    const answer = await call(port, HANDSHAKE).within();
    assert.equal(answer.status, 401);
    assert.equal(answer.text, "log in");
    assert.equal(io.engine.clientsCount, 0);
  });

  it("refuses a WebSocket handshake that a middleware answers, and a socket.io client sees connect_error", async () => {
    const { io, url } = await startServer();
    io.engine.use((request, response, next) => (request.headers.upgrade ? response.end() : next()));
    const client = connect(url, { transports: ["websocket"] });
    await once(client, "connect_error", 3000);
    assert.equal(io.engine.clientsCount, 0);
  });

  it("puts the headers a middleware sets on the 101 answer of a WebSocket handshake", async () => {
    const { io, port } = await startServer();
    io.engine.use((_request, response, next) => {
      response.setHeader("X-Middleware", "yes");
      next();
    });
    const peer = await WebSocketPeer.open(port, "EIO=4&transport=websocket");
    assert.equal((await peer.upgradeHeaders)["x-middleware"], "yes");
    assert.match(String(await peer.next()), /^0\{"sid"/);
  });

  it("refuses a header value with a line break in a middleware, as Node's ServerResponse does", async () => {
    const { io, port } = await startServer();
    io.engine.use((_request, response, next) => {
      response.setHeader("X-Bad", "a\r\nSet-Cookie: evil=1");
      next();
    });
    const { data } = await exchange(port, upgradeRequest("/socket.io/?EIO=4&transport=websocket"));
    const answer = parseResponse(data);
    assertRefused(answer);
    assert.equal(answer.headers["set-cookie"], undefined);
  });
});

describe("headers and initial_headers", () => {
  it("add headers to the handshake answer only (initial_headers) and to every polling answer (headers)", async () => {
    const { io, port } = await startServer();
    const initial: IncomingMessage[] = [];
    io.engine.on("initial_headers", (headers, request) => {
      headers["X-Initial"] = "1";
      initial.push(request);
    });
    io.engine.on("headers", (headers) => {
      headers["X-Every"] = "1";
    });
    const handshake = await call(port, HANDSHAKE).within();
    assert.equal(handshake.headers["x-initial"], "1");
    assert.equal(handshake.headers["x-every"], "1");
    assert.equal(initial.length, 1);
    const { sid } = JSON.parse(packetsOf(handshake.text)[0]!.slice(1)) as { sid: string };

    const post = await call(port, `${HANDSHAKE}&sid=${sid}`, { method: "POST", body: "40" }).within();
    assert.equal(post.text, "ok");
    assert.equal(post.headers["x-initial"], undefined);
    assert.equal(post.headers["x-every"], "1");
    const get = await call(port, `${HANDSHAKE}&sid=${sid}`).within();
    assert.match(get.text, /^40\{"sid"/);
    assert.equal(get.headers["x-initial"], undefined);
    assert.equal(get.headers["x-every"], "1");
    assert.equal(initial.length, 1);
    await call(port, `${HANDSHAKE}&sid=${sid}`, { method: "POST", body: "1" }).within();
  });

  it("add headers to the 101 of a WebSocket handshake (both) and of an upgrade (headers only)", async () => {
    const { io, port } = await startServer();
    io.engine.on("initial_headers", (headers) => {
      headers["X-Initial"] = "1";
    });
    io.engine.on("headers", (headers) => {
      headers["X-Every"] = "1";
    });
    const direct = await (await WebSocketPeer.open(port, "EIO=4&transport=websocket")).upgradeHeaders;
    assert.equal(direct["x-initial"], "1");
    assert.equal(direct["x-every"], "1");

    const { open } = await pollingHandshake(port);
    const upgrade = await (await WebSocketPeer.open(port, `EIO=4&transport=websocket&sid=${open.sid}`)).upgradeHeaders;
    assert.equal(upgrade["x-initial"], undefined);
    assert.equal(upgrade["x-every"], "1");
  });

  it("drop a header value HTTP cannot carry, report it, and still answer", async () => {
    const { io, port } = await startServer();
    io.engine.on("initial_headers", (headers) => {
      headers["X-Bad"] = "a\r\nSet-Cookie: evil=1";
      headers["X-Good"] = "1";
    });
    const reported = once<[Error]>(io.engine, "error", 3000);
    const answer = await call(port, HANDSHAKE).within();
    assert.equal(answer.status, 200);
    assert.equal(answer.headers["x-good"], "1");
    assert.equal(answer.headers["x-bad"], undefined);
    assert.equal(answer.headers["set-cookie"], undefined);
    const [error] = await reported;
    assert.match(error.message, /Invalid character in header content \["X-Bad"\]/);
  });
});
