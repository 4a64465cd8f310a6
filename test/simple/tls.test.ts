// TLS: tls-server.mjs and tls-client.mjs as real processes, and the simple API over
// wss:// and https://, with a CA and certificates OpenSSL makes for this run in a
// temporary directory (no key is committed).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, afterEach, before, describe, it } from "node:test";
import { connect, listen, type SimpleConnectOptions } from "../../src/simple/index.js";
import { makeCertificates } from "../helpers/certificates.js";
import { assertBuilt, cleanup, runExample, startServerExample, tempDir, track } from "./helpers.js";

const pki = tempDir("enchufe-simple-tls-");
const file = (name: string): string => join(pki.dir, name);

before(() => {
  assertBuilt();
  makeCertificates(pki.dir);
});
afterEach(cleanup);
after(pki.remove);

describe("tls-server.mjs and tls-client.mjs", () => {
  it("echo over TLS, the client trusting the throwaway CA", async () => {
    const server = await startServerExample("tls-server.mjs", "tls://127.0.0.1:0", [
      file("server.key"),
      file("server.crt"),
    ]);
    assert.match(server.url, /^tls:\/\/127\.0\.0\.1:[1-9]\d*$/);
    const client = await runExample("tls-client.mjs", [server.url, file("ca.crt"), "secreto", "otro"]);
    assert.equal(client.code, 0, client.stderr);
    assert.deepEqual(client.stdout, ["secreto", "otro"]);
    // By name too: the certificate is for localhost as well as 127.0.0.1.
    const byName = await runExample("tls-client.mjs", [server.url.replace("127.0.0.1", "localhost")], {
      TLS_CA: file("ca.crt"),
    });
    assert.equal(byName.code, 0, byName.stderr);
    assert.deepEqual(byName.stdout, ["hello over TLS"]);
    await server.stdout.until("client left");
  });

  it("the client refuses a server whose certificate its CA did not sign", async () => {
    const server = await startServerExample("tls-server.mjs", "tls://127.0.0.1:0", [], {
      TLS_KEY: file("server.key"),
      TLS_CERT: file("server.crt"),
    });
    const client = await runExample("tls-client.mjs", [server.url, file("stranger.crt")]);
    assert.equal(client.code, 1);
    assert.match(client.stderr, /tls client: .*certificate/);
    assert.deepEqual(client.stdout, []);
  });

  it("with a CA, the server asks for a client certificate (mutual TLS)", async () => {
    const server = await startServerExample("tls-server.mjs", "tls://127.0.0.1:0", [], {
      TLS_KEY: file("server.key"),
      TLS_CERT: file("server.crt"),
      TLS_CA: file("ca.crt"),
    });
    const anonymous = await runExample("tls-client.mjs", [server.url, file("ca.crt")]);
    assert.equal(anonymous.code, 1);
    assert.match(anonymous.stderr, /tls client: .*certificate required/);
    assert.deepEqual(anonymous.stdout, []);
    const known = await runExample("tls-client.mjs", [server.url, file("ca.crt"), "me"], {
      TLS_KEY: file("client.key"),
      TLS_CERT: file("client.crt"),
    });
    assert.equal(known.code, 0, known.stderr);
    assert.deepEqual(known.stdout, ["me"]);
  });
});

describe("wss:// and https://", () => {
  const serverTls = (): { key: Buffer; cert: Buffer } => ({
    key: readFileSync(file("server.key")),
    cert: readFileSync(file("server.crt")),
  });

  // https:// is Socket.IO's default: long-polling first (Node's https, with `ca`), then the upgrade.
  const cases: [string, SimpleConnectOptions][] = [
    ["wss", {}],
    ["https", {}],
    ["https", { transports: ["polling"] }],
  ];
  for (const [scheme, clientOptions] of cases) {
    it(`${scheme}:// serves and connects with key, cert and ca (${JSON.stringify(clientOptions)})`, async () => {
      const server = track(await listen(`${scheme}://127.0.0.1:0`, serverTls()));
      assert.match(server.url, new RegExp(`^${scheme}://127\\.0\\.0\\.1:[1-9]\\d*$`));
      const ca = readFileSync(file("ca.crt"));
      const conn = track(await connect(server.url, { ...clientOptions, ca, timeout: 3000 }));
      const accepted = track((await server.accept())!);
      conn.write("cifrado");
      assert.equal(await accepted.read({ timeout: 2000 }), "cifrado");
      accepted.write("de vuelta");
      assert.equal(await conn.read({ timeout: 2000 }), "de vuelta");
      const other = readFileSync(file("stranger.crt"));
      await assert.rejects(connect(server.url, { ...clientOptions, ca: other, timeout: 3000 }), /certificate/);
    });
  }
});
