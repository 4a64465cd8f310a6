// Engine.IO v4 HTTP long-polling spoken by hand over real HTTP to 127.0.0.1
// (engine.io-protocol-v4.md › "HTTP long-polling", "Handshake", "Heartbeat",
// "Packet encoding"): the handshake, POST and GET, payloads, binary, held GETs, the
// heartbeat, closes, every refusal with its status and body, the body limits,
// compression, the cookie, CORS and trustProxy.
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { afterEach, describe, it } from "node:test";
import { gunzipSync, inflateSync } from "node:zlib";
import type { ServerOptions, Socket } from "../../src/index.js";
import { within } from "../helpers/honest-peer.js";
import { delay, once, startServer, until, type TestServer } from "../helpers/peers.js";
import {
  assertRefused,
  assertStillPolling,
  cleanUpPollingTest,
  heldGet,
  call,
  joinPolling,
  packetsOf,
  pollingHandshake,
  PollingClient,
  SEPARATOR,
  WebSocketPeer,
  type HttpAnswer,
  type HttpCall,
  type PollingPeer,
} from "../helpers/polling.js";
import { exchange, openTcp, parseResponse, upgradeRequest } from "../helpers/raw-tcp.js";

afterEach(cleanUpPollingTest);

const HANDSHAKE = "EIO=4&transport=polling";

/** The socket's disconnect reason, within 2 s. */
function reasonOf(peer: PollingPeer): Promise<string> {
  return within(peer.disconnected, 2000, "the disconnect of the server-side socket");
}

/**
 * The packets `get` and the GETs after it receive, up to and with the close packet
 * (the close may come in the same payload or in the next one). At most 3 GETs more.
 */
async function packetsUntilClose(peer: PollingPeer, get: HttpCall): Promise<string[]> {
  const answer = await get.within();
  assert.equal(answer.status, 200);
  const packets = packetsOf(answer.text);
  for (let more = 0; more < 3 && packets.at(-1) !== "1"; more++) packets.push(...(await peer.client.next()));
  return packets;
}

describe("polling handshake", () => {
  it("answers a GET without sid with 200, text/plain, no-store and the open packet", async () => {
    const server = await startServer();
    const answer = await call(server.port, HANDSHAKE).within();
    assert.equal(answer.status, 200);
    assert.equal(answer.headers["content-type"], "text/plain; charset=UTF-8");
    assert.equal(answer.headers["cache-control"], "no-store");
    const match =
      /^0\{"sid":"([^"]+)","upgrades":\["websocket"\],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000\}$/.exec(
        answer.text,
      );
    assert.ok(match !== null, `unexpected open packet ${answer.text}`);
    const client = new PollingClient(server.port, match[1]!);
    assert.ok(server.io.engine.sessions.has(client.sid), "the sid must name an open session");
    assert.equal(server.io.engine.clientsCount, 1);
  });

  it("announces the configured pingInterval, pingTimeout and maxHttpBufferSize", async () => {
    const server = await startServer({ pingInterval: 3000, pingTimeout: 2000, maxHttpBufferSize: 5000 });
    const { open } = await pollingHandshake(server.port);
    assert.deepEqual(open, {
      sid: open.sid,
      upgrades: ["websocket"],
      pingInterval: 3000,
      pingTimeout: 2000,
      maxPayload: 5000,
    });
  });

  const noUpgrades: { name: string; options: ServerOptions }[] = [
    { name: "allowUpgrades is false", options: { allowUpgrades: false } },
    { name: 'transports is ["polling"]', options: { transports: ["polling"] } },
  ];
  for (const { name, options } of noUpgrades) {
    it(`announces no upgrade when ${name}`, async () => {
      const server = await startServer(options);
      const { open } = await pollingHandshake(server.port);
      assert.deepEqual(open.upgrades, []);
    });
  }

  it("gives every handshake a session of its own", async () => {
    const server = await startServer();
    const first = await pollingHandshake(server.port);
    const second = await pollingHandshake(server.port);
    assert.notEqual(first.open.sid, second.open.sid);
    assert.equal(server.io.engine.clientsCount, 2);
  });
});

