// The programs of examples/simple/, run as real processes (through `enchufe/simple`,
// that is dist/) on free loopback ports, checked by what they print and what their
// peers receive. Peers are the client examples, simple connections of the code
// under test, and node:net sockets standing in for nc.
import assert from "node:assert/strict";
import { join } from "node:path";
import { afterEach, before, describe, it } from "node:test";
import { connect } from "../../src/simple/index.js";
import {
  assertBuilt,
  cleanup,
  freePort,
  plainPeer,
  runExample,
  startServerExample,
  tempDir,
  track,
} from "./helpers.js";

before(assertBuilt);
afterEach(cleanup);

const LOOPBACK = "tcp://127.0.0.1:0";
const URL_LINE = /^tcp:\/\/127\.0\.0\.1:(\d+)$/;

describe("tcp-echo-server.mjs and tcp-echo-client.mjs", () => {
  it("echo each message, then the client closes and exits by itself", async () => {
    const server = await startServerExample("tcp-echo-server.mjs", LOOPBACK);
    assert.match(server.url, URL_LINE);
    assert.notEqual(URL_LINE.exec(server.url)![1], "0");
    const client = await runExample("tcp-echo-client.mjs", [server.url, "uno", "dos tres", "¡ñandú!"]);
    assert.deepEqual(client, { code: 0, stdout: ["uno", "dos tres", "¡ñandú!"], stderr: "" });
    await server.stdout.until("client connected");
    await server.stdout.until("client left");
  });

  it("serve clients side by side, and the default messages", async () => {
    const server = await startServerExample("tcp-echo-server.mjs", LOOPBACK);
    const held = track(await connect(server.url));
    const client = await runExample("tcp-echo-client.mjs", [server.url]);
    assert.deepEqual(client.stdout, ["hello", "world"]);
    held.write("still here");
    assert.equal(await held.read({ timeout: 2000 }), "still here");
  });

  it("the client exits with 1 and says why when nothing listens", async () => {
    const client = await runExample("tcp-echo-client.mjs", [`tcp://127.0.0.1:${await freePort()}`]);
    assert.equal(client.code, 1);
    assert.match(client.stderr, /^echo client: .*ECONNREFUSED/);
  });

  it("work the same over ws://, http:// and ipc://", async () => {
    const { dir, remove } = tempDir("enchufe-simple-ipc-");
    try {
      for (const url of ["ws://127.0.0.1:0", "http://127.0.0.1:0", `ipc://${join(dir, "echo.sock")}`]) {
        const server = await startServerExample("tcp-echo-server.mjs", url);
        if (url.startsWith("ipc:")) assert.equal(server.url, url);
        else assert.match(server.url, new RegExp(`^${url.slice(0, url.indexOf(":"))}://127\\.0\\.0\\.1:[1-9]\\d*$`));
        const client = await runExample("tcp-echo-client.mjs", [server.url, `over ${url.slice(0, 3)}`]);
        assert.deepEqual(client, { code: 0, stdout: [`over ${url.slice(0, 3)}`], stderr: "" });
        server.child.kill("SIGKILL");
        await server.exited;
      }
    } finally {
      remove();
    }
  });
});

describe("udp-receiver.mjs and udp-sender.mjs (datagrams)", () => {
  const UDP_URL_LINE = /^udp:\/\/127\.0\.0\.1:(\d+)$/;

  it("the receiver prints each datagram and answers it; the sender prints the answers and exits by itself", async () => {
    const receiver = await startServerExample("udp-receiver.mjs", "udp://127.0.0.1:0");
    assert.match(receiver.url, UDP_URL_LINE);
    assert.notEqual(UDP_URL_LINE.exec(receiver.url)![1], "0");
    const sender = await runExample("udp-sender.mjs", [receiver.url, "uno", "dos tres", "¡ñandú!"]);
    assert.deepEqual(sender, { code: 0, stdout: ["got uno", "got dos tres", "got ¡ñandú!"], stderr: "" });
    await receiver.stdout.until("sender left");
    assert.deepEqual(receiver.stdout.all, [
      receiver.url,
      "sender joined",
      "received: uno",
      "received: dos tres",
      "received: ¡ñandú!",
      "sender left",
    ]);
  });

  it("the default messages, and a second sender after the first", async () => {
    const receiver = await startServerExample("udp-receiver.mjs", "udp://127.0.0.1:0");
    const first = await runExample("udp-sender.mjs", [receiver.url]);
    assert.deepEqual(first, { code: 0, stdout: ["got one", "got two", "got three"], stderr: "" });
    const second = await runExample("udp-sender.mjs", [receiver.url, "again"]);
    assert.deepEqual(second, { code: 0, stdout: ["got again"], stderr: "" });
  });

  it("the sender exits with 1 and says why for a message larger than a datagram", async () => {
    const receiver = await startServerExample("udp-receiver.mjs", "udp://127.0.0.1:0");
    const sender = await runExample("udp-sender.mjs", [receiver.url, "fits", "x".repeat(1300)]);
    assert.equal(sender.code, 1);
    assert.deepEqual(sender.stdout, ["got fits"]);
    assert.match(sender.stderr, /^udp sender: .*does not fit in one udp datagram/);
  });

  it("the sender exits with 1 and says why when nothing listens", async () => {
    const sender = await runExample("udp-sender.mjs", [`udp://127.0.0.1:${await freePort()}`]);
    assert.equal(sender.code, 1);
    assert.match(sender.stderr, /^udp sender: .*ECONNREFUSED/);
  });
});

