// Abusive handshakes, written byte for byte over TCP to 127.0.0.1: bad query
// parameters, wrong methods, unknown sessions, upgrades on other paths, and a
// burst of sessions that never join a namespace. Each is refused the way engine.io
// refuses it (400 with a JSON `{ code, message }`), the server stays up, an honest
// socket.io-client peer keeps working, and the application's own routes on the
// same http.Server keep working.
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { afterEach, describe, it } from "node:test";
import type { Server, ServerOptions, Socket } from "../../src/index.js";
import { closeAll, connected, RawClient, until } from "../helpers/peers.js";
import { assertStillServing, setupHonestPeer, within, type HonestFixture } from "../helpers/honest-peer.js";
import {
  destroyRawTcp,
  encodeFrame,
  exchange,
  httpRequest,
  Opcode,
  openTcp,
  parseResponse,
  upgradeRequest,
  type RawResponse,
} from "../helpers/raw-tcp.js";

afterEach(async () => {
  destroyRawTcp();
  await closeAll();
});

interface Fixture extends HonestFixture {
  /** Requests that reached the application's own request listener, as "METHOD url". */
  appRequests: string[];
}

/** A server on an http.Server that has its own request listener, and an honest peer. */
async function setup(options: ServerOptions = {}): Promise<Fixture> {
  const appRequests: string[] = [];
  const httpServer = createServer((request: IncomingMessage, response: ServerResponse) => {
    appRequests.push(`${request.method} ${request.url}`);
    const body = `app saw ${request.url}`;
    response.writeHead(200, { "Content-Type": "text/plain", "Content-Length": Buffer.byteLength(body) }).end(body);
  });
  return { ...(await setupHonestPeer(options, httpServer)), appRequests };
}

/** Sends a raw request; returns the parsed answer and whether the server closed the connection. */
async function send(fixture: Fixture, request: string): Promise<RawResponse & { closedByServer: boolean }> {
  const { data, closedByServer } = await exchange(fixture.server.port, request);
  return { ...parseResponse(data), closedByServer };
}

/** Checks an engine.io-style refusal: the status, a JSON body `{ code, message }`, and the close. */
function assertRefused(
  response: RawResponse & { closedByServer: boolean },
  code: number,
  message: string,
  status = 400,
): void {
  assert.equal(response.status, status, `status of ${JSON.stringify(response)}`);
  assert.match(response.headers["content-type"] ?? "", /^application\/json/);
  assert.deepEqual(JSON.parse(response.body), { code, message });
  assert.equal(response.closedByServer, true, "the server must close the connection after refusing");
}

const TRANSPORT_UNKNOWN = [0, "Transport unknown"] as const;
const SESSION_ID_UNKNOWN = [1, "Session ID unknown"] as const;
const BAD_HANDSHAKE_METHOD = [2, "Bad handshake method"] as const;
const BAD_REQUEST = [3, "Bad request"] as const;
const UNSUPPORTED_PROTOCOL_VERSION = [5, "Unsupported protocol version"] as const;