describe("polling messages", () => {
  it("answers a POST with 200 ok as text/html, and the next GET with the CONNECT answer", async () => {
    const server = await startServer();
    const { client } = await pollingHandshake(server.port);
    const joined = once<[Socket]>(server.io, "connection");
    const posted = await client.post("40");
    assert.equal(posted.status, 200);
    assert.equal(posted.text, "ok");
    assert.equal(posted.headers["content-type"], "text/html");
    const [socket] = await joined;
    const answer = await client.get().within();
    assert.equal(answer.status, 200);
    assert.equal(answer.headers["content-type"], "text/plain; charset=UTF-8");
    assert.equal(answer.text, `40{"sid":"${socket.id}"}`);
    assert.notEqual(socket.id, client.sid, "the Socket.IO id is not the Engine.IO sid");
  });

  it("delivers the packets of one POST body, joined by \\x1e, in order", async () => {
    const server = await startServer();
    const peer = await joinPolling(server);
    const events: unknown[][] = [];
    peer.socket.onAny((...args: unknown[]) => events.push(args));
    const posted = await peer.client.post(['42["a",1]', '42["b",2]', "3", '42["c",3]'].join(SEPARATOR));
    assert.equal(posted.text, "ok");
    await until(() => events.length === 3, 2000);
    assert.deepEqual(events, [
      ["a", 1],
      ["b", 2],
      ["c", 3],
    ]);
  });

  it("joins the packets queued for one GET with \\x1e", async () => {
    const server = await startServer();
    const peer = await joinPolling(server);
    peer.socket.emit("x", 1);
    peer.socket.emit("y", "two");
    const answer = await peer.client.get().within();
    assert.equal(answer.text, `42["x",1]${SEPARATOR}42["y","two"]`);
  });

  it("decodes a binary attachment sent as b + base64 in the same POST body", async () => {
    const server = await startServer();
    const peer = await joinPolling(server);
    const received = once<[unknown]>(peer.socket, "bin", 2000);
    const body = `451-["bin",{"_placeholder":true,"num":0}]${SEPARATOR}bAQID`;
    assert.equal((await peer.client.post(body)).text, "ok");
    const [data] = await received;
    assert.ok(Buffer.isBuffer(data), `expected a Buffer, got ${typeof data}`);
    assert.deepEqual([...data], [1, 2, 3]);
  });

  it("sends binary as b + base64 in a GET answer", async () => {
    const server = await startServer();
    const peer = await joinPolling(server);
    peer.socket.emit("bin", Buffer.from([4, 5, 6]), "text");
    const answer = await peer.client.get().within();
    assert.equal(answer.text, `451-["bin",{"_placeholder":true,"num":0},"text"]${SEPARATOR}bBAUG`);
  });

  it("holds a GET with nothing queued until the server sends something", async () => {
    const server = await startServer();
    const peer = await joinPolling(server);
    const get = await heldGet(peer);
    await delay(150);
    assert.equal(get.isSettled, false, "a GET with nothing to take must be held");
    peer.socket.emit("late", "news");
    const answer = await get.within();
    assert.equal(answer.status, 200);
    assert.equal(answer.text, '42["late","news"]');
  });
});

describe("polling heartbeat", () => {
  it("sends pings to held GETs and keeps a session that answers 3 by POST", async () => {
    const server = await startServer({ pingInterval: 100, pingTimeout: 250 });
    const peer = await joinPolling(server);
    // Six rounds: well past the point (350 ms) where an unanswered ping would have closed it.
    for (let round = 0; round < 6; round++) {
      assert.deepEqual(await peer.client.next(), ["2"], `round ${round}`);
      assert.equal((await peer.client.post("3")).text, "ok");
    }
    assert.equal(peer.socket.connected, true);
    assert.deepEqual(peer.reasons, []);
  });

  it('closes a session that does not answer the ping, with "ping timeout", telling its held GET', async () => {
    const server = await startServer({ pingInterval: 500, pingTimeout: 200 });
    const peer = await joinPolling(server);
    assert.deepEqual(await peer.client.next(), ["2"]);
    const answer = await peer.client.get().within();
    assert.equal(answer.status, 200);
    assert.deepEqual(packetsOf(answer.text), ["1"]);
    assert.equal(await reasonOf(peer), "ping timeout");
    await until(() => server.io.engine.clientsCount === 0, 2000);
  });
});

