// enchufe/client over TLS against enchufe, what the shared suites (which run over
// tls:// too, in enchufe-server.test.ts) do not check: tls:// refused without the CA,
// and https:// with a private CA on each transport. The certificates are made once,
// at run time (test/helpers/certificates.ts).
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { after, afterEach, before, describe, it } from "node:test";
import { io, type ClientOptions, type ConnectError, type Socket } from "../../src/client/node.js";
import { Server } from "../../src/index.js";
import { makeCertificates, type Certificates } from "../helpers/certificates.js";
import { nextConnection, once, until, withTimeout } from "../helpers/client-peers.js";

let dir: string;
let certificates: Certificates;
const clients: Socket[] = [];

before(() => {
  dir = mkdtempSync(join(tmpdir(), "enchufe-tls-"));
  certificates = makeCertificates(dir);
});
afterEach(() => {
  for (const socket of clients.splice(0)) socket.io.close();
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Our client, without reconnection; closed after each test. */
function tlsClient(url: string, options: ClientOptions = {}): Socket {
  const socket = io(url, { forceNew: true, reconnection: false, ...options });
  clients.push(socket);
  return socket;
}

describe("enchufe server, transports: tls (smoke)", () => {
  let server: Server;
  let url: string;

  before(async () => {
    server = new Server();
    url = (await server.listen("tls://127.0.0.1:0", { key: certificates.serverKey, cert: certificates.serverCert }))
      .url;
  });
  after(() => server.close());

  it("with the CA: connects on 'tls' on both sides, and exchanges an acknowledgement", async () => {
    const serverSide = withTimeout(nextConnection(server), "connection");
    const socket = tlsClient(url, { ca: certificates.ca });
    await once(socket, "connect", 3000);
    const peer = await serverSide;
    assert.equal(socket.id, peer.id);
    assert.equal(socket.io.engine!.transport.name, "tls");
    assert.equal(peer.conn.transport.name, "tls");
    peer.on("double", (n: number, ack: (value: number) => void) => ack(n * 2));
    assert.equal(await socket.timeout(2000).emitWithAck("double", 21), 42);
  });

  it("without the CA: connect_error, as rejectUnauthorized is on by default", async () => {
    const socket = tlsClient(url);
    const [error] = await once<[ConnectError]>(socket, "connect_error", 3000);
    assert.ok(error instanceof Error);
    assert.match(error.message, /certificate/);
    assert.equal(socket.connected, false);
    await until(() => server.engine.clientsCount === 0, 2000);
  });
});

describe("enchufe server over https, the client trusting a private CA", () => {
  let server: Server;
  let url: string;

  before(async () => {
    const httpsServer = createHttpsServer({ key: certificates.serverKey, cert: certificates.serverCert });
    server = new Server(httpsServer);
    await new Promise<void>((resolve) => httpsServer.listen(0, "127.0.0.1", resolve));
    url = `https://127.0.0.1:${(httpsServer.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  for (const transports of [["polling"], ["websocket"], ["polling", "websocket"]] as const) {
    it(`with ca, connects over ${transports.join(" then ")} and exchanges an acknowledgement`, async () => {
      const socket = tlsClient(url, { ca: certificates.ca, transports: [...transports] });
      await once(socket, "connect", 3000);
      const [peer] = [...server.sockets.sockets.values()].filter((candidate) => candidate.id === socket.id);
      peer!.on("double", (n: number, ack: (value: number) => void) => ack(n * 2));
      assert.equal(await socket.timeout(2000).emitWithAck("double", 4), 8);
      await until(() => socket.io.engine!.transport.name === transports[transports.length - 1], 3000);
    });
  }

  it("without ca, polling fails the certificate check: connect_error", async () => {
    const socket = tlsClient(url, { transports: ["polling"] });
    const [error] = await once<[ConnectError]>(socket, "connect_error", 3000);
    assert.match(error.message, /certificate/);
  });
});