describe("refused handshakes", () => {
  const refusals: { name: string; request: string; refusal: readonly [number, string] }[] = [
    {
      name: "transport=__proto__ as a plain GET",
      request: httpRequest("/socket.io/?EIO=4&transport=__proto__"),
      refusal: TRANSPORT_UNKNOWN,
    },
    {
      name: "transport=__proto__ as an upgrade",
      request: upgradeRequest("/socket.io/?EIO=4&transport=__proto__"),
      refusal: TRANSPORT_UNKNOWN,
    },
    {
      name: "transport=constructor as an upgrade",
      request: upgradeRequest("/socket.io/?EIO=4&transport=constructor"),
      refusal: TRANSPORT_UNKNOWN,
    },
    {
      name: "a repeated transport parameter as an upgrade",
      request: upgradeRequest("/socket.io/?EIO=4&transport=websocket&transport=websocket"),
      refusal: TRANSPORT_UNKNOWN,
    },
    {
      name: "no transport parameter as an upgrade",
      request: upgradeRequest("/socket.io/?EIO=4"),
      refusal: TRANSPORT_UNKNOWN,
    },
    {
      name: "transport=polling as an upgrade",
      request: upgradeRequest("/socket.io/?EIO=4&transport=polling"),
      refusal: BAD_REQUEST,
    },
    {
      name: "a polling handshake that is not a GET",
      request: httpRequest("/socket.io/?EIO=4&transport=polling", { method: "PUT" }),
      refusal: BAD_HANDSHAKE_METHOD,
    },
    {
      name: "EIO=3 as a plain GET",
      request: httpRequest("/socket.io/?EIO=3&transport=websocket"),
      refusal: UNSUPPORTED_PROTOCOL_VERSION,
    },
    {
      name: "EIO=3 as an upgrade",
      request: upgradeRequest("/socket.io/?EIO=3&transport=websocket"),
      refusal: UNSUPPORTED_PROTOCOL_VERSION,
    },
    {
      name: "no EIO as a plain GET",
      request: httpRequest("/socket.io/?transport=websocket"),
      refusal: UNSUPPORTED_PROTOCOL_VERSION,
    },
    {
      name: "no EIO as an upgrade",
      request: upgradeRequest("/socket.io/?transport=websocket"),
      refusal: UNSUPPORTED_PROTOCOL_VERSION,
    },
    {
      name: "no query at all as an upgrade",
      request: upgradeRequest("/socket.io/"),
      refusal: UNSUPPORTED_PROTOCOL_VERSION,
    },
    {
      name: "a repeated EIO parameter as an upgrade",
      request: upgradeRequest("/socket.io/?EIO=4&EIO=4&transport=websocket"),
      refusal: UNSUPPORTED_PROTOCOL_VERSION,
    },
    {
      name: "transport=websocket as a plain GET",
      request: httpRequest("/socket.io/?EIO=4&transport=websocket"),
      refusal: BAD_REQUEST,
    },
    {
      name: "an upgrade with sid=unknown",
      request: upgradeRequest("/socket.io/?EIO=4&transport=websocket&sid=unknown"),
      refusal: SESSION_ID_UNKNOWN,
    },
    {
      name: "an upgrade with an empty sid",
      request: upgradeRequest("/socket.io/?EIO=4&transport=websocket&sid="),
      refusal: SESSION_ID_UNKNOWN,
    },
    {
      name: "a POST upgrade with a body",
      request: upgradeRequest("/socket.io/?EIO=4&transport=websocket", { method: "POST", body: "hello=world" }),
      refusal: BAD_HANDSHAKE_METHOD,
    },
    {
      name: "a PUT upgrade without a body",
      request: upgradeRequest("/socket.io/?EIO=4&transport=websocket", { method: "PUT" }),
      refusal: BAD_HANDSHAKE_METHOD,
    },
  ];

  for (const { name, request, refusal } of refusals) {
    it(`refuses ${name} with 400 code ${refusal[0]}`, async () => {
      const fixture = await setup();
      assertRefused(await send(fixture, request), ...refusal);
      assert.equal(fixture.io.engine.clientsCount, 1, "no session may be opened");
      assert.deepEqual(fixture.appRequests, [], "the engine's path must not reach the application");
      await assertStillServing(fixture);
    });
  }

  const invalidWebSocket: { name: string; headers: Record<string, string> }[] = [
    { name: "Sec-WebSocket-Version: 99", headers: { "Sec-WebSocket-Version": "99" } },
    { name: "a malformed Sec-WebSocket-Key", headers: { "Sec-WebSocket-Key": "short" } },
    { name: "Upgrade: h2c", headers: { Upgrade: "h2c" } },
  ];
  for (const { name, headers } of invalidWebSocket) {
    it(`refuses a WebSocket handshake with ${name} without opening a session`, async () => {
      const fixture = await setup();
      const response = await send(fixture, upgradeRequest("/socket.io/?EIO=4&transport=websocket", { headers }));
      assert.equal(response.status, 400);
      assert.equal(response.closedByServer, true);
      assert.equal(fixture.io.engine.clientsCount, 1);
      await assertStillServing(fixture);
    });
  }

  it("answers 431 to an upgrade with 20 kB of headers, and stays up", async () => {
    const fixture = await setup();
    const response = await send(
      fixture,
      upgradeRequest("/socket.io/?EIO=4&transport=websocket", { headers: { "X-Padding": "p".repeat(20_000) } }),
    );
    assert.equal(response.status, 431);
    assert.equal(response.closedByServer, true);
    assert.equal(fixture.io.engine.clientsCount, 1);
    await assertStillServing(fixture);
  });
});