describe("polling close", () => {
  it('closes the session on a POST of 1, with "transport close"', async () => {
    const server = await startServer();
    const peer = await joinPolling(server);
    const posted = await peer.client.post("1");
    assert.equal(posted.status, 200);
    assert.equal(posted.text, "ok");
    assert.equal(await reasonOf(peer), "transport close");
    assert.equal(server.io.engine.clientsCount, 0);
    assertRefused(await peer.client.get().within(), 1, "Session ID unknown");
  });

  it('closes the session with "transport error" when the client aborts a held GET', async () => {
    const server = await startServer();
    const peer = await joinPolling(server);
    const get = await heldGet(peer);
    get.request.destroy();
    assert.equal(await reasonOf(peer), "transport error");
    assert.equal(server.io.engine.clientsCount, 0);
  });

  it("answers a held GET with the close packet when the client POSTs 1", async () => {
    const server = await startServer();
    const peer = await joinPolling(server);
    const get = await heldGet(peer);
    assert.equal((await peer.client.post("1")).text, "ok");
    const answer = await get.within();
    assert.equal(answer.status, 200);
    assert.deepEqual(packetsOf(answer.text), ["1"]);
  });

  it("answers a held GET with DISCONNECT, then close, on io.close()", async () => {
    const server = await startServer();
    const peer = await joinPolling(server);
    const get = await heldGet(peer);
    const closing = server.io.close();
    assert.deepEqual(await packetsUntilClose(peer, get), ["41", "1"]);
    assert.equal(await reasonOf(peer), "server shutting down");
    await closing;
  });

  it("answers a held GET with DISCONNECT, then close, on socket.disconnect(true)", async () => {
    const server = await startServer();
    const peer = await joinPolling(server);
    const get = await heldGet(peer);
    peer.socket.disconnect(true);
    assert.deepEqual(await packetsUntilClose(peer, get), ["41", "1"]);
    assert.equal(await reasonOf(peer), "server namespace disconnect");
    await until(() => server.io.engine.clientsCount === 0, 2000);
  });
});

