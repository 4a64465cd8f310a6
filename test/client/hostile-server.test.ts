// The client against servers that send a bad `open` packet: each is a connect_error
// ("invalid handshake"), never a timer built from the server's numbers; and against
// packets that come before any `open` (a forged or stale UDP datagram).
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { createSocket, type RemoteInfo } from "node:dgram";
import { createServer as createHttpServer } from "node:http";
import { createServer, type AddressInfo, type Server as NetServer, type Socket as NetSocket } from "node:net";
import { afterEach, describe, it } from "node:test";
import { io, type ConnectError } from "../../src/client/node.js";
import { encodeDatagram } from "../../src/protocol/datagram.js";
import { encodeStreamFrame } from "../../src/protocol/stream-frame.js";
import { once } from "../helpers/client-peers.js";

const servers: NetServer[] = [];
const sockets: NetSocket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A TCP server that answers every connection with `open` as given, then `more` packets. */
async function serverSaying(open: string, ...more: string[]): Promise<string> {
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.on("error", () => undefined);
    for (const packet of [open, ...more]) socket.write(encodeStreamFrame(packet));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `tcp://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("a server's bad open packet", () => {
  const good = { sid: "abc", upgrades: [], pingInterval: 25000, pingTimeout: 20000, maxPayload: 1000000 };
  for (const [name, open] of [
    ["not JSON", "0{nope"],
    ["JSON null", "0null"],
    ["no sid", `0${JSON.stringify({ ...good, sid: undefined })}`],
    ["an empty sid", `0${JSON.stringify({ ...good, sid: "" })}`],
    ["a negative pingInterval", `0${JSON.stringify({ ...good, pingInterval: -1 })}`],
    ["a pingTimeout as text", `0${JSON.stringify({ ...good, pingTimeout: "20000" })}`],
    ["a pingInterval past any timer", `0${JSON.stringify({ ...good, pingInterval: 2 ** 40 })}`],
    ["upgrades that are not names", `0${JSON.stringify({ ...good, upgrades: [1] })}`],
    ["a maxPayload of 0", `0${JSON.stringify({ ...good, maxPayload: 0 })}`],
  ] as const) {
    it(`is a connect_error: ${name}`, async () => {
      const socket = io(await serverSaying(open), { forceNew: true, reconnection: false, timeout: 3000 });
      const [error] = await once<[ConnectError]>(socket, "connect_error", 3000);
      assert.equal(error.message, "invalid handshake");
      assert.equal(socket.connected, false);
      socket.io.close();
    });
  }

  for (const [name, sid] of [
    ["a terminal escape", "abc\u001b[2J"],
    ["a bidi override", "abc\u202e"],
    ["an empty one", ""],
    ["a number", 42],
    ["one too long", "x".repeat(256)],
  ] as const) {
    it(`a CONNECT answer's socket id that is not 1 to 255 printable characters is a connect_error: ${name}`, async () => {
      const url = await serverSaying(`0${JSON.stringify(good)}`, `40${JSON.stringify({ sid })}`);
      const socket = io(url, { forceNew: true, reconnection: false, timeout: 3000 });
      const [error] = await once<[ConnectError]>(socket, "connect_error", 3000);
      assert.equal(error.message, "invalid CONNECT packet");
      assert.equal(socket.id, undefined);
      socket.io.close();
    });
  }

  it("a valid one is accepted (the same server, a good packet)", async () => {
    const socket = io(await serverSaying(`0${JSON.stringify(good)}`), { forceNew: true, reconnection: false });
    await once(socket.io, "open", 3000);
    assert.equal(socket.io.engine?.id, "abc");
    socket.io.close();
  });
});

describe("a server's oversized message (64 MiB is the client's limit)", () => {
  it("a stream frame announcing more is refused from its header", async () => {
    const server = createServer((socket) => {
      sockets.push(socket);
      socket.on("error", () => undefined);
      socket.write(Buffer.from([0x04, 0x00, 0x00, 0x01, 0])); // 64 MiB + 1, kind 0
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `tcp://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const socket = io(url, { forceNew: true, reconnection: false, timeout: 3000 });
    const [error] = await once<[ConnectError]>(socket, "connect_error", 3000);
    assert.match(error.message, /over the limit of 67108864/);
    socket.io.close();
  });

  it("a polling answer longer than that is cut off", async () => {
    const chunk = Buffer.alloc(1024 * 1024, 0x34);
    const http = createHttpServer((_request, response) => {
      response.writeHead(200, { "content-type": "text/plain" });
      let sent = 0;
      const pump = (): void => {
        while (sent < 65 && response.write(chunk)) sent++;
        if (sent < 65) response.once("drain", pump);
        else response.end();
      };
      response.on("error", () => undefined);
      pump();
    });
    servers.push(http);
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    const socket = io(url, { forceNew: true, reconnection: false, transports: ["polling"], timeout: 5000 });
    const [error] = await once<[ConnectError]>(socket, "connect_error", 5000);
    assert.match(error.message, /polling answer of more than 67108864 bytes/);
    socket.io.close();
    http.closeAllConnections();
  });
});

describe("packets before open, over udp", () => {
  it("a ping (a stale session's, a forgery) is ignored: no crash, and the connect times out as with silence", async () => {
    const server = createSocket("udp4");
    let requests = 0;
    server.on("message", (_datagram: Buffer, peer: RemoteInfo) => {
      requests++;
      server.send(encodeDatagram([encodeStreamFrame("2"), encodeStreamFrame("4hello")]), peer.port, peer.address);
    });
    await new Promise<void>((resolve) => server.bind(0, "127.0.0.1", resolve));
    try {
      const client = io(`udp://127.0.0.1:${server.address().port}`, {
        forceNew: true,
        reconnection: false,
        timeout: 700,
      });
      const [error] = await once<[ConnectError]>(client, "connect_error", 3000);
      assert.equal(error.message, "timeout");
      assert.ok(requests >= 2, "the open request was sent again while nothing answered it");
      assert.equal(client.connected, false);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
