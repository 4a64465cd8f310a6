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

describe("udp://", () => {
  const TOO_LARGE = { code: ErrorCode.MESSAGE_TOO_LARGE };

  it("round trip: text and bytes both ways, on a real port, over the udp transport", async () => {
    const { server, client, peer } = await pair("udp://127.0.0.1:0");
    const match = /^udp:\/\/127\.0\.0\.1:(\d+)$/.exec(server.url);
    assert.ok(match !== null, server.url);
    assert.notEqual(Number(match[1]), 0);
    assert.equal(serverSocket(peer).conn.transport.name, "udp");
    client.write("ping");
    assert.equal(await peer.read({ timeout: 2000 }), "ping");
    peer.write("pong");
    assert.equal(await client.read({ timeout: 2000 }), "pong");
    client.write(new Uint8Array([0, 1, 255]));
    const bytes = await peer.read({ timeout: 2000 });
    assert.ok(bytes instanceof Uint8Array);
    assert.deepEqual([...bytes], [0, 1, 255]);
  });

  it("for await yields every message and ends when the peer closes", async () => {
    const { client, peer } = await pair("udp://127.0.0.1:0");
    for (const message of ["x", "y", "z"]) client.write(message);
    client.close();
    const got: Message[] = [];
    for await (const message of peer) if (got.push(message) > 10) break; // bounded, should it never end
    assert.deepEqual(got, ["x", "y", "z"]);
    assert.equal(peer.isOpen, false);
  });

  it("for await over the server's connections, and the server's close ends them", async () => {
    const server = await listen("udp://127.0.0.1:0");
    const client = track(await connect(server.url, { timeout: 3000 }));
    const iterated: Connection[] = [];
    const iteration = (async () => {
      for await (const conn of server) iterated.push(track(conn));
    })();
    await until(() => iterated.length === 1);
    client.write("hi");
    assert.equal(await iterated[0]!.read({ timeout: 2000 }), "hi");
    await server.close();
    await iteration;
    // The server says it is going, so the client need not wait for its ping timeout.
    assert.equal(await client.read({ timeout: 2000 }), undefined);
    assert.equal(client.isOpen, false);
  });

  it("maxClients: 1 refuses a second client with the reason, and takes the next once the first leaves", async () => {
    const server = track(await listen("udp://127.0.0.1:0", { maxClients: 1 }));
    const first = track(await connect(server.url, { timeout: 3000 }));
    const peerOfFirst = track((await server.accept())!);
    await assert.rejects(connect(server.url, { timeout: 3000 }), {
      message: "server busy: it serves at most 1 client",
    });
    first.write("still mine");
    assert.equal(await peerOfFirst.read({ timeout: 2000 }), "still mine");
    first.close();
    assert.equal(await peerOfFirst.read({ timeout: 2000 }), undefined);
    const next = track(await connect(server.url, { timeout: 3000 }));
    next.write("my turn");
    assert.equal(await track((await server.accept())!).read({ timeout: 2000 }), "my turn");
  });

  it("a write larger than a datagram throws ENCHUFE_ERR_MESSAGE_TOO_LARGE, on either end; the connection goes on", async () => {
    const { client, peer } = await pair("udp://127.0.0.1:0");
    assert.throws(() => client.write("x".repeat(1200)), TOO_LARGE);
    assert.throws(() => client.write(new Uint8Array(1200)), TOO_LARGE);
    assert.throws(() => peer.write("y".repeat(1200)), TOO_LARGE);
    client.write("x".repeat(1000));
    assert.equal(await peer.read({ timeout: 2000 }), "x".repeat(1000));
    peer.write("small");
    assert.equal(await client.read({ timeout: 2000 }), "small");
    assert.ok(client.isOpen && peer.isOpen);
  });

  it("maxDatagramBytes raises the limit, and the client learns it from the server", async () => {
    const server = track(await listen("udp://127.0.0.1:0", { maxDatagramBytes: 4000 }));
    const client = track(await connect(server.url, { timeout: 3000 }));
    const peer = track((await server.accept())!);
    client.write("z".repeat(3000));
    assert.equal(await peer.read({ timeout: 2000 }), "z".repeat(3000));
    peer.write("w".repeat(3000));
    assert.equal(await client.read({ timeout: 2000 }), "w".repeat(3000));
    assert.throws(() => client.write("z".repeat(4000)), TOO_LARGE);
  });

  it("rejects a bad udp URL or option with an ArgumentError", async () => {
    const invalid = { name: "ArgumentError", code: ErrorCode.ARGUMENT_INVALID };
    for (const url of ["udp://127.0.0.1:99999", "udp:127.0.0.1:4000", "udp://[::1", "udp://:4000"]) {
      await assert.rejects(connect(url), invalid, url);
    }
    for (const url of ["udp://127.0.0.1", "udp://127.0.0.1:99999", "udp://[::1", "udp://127.0.0.1:0/path"]) {
      await assert.rejects(listen(url), invalid, url);
    }
    const option = { name: "ArgumentError", code: ErrorCode.OPTION_INVALID };
    await assert.rejects(listen("udp://127.0.0.1:0", { maxDatagramBytes: 100 }), option);
    await assert.rejects(listen("udp://127.0.0.1:0", { mode: "line" }), option);
  });
});
