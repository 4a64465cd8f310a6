// Stream listeners in message modes, for peers that do not speak Engine.IO: line
// (nc, telnet), raw and sized. Each peer is a socket in "/" whose messages are
// `message` events; what the server emits to it comes back as plain messages.
import assert from "node:assert/strict";
import { connect, type Socket as NetSocket } from "node:net";
import { afterEach, describe, it } from "node:test";
import type { ServerOptions, Socket } from "../../src/index.js";
import { io as ioClient } from "socket.io-client";
import { closeAll, once, startServer, until } from "../helpers/peers.js";

const peers: NetSocket[] = [];

afterEach(async () => {
  for (const peer of peers.splice(0)) peer.destroy();
  await closeAll();
});

/** A plain TCP peer that collects what it receives. */
async function plainPeer(url: string): Promise<{ socket: NetSocket; received: () => Buffer }> {
  const port = Number(url.split(":").pop());
  const socket = connect(port, "127.0.0.1");
  peers.push(socket);
  const chunks: Buffer[] = [];
  socket.on("data", (chunk: Buffer) => chunks.push(chunk));
  socket.on("error", () => undefined);
  await once(socket, "connect", 2000);
  return { socket, received: () => Buffer.concat(chunks) };
}

async function serverWith(mode: "line" | "raw" | "sized", options: ServerOptions = {}, maxMessageBytes?: number) {
  const server = await startServer(options);
  const listener = await server.io.listen("tcp://127.0.0.1:0", { mode, maxMessageBytes });
  return { ...server, tcpUrl: listener.url };
}

function sized(message: string | Buffer): Buffer {
  const bytes = Buffer.from(message);
  const header = Buffer.alloc(4);
  header.writeUInt32BE(bytes.length);
  return Buffer.concat([header, bytes]);
}

describe("line mode", () => {
  it("turns each line into a message event, CRLF or LF, however the bytes are split", async () => {
    const { io, tcpUrl } = await serverWith("line");
    const joined = once<[Socket]>(io, "connection");
    const peer = await plainPeer(tcpUrl);
    const [socket] = await joined;
    assert.equal(socket.conn.transport.name, "tcp");
    const messages: unknown[] = [];
    socket.on("message", (message: unknown) => messages.push(message));
    peer.socket.write("ho");
    peer.socket.write("la\r\nqué ");
    peer.socket.write("tal\n\n");
    await until(() => messages.length === 3, 2000);
    assert.deepEqual(messages, ["hola", "qué tal", ""]);
  });

  it("writes a message event as a line and any other event as JSON, broadcasts included", async () => {
    const { io, url, tcpUrl } = await serverWith("line");
    io.on("connection", (socket) => void socket.join("lobby"));
    const browser = ioClient(url, { transports: ["websocket"], forceNew: true, reconnection: false });
    const chats: unknown[] = [];
    browser.on("chat", (...args: unknown[]) => chats.push(args));
    await once(browser, "connect", 2000);
    const peer = await plainPeer(tcpUrl);
    await until(() => io.sockets.sockets.size === 2, 2000);
    io.to("lobby").emit("message", "hello, terminal");
    io.to("lobby").emit("chat", "ana", { n: 1 });
    await until(() => peer.received().toString().split("\n").length === 3 && chats.length === 1, 2000);
    assert.equal(peer.received().toString(), 'hello, terminal\n["chat","ana",{"n":1}]\n');
    assert.deepEqual(chats, [["ana", { n: 1 }]]);
    browser.close();
  });

  it("keeps a silent peer connected across heartbeats (the transport answers pings)", async () => {
    const { io, tcpUrl } = await serverWith("line", { pingInterval: 40, pingTimeout: 40 });
    const joined = once<[Socket]>(io, "connection");
    await plainPeer(tcpUrl);
    const [socket] = await joined;
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(socket.connected, true);
  });

  it("lets middleware refuse a peer: it reads the error as a JSON line and is disconnected", async () => {
    const { io, tcpUrl } = await serverWith("line");
    io.use((_socket, next) => next(new Error("no terminals")));
    const peer = await plainPeer(tcpUrl);
    await once(peer.socket, "end", 2000);
    assert.equal(peer.received().toString(), '["connect_error",{"message":"no terminals"}]\n');
  });

  for (const [name, bytes] of [
    ["a line over maxMessageBytes", Buffer.from("x".repeat(40) + "\n")],
    ["an unterminated line over maxMessageBytes", Buffer.from("x".repeat(40))],
    ["a line that is not UTF-8", Buffer.from([0x68, 0xff, 0x0a])],
  ] as const) {
    it(`closes the peer on ${name} with "parse error", and serves the others`, async () => {
      const { io, tcpUrl } = await serverWith("line", {}, 32);
      const reasons: string[] = [];
      io.on("connection", (socket) => {
        socket.on("message", (message: string) => socket.emit("message", `echo ${message}`));
        socket.on("disconnect", (reason) => reasons.push(reason));
      });
      const bad = await plainPeer(tcpUrl);
      const good = await plainPeer(tcpUrl);
      await until(() => io.sockets.sockets.size === 2, 2000);
      bad.socket.write(bytes);
      await until(() => reasons.length === 1, 2000);
      assert.deepEqual(reasons, ["parse error"]);
      good.socket.write("still here\n");
      await until(() => good.received().toString() === "echo still here\n", 2000);
    });
  }

  it('takes a Latin-1 line with U+FFFD for its bad bytes with invalidUtf8: "replace", and refuses other values', async () => {
    const { io } = await startServer();
    const { url } = await io.listen("tcp://127.0.0.1:0", { mode: "line", invalidUtf8: "replace" });
    const messages: string[] = [];
    io.on("connection", (socket) => socket.on("message", (message: string) => messages.push(message)));
    const peer = await plainPeer(url);
    peer.socket.write(Buffer.from("café con leche\n", "latin1"));
    peer.socket.write("y en UTF-8: café\n");
    await until(() => messages.length === 2, 2000);
    assert.deepEqual(messages, ["caf\uFFFD con leche", "y en UTF-8: café"]);
    assert.equal(io.sockets.sockets.size, 1, "still connected");
    await assert.rejects(io.listen("tcp://127.0.0.1:0", { mode: "line", invalidUtf8: "ignore" as "close" }), {
      code: "ENCHUFE_ERR_OPTION_INVALID",
    });
  });

  it('reports a stream that ends inside a line as "parse error"', async () => {
    const { io, tcpUrl } = await serverWith("line");
    const reasons: string[] = [];
    io.on("connection", (socket) => socket.on("disconnect", (reason) => reasons.push(reason)));
    const peer = await plainPeer(tcpUrl);
    await until(() => io.sockets.sockets.size === 1, 2000);
    peer.socket.end("no newline");
    await until(() => reasons.length === 1, 2000);
    assert.deepEqual(reasons, ["parse error"]);
  });
});

