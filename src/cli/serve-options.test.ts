import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parseServeArgs, redisNotice } from "./serve-options.js";

describe("parseServeArgs", () => {
  it("nothing given: the demo's defaults", () => {
    assert.deepEqual(parseServeArgs([], {}), {});
  });

  it("PORT, HOST, ENCHUFE_LINE_PORT and ENCHUFE_ADMIN_PASSWORD from the environment; flags win", () => {
    const env = { PORT: "8080", HOST: "0.0.0.0", ENCHUFE_LINE_PORT: "4001", ENCHUFE_ADMIN_PASSWORD: "pw" };
    assert.deepEqual(parseServeArgs([], env), { port: 8080, host: "0.0.0.0", linePort: 4001, adminPassword: "pw" });
    assert.deepEqual(parseServeArgs(["--port", "0", "--host", "127.0.0.1", "--line-port", "0"], env), {
      port: 0,
      host: "127.0.0.1",
      linePort: 0,
      adminPassword: "pw",
    });
  });

  it("the line port turned off by --no-line or ENCHUFE_LINE_PORT=off", () => {
    assert.deepEqual(parseServeArgs(["--no-line"], { ENCHUFE_LINE_PORT: "4001" }), { linePort: false });
    assert.deepEqual(parseServeArgs([], { ENCHUFE_LINE_PORT: "off" }), { linePort: false });
    assert.throws(() => parseServeArgs(["--no-line", "--line-port", "1"], {}), /contradict/);
  });

  it("empty variables count as unset", () => {
    assert.deepEqual(parseServeArgs([], { PORT: "", ENCHUFE_ADMIN_PASSWORD: "", REDIS_URL: " " }), {});
  });

  it("bad ports name where they came from", () => {
    assert.throws(() => parseServeArgs([], { PORT: "70000" }), /^CliError: PORT must be a port number/);
    assert.throws(() => parseServeArgs(["--line-port", "x"], {}), /--line-port must be a port number/);
  });

  it("TLS from files (flags or variables) or PEM text in the variables; both halves needed", () => {
    const dir = mkdtempSync(join(tmpdir(), "enchufe-serve-"));
    try {
      writeFileSync(join(dir, "k.pem"), "KEY");
      writeFileSync(join(dir, "c.pem"), "CERT");
      const fromFlags = parseServeArgs(["--tls-key", join(dir, "k.pem"), "--tls-cert", join(dir, "c.pem")], {});
      assert.deepEqual(fromFlags, { tls: { key: Buffer.from("KEY"), cert: Buffer.from("CERT") } });
      const pem = "-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n";
      const fromEnv = parseServeArgs([], { ENCHUFE_TLS_KEY: join(dir, "k.pem"), ENCHUFE_TLS_CERT: pem });
      assert.deepEqual(fromEnv, { tls: { key: Buffer.from("KEY"), cert: pem } });
      assert.throws(() => parseServeArgs(["--tls-key", join(dir, "k.pem")], {}), /needs both a key and a certificate/);
      assert.throws(
        () => parseServeArgs(["--tls-key", join(dir, "nope"), "--tls-cert", "x"], {}),
        /cannot read --tls-key/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("Redis is not available yet: --redis is refused, REDIS_URL alone only noticed", () => {
    assert.throws(() => parseServeArgs(["--redis", "redis://x"], {}), /Redis is not available yet/);
    assert.deepEqual(parseServeArgs([], { REDIS_URL: "redis://x" }), {});
    assert.match(redisNotice({ REDIS_URL: "redis://x" }) ?? "", /REDIS_URL is set, but Redis is not available yet/);
    assert.equal(redisNotice({ REDIS_URL: " " }), undefined);
  });
});
