// The simple API itself, in process: reads (timeouts, the end of a connection),
// iteration, accept() and close, maxClients, and which URL means which transport.
import assert from "node:assert/strict";
import { join } from "node:path";
import { afterEach, describe, it } from "node:test";
import { ArgumentError, ErrorCode, TimeoutError, type Socket } from "../../src/index.js";
import { connect, listen, type Connection, type Message, type SimpleServer } from "../../src/simple/index.js";
import { until } from "../helpers/peers.js";
import { cleanup, freePort, plainPeer, tempDir, track } from "./helpers.js";

afterEach(cleanup);

/** The server socket under an accepted connection (`conn.socket` is typed for messages only). */
function serverSocket(conn: Connection): Socket {
  return conn.socket as unknown as Socket;
}

/** A server on `url` and a client connected to it, and the server's end of that client. */
async function pair(
  url = "tcp://127.0.0.1:0",
): Promise<{ server: SimpleServer; client: Connection; peer: Connection }> {
  const server = track(await listen(url));
  const client = track(await connect(server.url, { timeout: 3000 }));
  const peer = track((await server.accept())!);
  return { server, client, peer };
}

describe("read()", () => {
  it("rejects with a TimeoutError (ENCHUFE_ERR_READ_TIMEOUT) and leaves the connection usable", async () => {
    const { client, peer } = await pair();
    const started = Date.now();
    const error = await client.read({ timeout: 50 }).catch((caught: unknown) => caught);
    assert.ok(error instanceof TimeoutError);
    assert.equal(error.code, ErrorCode.READ_TIMEOUT);
    assert.equal(error.code, "ENCHUFE_ERR_READ_TIMEOUT");
    assert.ok(Date.now() - started >= 45);
    // The timed-out read took nothing: the next message goes to the next read.
    peer.write("late");
    assert.equal(await client.read({ timeout: 2000 }), "late");
    assert.ok(client.isOpen);
  });

  it("keeps messages that come before anyone reads, in order, text and bytes", async () => {
    const { client, peer } = await pair();
    peer.write("one");
    peer.write(new Uint8Array([0, 255]));
    peer.write("three");
    await new Promise((resolve) => setTimeout(resolve, 50)); // they arrive before the first read
    const got: Message[] = [];
    for (let i = 0; i < 3; i++) got.push((await client.read({ timeout: 2000 }))!);
    assert.equal(got[0], "one");
    assert.ok(got[1] instanceof Uint8Array);
    assert.deepEqual([...got[1]], [0, 255]);
    assert.equal(got[2], "three");
  });

  it("resolves undefined once the connection is closed, on either end, pending reads included", async () => {
    const { client, peer } = await pair();
    const pending = client.read();
    client.close();
    assert.equal(await pending, undefined);
    assert.equal(await client.read(), undefined);
    assert.equal(await client.read({ timeout: 10 }), undefined);
    assert.equal(client.isOpen, false);
    assert.equal(client.closeReason, "closed");
    assert.equal(client.write("too late"), false);
    // The other end sees the close as the end of the stream.
    assert.equal(await peer.read({ timeout: 2000 }), undefined);
    assert.equal(peer.isOpen, false);
    assert.equal(typeof peer.closeReason, "string");
  });

  it("gives the messages sent before the peer closed, then undefined", async () => {
    const { client, peer } = await pair();
    peer.write("a");
    peer.write("b");
    peer.close();
    assert.equal(await client.read({ timeout: 2000 }), "a");
    assert.equal(await client.read({ timeout: 2000 }), "b");
    assert.equal(await client.read({ timeout: 2000 }), undefined);
  });
});

describe("for await … of a connection", () => {
  it("yields every message and ends when the peer closes", async () => {
    const { client, peer } = await pair();
    for (const message of ["x", "y", "z"]) client.write(message);
    client.close();
    const got: Message[] = [];
    for await (const message of peer) {
      got.push(message);
      if (got.length > 10) break; // bounded, should it never end
    }
    assert.deepEqual(got, ["x", "y", "z"]);
  });

  it("ends when this end closes", async () => {
    const { client, peer } = await pair();
    setTimeout(() => client.close(), 20);
    const got: Message[] = [];
    for await (const message of client) if (got.push(message) > 10) break;
    assert.deepEqual(got, []);
    assert.equal(await peer.read({ timeout: 2000 }), undefined);
  });
});

describe("SimpleServer", () => {
  it("has the real port in its url (tcp:// and http:// on port 0)", async () => {
    for (const scheme of ["tcp", "http"]) {
      const server = track(await listen(`${scheme}://127.0.0.1:0`));
      const match = new RegExp(`^${scheme}://127\\.0\\.0\\.1:(\\d+)$`).exec(server.url);
      assert.ok(match !== null, server.url);
      assert.notEqual(Number(match[1]), 0);
    }
  });

  it("accept() resolves undefined after close(), pending ones too, and iteration ends", async () => {
    const server = await listen("tcp://127.0.0.1:0");
    const client = track(await connect(server.url));
    const pending = [server.accept(), server.accept()];
    const iterated: Connection[] = [];
    const iteration = (async () => {
      for await (const conn of server) iterated.push(conn);
    })();
    const first = await pending[0];
    assert.ok(first !== undefined);
    await server.close();
    assert.equal(await pending[1], undefined);
    assert.equal(await server.accept(), undefined);
    await iteration;
    assert.deepEqual(iterated, []);
    // Closing the server closed its connections.
    assert.equal(await client.read({ timeout: 2000 }), undefined);
    assert.equal(await first.read({ timeout: 2000 }), undefined);
    await server.close(); // twice is fine
  });

  it("hands out connections that came before accept(), in order", async () => {
    const server = track(await listen("tcp://127.0.0.1:0"));
    const one = track(await connect(server.url));
    const two = track(await connect(server.url));
    one.write("from one");
    two.write("from two");
    const first = track((await server.accept())!);
    const second = track((await server.accept())!);
    assert.equal(await first.read({ timeout: 2000 }), "from one");
    assert.equal(await second.read({ timeout: 2000 }), "from two");
  });
});