describe("polling refusals", () => {
  const refusals: {
    name: string;
    method: string;
    query: (sid: string) => string;
    code: number;
    message: string;
  }[] = [
    {
      name: "a GET without EIO",
      method: "GET",
      query: () => "transport=polling",
      code: 5,
      message: "Unsupported protocol version",
    },
    {
      name: "a GET with EIO=3",
      method: "GET",
      query: () => "EIO=3&transport=polling",
      code: 5,
      message: "Unsupported protocol version",
    },
    {
      name: "a GET with EIO=abc",
      method: "GET",
      query: () => "EIO=abc&transport=polling",
      code: 5,
      message: "Unsupported protocol version",
    },
    {
      name: "a GET without transport",
      method: "GET",
      query: () => "EIO=4",
      code: 0,
      message: "Transport unknown",
    },
    {
      name: "a GET with transport=flashsocket",
      method: "GET",
      query: () => "EIO=4&transport=flashsocket",
      code: 0,
      message: "Transport unknown",
    },
    {
      name: "a GET with transport=__proto__",
      method: "GET",
      query: () => "EIO=4&transport=__proto__",
      code: 0,
      message: "Transport unknown",
    },
    {
      name: "a GET with an unknown sid",
      method: "GET",
      query: () => "EIO=4&transport=polling&sid=unknown",
      code: 1,
      message: "Session ID unknown",
    },
    {
      name: "a GET with an empty sid",
      method: "GET",
      query: () => "EIO=4&transport=polling&sid=",
      code: 1,
      message: "Session ID unknown",
    },
    {
      name: "a POST with an unknown sid",
      method: "POST",
      query: () => "EIO=4&transport=polling&sid=unknown",
      code: 1,
      message: "Session ID unknown",
    },
    {
      name: "a POST handshake",
      method: "POST",
      query: () => HANDSHAKE,
      code: 2,
      message: "Bad handshake method",
    },
    {
      name: "a PUT handshake",
      method: "PUT",
      query: () => HANDSHAKE,
      code: 2,
      message: "Bad handshake method",
    },
    {
      name: "transport=websocket as a plain GET",
      method: "GET",
      query: () => "EIO=4&transport=websocket",
      code: 3,
      message: "Bad request",
    },
    {
      name: "a PUT with the sid of a session",
      method: "PUT",
      query: (sid) => `EIO=4&transport=polling&sid=${sid}`,
      code: 3,
      message: "Bad request",
    },
    {
      name: "a DELETE with the sid of a session",
      method: "DELETE",
      query: (sid) => `EIO=4&transport=polling&sid=${sid}`,
      code: 3,
      message: "Bad request",
    },
  ];

  for (const { name, method, query, code, message } of refusals) {
    it(`refuses ${name} with 400 code ${code}`, async () => {
      const server = await startServer();
      const { client } = await pollingHandshake(server.port);
      const body = method === "GET" ? undefined : "3";
      const answer = call(server.port, query(client.sid), { method, ...(body === undefined ? {} : { body }) });
      assertRefused(await answer.within(), code, message);
      assert.equal(server.io.engine.clientsCount, 1, "no session may be opened or closed");
      assert.ok(server.io.engine.sessions.has(client.sid));
    });
  }

  it('answers a second concurrent GET with 400 and closes the session with "transport error"', async () => {
    const server = await startServer();
    const peer = await joinPolling(server);
    await heldGet(peer);
    const second = await peer.client.get().within();
    assert.equal(second.status, 400);
    assert.equal(await reasonOf(peer), "transport error");
    assert.equal(server.io.engine.clientsCount, 0);
    assertRefused(await peer.client.get().within(), 1, "Session ID unknown");
  });

  it("answers the first GET with close when a second concurrent GET closes the session", async () => {
    const server = await startServer();
    const peer = await joinPolling(server);
    const first = await heldGet(peer);
    assert.equal((await peer.client.get().within()).status, 400);
    assert.equal(await reasonOf(peer), "transport error");
    // The session is gone: its held GET is told so, not left hanging until the client gives up.
    const answer = await first.within(1000);
    assert.equal(answer.status, 200);
    assert.deepEqual(packetsOf(answer.text), ["1"]);
  });

  it('answers a second concurrent POST with 400 and closes the session with "transport error"', async () => {
    const server = await startServer();
    const peer = await joinPolling(server);
    const first = once(peer.socket, "first", 2000);
    const tcp = await openTcp(server.port);
    // A POST whose body has come in part only: still in progress.
    tcp.write(
      `POST /socket.io/?${peer.client.query} HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
        `Content-Type: text/plain;charset=UTF-8\r\nContent-Length: 100\r\n\r\n42["first"]${SEPARATOR}`,
    );
    await first;
    const second = await peer.client.post("3");
    assert.equal(second.status, 400);
    assert.equal(await reasonOf(peer), "transport error");
    assert.equal(server.io.engine.clientsCount, 0);
  });

  it("refuses a body whose Content-Length is over maxHttpBufferSize with 413 without reading the rest", async () => {
    const server = await startServer({ maxHttpBufferSize: 100 });
    const peer = await joinPolling(server);
    const head =
      `POST /socket.io/?${peer.client.query} HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
      `Content-Type: text/plain;charset=UTF-8\r\nContent-Length: 1000\r\n\r\n`;
    // 50 of the 1000 bytes announced: the answer and the close may not wait for the rest.
    const { data, closedByServer } = await exchange(server.port, head + "4" + "a".repeat(49), 2000);
    assert.equal(parseResponse(data).status, 413);
    assert.equal(closedByServer, true, "the server must close the connection instead of reading the body");
    assert.equal(await reasonOf(peer), "transport error");
  });

  it("refuses a chunked body going over maxHttpBufferSize with 413 mid-stream", async () => {
    const server = await startServer({ maxHttpBufferSize: 100 });
    const peer = await joinPolling(server);
    const head =
      `POST /socket.io/?${peer.client.query} HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
      `Content-Type: text/plain;charset=UTF-8\r\nTransfer-Encoding: chunked\r\n\r\n`;
    // Two chunks of 60 bytes (120 > 100), and no last chunk: the body never ends.
    const chunks = `3c\r\n4${"a".repeat(59)}\r\n3c\r\n${"a".repeat(60)}\r\n`;
    const { data, closedByServer } = await exchange(server.port, head + chunks, 2000);
    assert.equal(parseResponse(data).status, 413);
    assert.equal(closedByServer, true, "the server must close the connection instead of reading the body");
    assert.equal(await reasonOf(peer), "transport error");
  });

  it("accepts a body of exactly maxHttpBufferSize bytes", async () => {
    const server = await startServer({ maxHttpBufferSize: 100 });
    const peer = await joinPolling(server);
    const received = once<[string]>(peer.socket, "x", 2000);
    const body = `42["x","${"a".repeat(90)}"]`;
    assert.equal(Buffer.byteLength(body), 100);
    assert.equal((await peer.client.post(body)).text, "ok");
    assert.deepEqual(await received, ["a".repeat(90)]);
    await assertStillPolling(peer);
  });

  it('accepts maxPayloadPackets packets in one body and refuses one more with 400 and "parse error"', async () => {
    const server = await startServer({ maxPayloadPackets: 3 });
    const peer = await joinPolling(server);
    assert.equal((await peer.client.post(["3", "3", "3"].join(SEPARATOR))).text, "ok");
    await assertStillPolling(peer);
    const refused = await peer.client.post(["3", "3", "3", "3"].join(SEPARATOR));
    assert.equal(refused.status, 400);
    assert.equal(await reasonOf(peer), "parse error");
    assert.equal(server.io.engine.clientsCount, 0);
  });

  const badBodies: { name: string; body: Buffer; contentType: string }[] = [
    {
      name: "invalid UTF-8",
      body: Buffer.concat([Buffer.from('42["x","'), Buffer.from([0xff, 0xfe]), Buffer.from('"]')]),
      contentType: "text/plain;charset=UTF-8",
    },
    {
      name: "invalid base64",
      body: Buffer.from(`451-["bin",{"_placeholder":true,"num":0}]${SEPARATOR}b%%%%`),
      contentType: "text/plain;charset=UTF-8",
    },
    {
      name: "Content-Type application/octet-stream",
      body: Buffer.from("3"),
      contentType: "application/octet-stream",
    },
  ];
  for (const { name, body, contentType } of badBodies) {
    it(`refuses a body with ${name} with 400 and closes the session with "parse error"`, async () => {
      const server = await startServer();
      const peer = await joinPolling(server);
      const refused = await peer.client.post(body, { "Content-Type": contentType });
      assert.equal(refused.status, 400);
      assert.equal(await reasonOf(peer), "parse error");
      assert.equal(server.io.engine.clientsCount, 0);
    });
  }

  it("answers a held GET with close when a bad POST body closes the session", async () => {
    const server = await startServer();
    const peer = await joinPolling(server);
    const get = await heldGet(peer);
    assert.equal((await peer.client.post("b%%%%")).status, 400);
    assert.equal(await reasonOf(peer), "parse error");
    // The session is gone: its held GET is told so, not left hanging until the client gives up.
    const answer = await get.within(1000);
    assert.equal(answer.status, 200);
    assert.deepEqual(packetsOf(answer.text), ["1"]);
  });
});

describe("polling compression", () => {
  const big = "x".repeat(2000);
  const bigPayload = `42["big","${big}"]`;

  async function bigAnswer(server: TestServer, headers: Record<string, string>): Promise<HttpAnswer> {
    const peer = await joinPolling(server);
    peer.socket.emit("big", big);
    const answer = await peer.client.get(headers).within();
    assert.equal(answer.status, 200);
    assert.equal(answer.headers["content-type"], "text/plain; charset=UTF-8");
    assert.equal(Number(answer.headers["content-length"]), answer.body.length);
    return answer;
  }

  it("gzips an answer of at least 1024 bytes when the client accepts gzip and deflate", async () => {
    const server = await startServer();
    const answer = await bigAnswer(server, { "Accept-Encoding": "gzip, deflate" });
    assert.equal(answer.headers["content-encoding"], "gzip");
    assert.ok(answer.body.length < bigPayload.length);
    assert.equal(gunzipSync(answer.body).toString(), bigPayload);
  });

  it("deflates it when the client accepts deflate only", async () => {
    const server = await startServer();
    const answer = await bigAnswer(server, { "Accept-Encoding": "deflate" });
    assert.equal(answer.headers["content-encoding"], "deflate");
    assert.equal(inflateSync(answer.body).toString(), bigPayload);
  });

  it("sends it plain when the client accepts no encoding", async () => {
    const server = await startServer();
    const answer = await bigAnswer(server, {});
    assert.equal(answer.headers["content-encoding"], undefined);
    assert.equal(answer.text, bigPayload);
  });

  it("sends an answer under the threshold plain", async () => {
    const server = await startServer();
    const peer = await joinPolling(server);
    peer.socket.emit("small", "y".repeat(900));
    const answer = await peer.client.get({ "Accept-Encoding": "gzip, deflate" }).within();
    assert.equal(answer.headers["content-encoding"], undefined);
    assert.equal(answer.text, `42["small","${"y".repeat(900)}"]`);
  });

  it("never compresses with httpCompression false", async () => {
    const server = await startServer({ httpCompression: false });
    const answer = await bigAnswer(server, { "Accept-Encoding": "gzip, deflate" });
    assert.equal(answer.headers["content-encoding"], undefined);
    assert.equal(answer.text, bigPayload);
  });
});

describe("polling cookie", () => {
  it("sets the io cookie on the polling handshake answer only", async () => {
    const server = await startServer({ cookie: true });
    const { client, answer } = await pollingHandshake(server.port);
    assert.deepEqual(answer.headers["set-cookie"], [`io=${client.sid}; Path=/; HttpOnly; SameSite=Lax`]);
    const posted = await client.post("40");
    assert.equal(posted.headers["set-cookie"], undefined);
    const next = await client.get().within();
    assert.match(next.text, /^40/);
    assert.equal(next.headers["set-cookie"], undefined);
  });

  it("sets the io cookie on the 101 of a WebSocket handshake", async () => {
    const server = await startServer({ cookie: true });
    const peer = await WebSocketPeer.open(server.port, "EIO=4&transport=websocket");
    const open = await peer.next();
    assert.ok(typeof open === "string" && open.startsWith("0{"), `expected an open packet, got ${String(open)}`);
    const { sid } = JSON.parse(open.slice(1)) as { sid: string };
    assert.deepEqual((await peer.upgradeHeaders)["set-cookie"], [`io=${sid}; Path=/; HttpOnly; SameSite=Lax`]);
  });

  it("sets no cookie on the 101 of an upgrade from polling", async () => {
    const server = await startServer({ cookie: true });
    const { client } = await pollingHandshake(server.port);
    const peer = await WebSocketPeer.open(server.port, `EIO=4&transport=websocket&sid=${client.sid}`);
    assert.equal((await peer.upgradeHeaders)["set-cookie"], undefined);
  });

  it("writes the custom cookie options", async () => {
    const server = await startServer({
      cookie: {
        name: "sticky",
        path: "/app",
        httpOnly: false,
        sameSite: "strict",
        secure: true,
        maxAge: 60,
        domain: "example.test",
      },
    });
    const { client, answer } = await pollingHandshake(server.port);
    assert.deepEqual(answer.headers["set-cookie"], [
      `sticky=${encodeURIComponent(client.sid)}; Path=/app; Domain=example.test; Max-Age=60; Secure; SameSite=Strict`,
    ]);
  });

  it("sets no cookie by default", async () => {
    const server = await startServer();
    const { answer } = await pollingHandshake(server.port);
    assert.equal(answer.headers["set-cookie"], undefined);
  });
});

describe("polling CORS", () => {
  const cors: ServerOptions["cors"] = {
    origin: "https://ok.test",
    credentials: true,
    methods: ["GET", "POST"],
    maxAge: 600,
  };

  it("answers a preflight from an allowed origin with 204 and the CORS headers", async () => {
    const server = await startServer({ cors });
    const answer = await call(server.port, HANDSHAKE, {
      method: "OPTIONS",
      headers: {
        Origin: "https://ok.test",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type, x-custom",
      },
    }).within();
    assert.equal(answer.status, 204);
    assert.equal(answer.headers["access-control-allow-origin"], "https://ok.test");
    assert.equal(answer.headers["access-control-allow-credentials"], "true");
    assert.equal(answer.headers["access-control-allow-methods"], "GET,POST");
    assert.equal(answer.headers["access-control-allow-headers"], "content-type, x-custom");
    assert.equal(answer.headers["access-control-max-age"], "600");
    assert.equal(answer.headers.vary, "Origin, Access-Control-Request-Headers");
    assert.equal(answer.text, "");
    assert.equal(server.io.engine.clientsCount, 0, "a preflight opens no session");
  });

  it("sends Access-Control-Allow-Origin on the handshake, POST and GET of an allowed origin", async () => {
    const server = await startServer({ cors });
    const origin = { Origin: "https://ok.test" };
    const { client, answer } = await pollingHandshake(server.port, origin);
    const posted = await client.post("40", origin);
    const next = await client.get(origin).within();
    assert.match(next.text, /^40/);
    for (const [name, headers] of [
      ["handshake", answer.headers],
      ["POST", posted.headers],
      ["GET", next.headers],
    ] as const) {
      assert.equal(headers["access-control-allow-origin"], "https://ok.test", name);
      assert.equal(headers["access-control-allow-credentials"], "true", name);
      assert.equal(headers.vary, "Origin", name);
    }
  });

  it("refuses a preflight from a foreign origin with 403", async () => {
    const server = await startServer({ cors });
    const answer = await call(server.port, HANDSHAKE, {
      method: "OPTIONS",
      headers: { Origin: "https://evil.test", "Access-Control-Request-Method": "GET" },
    }).within();
    assertRefused(answer, 4, "Forbidden", 403);
    assert.equal(answer.headers["access-control-allow-origin"], undefined);
    assert.equal(server.io.engine.clientsCount, 0);
  });

  it("refuses a handshake from a foreign origin with 403 and opens no session", async () => {
    const server = await startServer({ cors });
    const answer = await call(server.port, HANDSHAKE, { headers: { Origin: "https://evil.test" } }).within();
    assertRefused(answer, 4, "Forbidden", 403);
    assert.equal(answer.headers["access-control-allow-origin"], undefined);
    assert.equal(server.io.engine.clientsCount, 0);
  });

  it("refuses a WebSocket handshake from a foreign origin with 403 and opens no session", async () => {
    const server = await startServer({ cors });
    const request = upgradeRequest("/socket.io/?EIO=4&transport=websocket", {
      headers: { Origin: "https://evil.test" },
    });
    const { data, closedByServer } = await exchange(server.port, request, 2000);
    const answer = parseResponse(data);
    assert.equal(answer.status, 403);
    assert.deepEqual(JSON.parse(answer.body), { code: 4, message: "Forbidden" });
    assert.equal(closedByServer, true);
    assert.equal(server.io.engine.clientsCount, 0);
  });

  it('answers * to any origin with origin "*" and no credentials', async () => {
    const server = await startServer({ cors: { origin: "*" } });
    const { answer } = await pollingHandshake(server.port, { Origin: "https://any.test" });
    assert.equal(answer.headers["access-control-allow-origin"], "*");
    assert.equal(answer.headers["access-control-allow-credentials"], undefined);
  });

  it("sends no CORS header without the cors option", async () => {
    const server = await startServer();
    const { answer } = await pollingHandshake(server.port, { Origin: "https://any.test" });
    const corsHeaders = Object.keys(answer.headers).filter((name) => name.startsWith("access-control-"));
    assert.deepEqual(corsHeaders, []);
  });
});

describe("polling trustProxy", () => {
  const cases: { name: string; trustProxy?: boolean | number; forwarded: string; address: string }[] = [
    { name: "ignores X-Forwarded-For by default", forwarded: "1.2.3.4", address: "127.0.0.1" },
    {
      name: "takes the leftmost X-Forwarded-For address with trustProxy true",
      trustProxy: true,
      forwarded: "1.2.3.4, 5.6.7.8",
      address: "1.2.3.4",
    },
    {
      name: "takes the last X-Forwarded-For address with trustProxy 1",
      trustProxy: 1,
      forwarded: "1.2.3.4, 5.6.7.8",
      address: "5.6.7.8",
    },
    {
      name: "skips entries that are not addresses",
      trustProxy: true,
      forwarded: "garbage, 1.2.3.4, not-an-ip",
      address: "1.2.3.4",
    },
    {
      name: "keeps the socket's address when no entry is an address",
      trustProxy: true,
      forwarded: "garbage, ::not-ip",
      address: "127.0.0.1",
    },
  ];
  for (const { name, trustProxy, forwarded, address } of cases) {
    it(name, async () => {
      const server = await startServer(trustProxy === undefined ? {} : { trustProxy });
      const peer = await joinPolling(server, { "X-Forwarded-For": forwarded });
      assert.equal(peer.socket.handshake.address, address);
    });
  }
});