describe("simplified-server.mjs (maxClients: 1)", () => {
  it("serves one client, refuses another with a clear reason meanwhile, then serves the next", async () => {
    const server = await startServerExample("simplified-server.mjs", LOOPBACK);
    assert.match(server.url, URL_LINE);

    const first = track(await connect(server.url));
    assert.equal(await first.read({ timeout: 2000 }), "welcome: you have the server to yourself");
    await server.stdout.until("client connected");

    const refused = await runExample("tcp-echo-client.mjs", [server.url]);
    assert.equal(refused.code, 1);
    assert.equal(refused.stderr.trim(), "echo client: server busy: it serves at most 1 client");
    await assert.rejects(connect(server.url), { message: "server busy: it serves at most 1 client" });

    // The first client is still served, undisturbed.
    first.write("still mine");
    assert.equal(await first.read({ timeout: 2000 }), "still mine");
    first.close();
    await server.stdout.until("client left");

    const next = await runExample("tcp-echo-client.mjs", [server.url, "my turn"]);
    assert.deepEqual(next, { code: 0, stdout: ["welcome: you have the server to yourself"], stderr: "" });
  });
});

describe("standard-server.mjs", () => {
  it("broadcasts each message to every other client, text and bytes", async () => {
    const server = await startServerExample("standard-server.mjs", LOOPBACK);
    const [ana, bea, cai] = [
      track(await connect(server.url)),
      track(await connect(server.url)),
      track(await connect(server.url)),
    ];
    await server.stdout.until("client joined (3 connected)");

    ana.write("hola from ana");
    assert.equal(await bea.read({ timeout: 2000 }), "hola from ana");
    assert.equal(await cai.read({ timeout: 2000 }), "hola from ana");

    bea.write(new Uint8Array([1, 2, 3]));
    for (const other of [ana, cai]) {
      const bytes = await other.read({ timeout: 2000 });
      assert.ok(bytes instanceof Uint8Array);
      assert.deepEqual([...bytes], [1, 2, 3]);
    }

    // Nobody hears their own messages.
    await assert.rejects(ana.read({ timeout: 100 }), { code: "ENCHUFE_ERR_READ_TIMEOUT" });
    await assert.rejects(bea.read({ timeout: 100 }), { code: "ENCHUFE_ERR_READ_TIMEOUT" });

    cai.close();
    await server.stdout.until("client left (2 connected)");
    ana.write("just us");
    assert.equal(await bea.read({ timeout: 2000 }), "just us");
  });
});

describe("line-chat-server.mjs (mode: line)", () => {
  it("lets nc-like peers chat: each line goes to the others", async () => {
    const server = await startServerExample("line-chat-server.mjs", LOOPBACK);
    assert.match(server.url, URL_LINE);

    const one = await plainPeer(server.url);
    assert.equal(await one.lines.next(), "welcome, user1! 0 other(s) here");
    const two = await plainPeer(server.url);
    assert.equal(await two.lines.next(), "welcome, user2! 1 other(s) here");
    assert.equal(await one.lines.next(), "* user2 joined");

    // Lines split across writes, with CRLF (telnet) or LF (nc).
    one.socket.write("ho");
    one.socket.write("la\r\n");
    assert.equal(await two.lines.next(), "user1: hola");
    two.socket.write("¿qué tal?\nbien\n");
    assert.equal(await one.lines.next(), "user2: ¿qué tal?");
    assert.equal(await one.lines.next(), "user2: bien");

    one.socket.end();
    assert.equal(await two.lines.next(), "* user1 left");
    await server.stdout.until("user1 left");
    assert.deepEqual(server.stdout.all, [server.url, "user1 joined", "user2 joined", "user1 left"]);
  });
});