describe("maxClients", () => {
  for (const bad of [0, -1, Number.NaN, 1.5]) {
    it(`rejects maxClients: ${bad}`, async () => {
      await assert.rejects(listen("tcp://127.0.0.1:0", { maxClients: bad }), (error: unknown) => {
        assert.ok(error instanceof ArgumentError);
        assert.equal(error.code, ErrorCode.OPTION_INVALID);
        assert.match(error.message, /maxClients must be an integer of at least 1/);
        return true;
      });
    });
  }

  it("refuses the client past the limit with the reason, and takes one again when a place frees", async () => {
    const server = track(await listen("ws://127.0.0.1:0", { maxClients: 2 }));
    const one = track(await connect(server.url));
    track(await connect(server.url));
    await assert.rejects(connect(server.url), { message: "server busy: it serves at most 2 clients" });
    const peerOfOne = track((await server.accept())!);
    one.close();
    assert.equal(await peerOfOne.read({ timeout: 2000 }), undefined);
    const three = track(await connect(server.url, { timeout: 3000 }));
    assert.ok(three.isOpen);
  });
});

describe("URLs", () => {
  it("udp:// is not supported yet: connect() and listen() reject with an ArgumentError", async () => {
    const expected = { name: "ArgumentError", code: ErrorCode.ARGUMENT_INVALID, message: /udp:\/\/ is not supported/ };
    await assert.rejects(connect("udp://127.0.0.1:4000"), expected);
    await assert.rejects(listen("udp://127.0.0.1:0"), expected);
  });

  it("listen() rejects an unknown scheme and a URL without a port", async () => {
    const invalid = { name: "ArgumentError", code: ErrorCode.ARGUMENT_INVALID };
    await assert.rejects(listen("ftp://127.0.0.1:0"), { ...invalid, message: /is not a URL enchufe\/simple knows/ });
    await assert.rejects(listen("tcp://127.0.0.1"), invalid);
    await assert.rejects(listen("http://127.0.0.1:99999"), invalid);
  });

  it("connect() rejects an unknown scheme or a malformed URL with an ArgumentError", async () => {
    const invalid = { name: "ArgumentError", code: ErrorCode.ARGUMENT_INVALID, message: /is not a URL/ };
    await assert.rejects(connect("ftp://127.0.0.1:1"), invalid);
    await assert.rejects(connect("nonsense"), invalid);
  });

  it("gives an IPv6 server's URL with brackets, and a client connects with it", async () => {
    const server = track(await listen("http://[::1]:0"));
    assert.match(server.url, /^http:\/\/\[::1\]:\d+$/);
    const client = track(await connect(server.url));
    client.write("v6");
    assert.equal(await track((await server.accept())!).read({ timeout: 2000 }), "v6");
  });

  it("connect() rejects with the network error when nothing listens", async () => {
    await assert.rejects(connect(`tcp://127.0.0.1:${await freePort()}`, { timeout: 2000 }), { code: "ECONNREFUSED" });
  });

  it("ws:// uses WebSocket only: no HTTP request, WebSocket from the start", async () => {
    const server = track(await listen("ws://127.0.0.1:0"));
    let requests = 0;
    server.io.httpServer!.on("request", () => requests++);
    const client = track(await connect(server.url));
    const peer = track((await server.accept())!);
    assert.equal(serverSocket(peer).conn.transport.name, "websocket");
    client.write("ws");
    assert.equal(await peer.read({ timeout: 2000 }), "ws");
    assert.equal(requests, 0);
  });

  it("http:// starts on HTTP long-polling and upgrades to WebSocket, messages flowing throughout", async () => {
    const server = track(await listen("http://127.0.0.1:0"));
    let requests = 0;
    server.io.httpServer!.on("request", () => requests++);
    const client = track(await connect(server.url));
    const peer = track((await server.accept())!);
    const session = serverSocket(peer).conn;
    const firstTransport = session.transport.name;
    client.write("early");
    assert.equal(await peer.read({ timeout: 2000 }), "early");
    await until(() => session.transport.name === "websocket");
    assert.equal(firstTransport, "polling");
    assert.ok(session.upgraded);
    assert.ok(requests > 0);
    peer.write("after the upgrade");
    assert.equal(await client.read({ timeout: 2000 }), "after the upgrade");
  });

  it("ipc:///path listens on a Unix domain socket", async () => {
    const { dir, remove } = tempDir("enchufe-simple-api-");
    try {
      const path = join(dir, "api.sock");
      const { server, client, peer } = await pair(`ipc://${path}`);
      assert.equal(server.url, `ipc://${path}`);
      client.write("local");
      assert.equal(await peer.read({ timeout: 2000 }), "local");
      await server.close();
    } finally {
      remove();
    }
  });

  it("tcp:// with mode: line serves plain sockets (no Engine.IO)", async () => {
    const server = track(await listen("tcp://127.0.0.1:0", { mode: "line" }));
    const nc = await plainPeer(server.url);
    nc.socket.write("line one\r\nline two\n");
    const peer = track((await server.accept())!);
    assert.equal(await peer.read({ timeout: 2000 }), "line one");
    assert.equal(await peer.read({ timeout: 2000 }), "line two");
    peer.write("back");
    assert.equal(await nc.lines.next(), "back");
    nc.socket.end();
    assert.equal(await peer.read({ timeout: 2000 }), undefined);
  });
});