describe("accepted handshakes, abused", () => {
  it("reads frames pipelined in the same write as the upgrade request", async () => {
    const fixture = await setup();
    // Everything after the upgrade may be handled in one go: listen from the first moment.
    const events: unknown[][] = [];
    const left = new Promise<{ socket: Socket; reason: string }>((resolve) => {
      fixture.io.once("connection", (socket) => {
        socket.on("piped", (...args: unknown[]) => events.push(args));
        socket.on("disconnect", (reason) => resolve({ socket, reason }));
      });
    });
    const request = Buffer.concat([
      Buffer.from(upgradeRequest("/socket.io/?EIO=4&transport=websocket")),
      encodeFrame(Opcode.TEXT, "40"),
      encodeFrame(Opcode.TEXT, '42["piped",1]'),
      encodeFrame(Opcode.TEXT, "1"), // Engine.IO close: the server ends the session…
      encodeFrame(Opcode.CLOSE, Buffer.from([0x03, 0xe8])), // …and this answers its close frame (1000)
    ]);
    const result = exchange(fixture.server.port, request);
    const { socket, reason } = await within(left, 2000, "the pipelined session's end");
    const { data, closedByServer } = await result;
    const text = data.toString("latin1");
    assert.match(text, /^HTTP\/1\.1 101 /);
    assert.ok(text.includes('0{"sid":'), "the open packet must be sent");
    assert.ok(text.includes(`40{"sid":"${socket.id}"}`), "the CONNECT must be answered");
    assert.equal(closedByServer, true);
    assert.equal(reason, "transport close");
    assert.deepEqual(events, [[1]]);
    assert.equal(fixture.io.engine.clientsCount, 1);
    await assertStillServing(fixture);
  });

  it("opens no session for a client that hung up while allowRequest was deciding", async () => {
    // The number of sessions right after each accepting answer (the upgrade completes synchronously).
    const sessionsAfterAnswer: number[] = [];
    const started: { io?: Server } = {};
    const fixture = await setup({
      allowRequest: (_request, callback) => {
        setTimeout(() => {
          callback(null, true);
          sessionsAfterAnswer.push(started.io?.engine.clientsCount ?? -1);
        }, 50);
      },
    });
    started.io = fixture.io;
    assert.equal(sessionsAfterAnswer.length, 1); // the honest client's handshake
    const socket = await openTcp(fixture.server.port);
    socket.end(upgradeRequest("/socket.io/?EIO=4&transport=websocket"));
    await until(() => sessionsAfterAnswer.length === 2, 2000);
    assert.equal(sessionsAfterAnswer[1], 1, "no session may open on a socket whose client is gone");
    await until(() => fixture.io.engine.clientsCount === 1, 2000);
    await assertStillServing(fixture);
  });
});

describe("other paths of the same http.Server", () => {
  it("passes requests to other paths to the application's own request listener", async () => {
    const fixture = await setup();
    for (const target of ["/hello", "/socket.io", "/socket.iox/?EIO=4&transport=websocket"]) {
      const response = await send(fixture, httpRequest(target));
      assert.equal(response.status, 200, target);
      assert.equal(response.body, `app saw ${target}`);
    }
    assert.deepEqual(fixture.appRequests, [
      "GET /hello",
      "GET /socket.io",
      "GET /socket.iox/?EIO=4&transport=websocket",
    ]);
    await assertStillServing(fixture);
  });

  it("destroys an upgrade on another path when nobody else listens for upgrades", async () => {
    const fixture = await setup();
    const { data, closedByServer } = await exchange(
      fixture.server.port,
      upgradeRequest("/elsewhere?EIO=4&transport=websocket"),
    );
    assert.equal(closedByServer, true, "the socket must be closed, not left hanging");
    assert.equal(data.length, 0, "nothing is answered on a destroyed upgrade");
    assert.deepEqual(fixture.appRequests, []);
    await assertStillServing(fixture);
  });

  it("leaves an upgrade on another path to the application's own upgrade listener", async () => {
    const fixture = await setup();
    const seen: string[] = [];
    fixture.server.httpServer.on("upgrade", (request: IncomingMessage, socket: Duplex) => {
      if (request.url !== "/mine") return;
      seen.push(request.url);
      socket.end("HTTP/1.1 418 I'm a teapot\r\nConnection: close\r\nContent-Length: 4\r\n\r\nmine");
    });
    const response = await send(fixture, upgradeRequest("/mine"));
    assert.equal(response.status, 418);
    assert.equal(response.body, "mine");
    assert.deepEqual(seen, ["/mine"]);
    await assertStillServing(fixture);
  });
});

describe("sessions that never join a namespace", () => {
  it("closes a burst of 200 of them after connectTimeout while an honest client keeps working", async () => {
    const fixture = await setup({ connectTimeout: 200 });
    const count = 200;
    const opening = Array.from({ length: count }, async () => {
      const raw = await RawClient.open(fixture.server.port);
      const openedAt = Date.now();
      await raw.closed;
      return Date.now() - openedAt;
    });
    // An honest client joins while the burst is under way, and works throughout.
    const during = await connected(fixture.server.url);
    assert.equal(await during.timeout(2000).emitWithAck("echo", "during"), "during");

    const lifetimes = await within(Promise.all(opening), 5000, "closing the whole burst");
    assert.equal(lifetimes.length, count);
    // Closed by the connect timeout, not at once: each lived about connectTimeout (client-side clock).
    assert.ok(Math.min(...lifetimes) >= 50, `a session closed after ${Math.min(...lifetimes)} ms`);
    await until(() => fixture.io.engine.clientsCount === 2, 2000);
    assert.equal(fixture.io.sockets.sockets.size, 2);
    assert.equal(await during.timeout(2000).emitWithAck("echo", "after"), "after");
    assert.equal(during.connected, true);
    await assertStillServing(fixture);
  });
});
