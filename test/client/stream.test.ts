// enchufe/client over tls:// against enchufe's raw TLS listener: a smoke test (the
// shared suites run over tcp and ipc in enchufe-server.test.ts; TLS is the same
// stream transport with a handshake in front). The certificates are made here, at
// run time, with openssl: a throwaway CA and a server certificate for 127.0.0.1.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, afterEach, before, describe, it } from "node:test";
import { io, type ConnectError, type Socket } from "../../src/client/node.js";
import { Server } from "../../src/index.js";
import { nextConnection, once, until, withTimeout } from "../helpers/client-peers.js";

const OPENSSL = "/usr/bin/openssl";

/** A CA, and a server certificate for 127.0.0.1 that it signed, in `dir`: PEM texts. */
function makeCertificates(dir: string): { ca: string; key: string; cert: string } {
  const openssl = (...args: string[]): void => void execFileSync(OPENSSL, args, { cwd: dir, stdio: "pipe" });
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  openssl("req", "-x509", ...ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "1", "-subj", "/CN=enchufe test CA");
  openssl("req", ...ec, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1");
  writeFileSync(join(dir, "server.ext"), "subjectAltName = IP:127.0.0.1\n");
  openssl(
    "x509",
    "-req",
    "-in",
    "server.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-set_serial",
    "1",
    "-days",
    "1",
    "-extfile",
    "server.ext",
    "-out",
    "server.pem",
  );
  const read = (name: string): string => readFileSync(join(dir, name), "utf8");
  return { ca: read("ca.pem"), key: read("server.key"), cert: read("server.pem") };
}

describe("enchufe server, transports: tls (smoke)", () => {
  let dir: string;
  let certificates: { ca: string; key: string; cert: string };
  let server: Server;
  let url: string;
  const clients: Socket[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "enchufe-tls-"));
    certificates = makeCertificates(dir);
    server = new Server();
    url = (await server.listen("tls://127.0.0.1:0", { key: certificates.key, cert: certificates.cert })).url;
  });
  afterEach(() => {
    for (const socket of clients.splice(0)) socket.io.close();
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function tlsClient(options: { ca?: string } = {}): Socket {
    const socket = io(url, { forceNew: true, reconnection: false, ...options });
    clients.push(socket);
    return socket;
  }

  it("with the CA: connects on 'tls' on both sides, and exchanges an acknowledgement", async () => {
    const serverSide = withTimeout(nextConnection(server), "connection");
    const socket = tlsClient({ ca: certificates.ca });
    await once(socket, "connect", 3000);
    const peer = await serverSide;
    assert.equal(socket.id, peer.id);
    assert.equal(socket.io.engine!.transport.name, "tls");
    assert.equal(peer.conn.transport.name, "tls");
    peer.on("double", (n: number, ack: (value: number) => void) => ack(n * 2));
    assert.equal(await socket.timeout(2000).emitWithAck("double", 21), 42);
  });

  it("without the CA: connect_error, as rejectUnauthorized is on by default", async () => {
    const socket = tlsClient();
    const [error] = await once<[ConnectError]>(socket, "connect_error", 3000);
    assert.ok(error instanceof Error);
    assert.match(error.message, /certificate/);
    assert.equal(socket.connected, false);
    await until(() => server.engine.clientsCount === 0, 2000);
  });
});