describe("raw mode", () => {
  it("hands each chunk over as bytes and writes messages back unframed (an echo a plain recv reads)", async () => {
    const { io, tcpUrl } = await serverWith("raw");
    io.on("connection", (socket) => socket.on("message", (bytes: Buffer) => socket.send(bytes)));
    const peer = await plainPeer(tcpUrl);
    peer.socket.write(Buffer.from([0, 1, 2, 255]));
    await until(() => peer.received().length === 4, 2000);
    assert.deepEqual([...peer.received()], [0, 1, 2, 255]);
  });
});

describe("sized mode", () => {
  it("reads u32-length-prefixed messages split anywhere and writes replies the same way", async () => {
    const { io, tcpUrl } = await serverWith("sized");
    const messages: Buffer[] = [];
    io.on("connection", (socket) =>
      socket.on("message", (bytes: Buffer) => {
        messages.push(bytes);
        socket.send(Buffer.concat([Buffer.from("re:"), bytes]));
      }),
    );
    const peer = await plainPeer(tcpUrl);
    const stream = Buffer.concat([sized("uno"), sized(""), sized(Buffer.from([9, 9]))]);
    for (let i = 0; i < stream.length; i += 2) peer.socket.write(stream.subarray(i, i + 2));
    await until(() => messages.length === 3, 2000);
    assert.deepEqual(
      messages.map((bytes) => [...bytes]),
      [[0x75, 0x6e, 0x6f], [], [9, 9]],
    );
    await until(
      () => peer.received().length === sized("re:uno").length + sized("re:").length + sized("re:\t\t").length,
      2000,
    );
    assert.deepEqual(
      peer.received(),
      Buffer.concat([sized("re:uno"), sized("re:"), sized(Buffer.from([0x72, 0x65, 0x3a, 9, 9]))]),
    );
  });

  it('closes a peer that announces a message over maxMessageBytes with "parse error"', async () => {
    const { io, tcpUrl } = await serverWith("sized", {}, 16);
    const reasons: string[] = [];
    io.on("connection", (socket) => socket.on("disconnect", (reason) => reasons.push(reason)));
    const peer = await plainPeer(tcpUrl);
    await until(() => io.sockets.sockets.size === 1, 2000);
    peer.socket.write(Buffer.from([0, 0, 0, 17]));
    await until(() => reasons.length === 1, 2000);
    assert.deepEqual(reasons, ["parse error"]);
  });
});

describe("closing", () => {
  it("io.close() ends even when a peer never closes its side (dropped after the grace)", async () => {
    const { io, tcpUrl } = await serverWith("line");
    const peer = await plainPeer(tcpUrl);
    peer.socket.on("end", () => undefined); // half-open: the peer reads our FIN and never answers
    peer.socket.allowHalfOpen = true;
    await until(() => io.sockets.sockets.size === 1, 2000);
    const started = Date.now();
    await io.close();
    // io.close() waits for the listener's connections to end: returning means the server dropped it.
    assert.ok(Date.now() - started < 4000, `io.close() took ${Date.now() - started} ms`);
  });
});

describe("listen options", () => {
  it("refuses an unknown mode", async () => {
    const { io } = await startServer();
    await assert.rejects(
      io.listen("tcp://127.0.0.1:0", { mode: "lines" as never }),
      /mode must be "engine.io", "line", "raw" or "sized"/,
    );
  });
});
