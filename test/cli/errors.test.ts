// Expected failures end with one clear line on stderr and a documented exit code:
// 2 for a wrong command line, 1 for a failure at run time. Never a stack trace.
import assert from "node:assert/strict";
import { createServer, type Server } from "node:net";
import { afterEach, describe, it } from "node:test";
import { freePort, killAll, runCli } from "./helpers.js";

afterEach(killAll);

/** Asserts one line on stderr, matching `pattern`, and nothing on stdout but what `stdout` allows. */
function assertOneLine(
  result: { code: number | string; stderr: string },
  code: number,
  pattern: RegExp | string,
): void {
  assert.equal(result.code, code, `exit code; stderr: ${result.stderr}`);
  const lines = result.stderr.split("\n").filter((line) => line !== "");
  assert.equal(lines.length, 1, `one line on stderr, got: ${result.stderr}`);
  if (typeof pattern === "string") assert.equal(lines[0], pattern);
  else assert.match(lines[0]!, pattern);
  assert.doesNotMatch(result.stderr, /^\s+at /m, "no stack trace");
}

describe("usage errors exit 2", () => {
  it("an unknown command", async () => {
    assertOneLine(
      await runCli(["frobnicate"]),
      2,
      /^enchufe: unknown command "frobnicate" \(commands: serve, connect, listen/,
    );
  });

  it("a name every object has (toString, constructor) is no command either", async () => {
    assertOneLine(await runCli(["toString"]), 2, /^enchufe: unknown command "toString"/);
    const { code, stdout, stderr } = await runCli(["help", "constructor"]);
    assert.deepEqual([code, stderr], [0, ""], "the general help, as for help with no command");
    assert.match(stdout[0] ?? "", /^enchufe: real-time sockets/);
  });

  it("an unknown flag, on enchufe and on a command", async () => {
    assertOneLine(await runCli(["--frob"]), 2, /^enchufe: unknown option "--frob"/);
    assertOneLine(
      await runCli(["connect", "http://127.0.0.1:1", "--frob"]),
      2,
      'enchufe: unknown option "--frob" (see "enchufe connect --help")',
    );
    assertOneLine(await runCli(["listen", "tcp://127.0.0.1:0", "-x"]), 2, /^enchufe: unknown option "-x"/);
    assertOneLine(await runCli(["serve", "--json"]), 2, /^enchufe: unknown option "--json"/);
  });

  it("a flag without its value, a bad value, a stray argument", async () => {
    assertOneLine(
      await runCli(["connect", "http://127.0.0.1:1", "--auth"]),
      2,
      /^enchufe: option "--auth" needs a value/,
    );
    assertOneLine(await runCli(["connect", "http://127.0.0.1:1", "--auth", "[1]"]), 2, /--auth takes a JSON object/);
    assertOneLine(
      await runCli(["connect", "http://127.0.0.1:1", "--transport", "carrier-pigeon"]),
      2,
      /--transport must be/,
    );
    assertOneLine(await runCli(["connect", "http://127.0.0.1:1", "--query", "novalue"]), 2, /--query takes key=value/);
    assertOneLine(await runCli(["listen", "tcp://127.0.0.1:0", "--mode", "morse"]), 2, /--mode must be one of/);
    assertOneLine(await runCli(["listen", "http://127.0.0.1:0", "--mode", "line"]), 2, /--mode is for tcp:\/\//);
    assertOneLine(await runCli(["listen", "tls://127.0.0.1:0"]), 2, "enchufe: tls:// needs --tls-key and --tls-cert");
    for (const url of ["tcp://127.0.0.1:0", "http://127.0.0.1:0"]) {
      assertOneLine(
        await runCli(["listen", url, "--tls-key", "package.json", "--tls-cert", "package.json"]),
        2,
        "enchufe: --tls-key and --tls-cert are for https://, wss:// and tls://",
      );
    }
    assertOneLine(
      await runCli(["connect", "http://a:1", "http://b:2"]),
      2,
      /^enchufe: unexpected argument "http:\/\/b:2"/,
    );
    assertOneLine(await runCli(["serve", "--port", "http"]), 2, /^enchufe: --port must be a port number/);
  });

  it("a missing or invalid URL", async () => {
    assertOneLine(await runCli(["connect"]), 2, /^enchufe: missing URL: enchufe connect <url>/);
    assertOneLine(await runCli(["listen"]), 2, /^enchufe: missing URL: enchufe listen <url>/);
    for (const command of ["connect", "listen"]) {
      assertOneLine(await runCli([command, "foo"]), 2, /^enchufe: invalid URL "foo"/);
    }
    assertOneLine(await runCli(["connect", "localhost:3000"]), 2, /^enchufe: invalid URL "localhost:3000"/);
    assertOneLine(
      await runCli(["listen", "gopher://127.0.0.1:70"]),
      2,
      /^enchufe: cannot listen on "gopher:\/\/127\.0\.0\.1:70"/,
    );
  });

  it("a file that cannot be read is a runtime error (1)", async () => {
    assertOneLine(
      await runCli(["connect", "tls://127.0.0.1:1", "--ca", "/nonexistent/ca.pem"]),
      1,
      'enchufe: cannot read --ca "/nonexistent/ca.pem": no such file or directory',
    );
  });
});

describe("runtime errors exit 1", () => {
  let blocker: Server | undefined;
  afterEach(() => new Promise<void>((done) => (blocker === undefined ? done() : blocker.close(() => done()))));

  async function occupiedPort(): Promise<number> {
    blocker = createServer();
    await new Promise<void>((done) => blocker!.listen(0, "127.0.0.1", done));
    return (blocker.address() as { port: number }).port;
  }

  it("a port in use, for tcp:// and http:// listeners", async () => {
    const port = await occupiedPort();
    for (const scheme of ["tcp", "http"]) {
      const url = `${scheme}://127.0.0.1:${port}`;
      assertOneLine(await runCli(["listen", url]), 1, `enchufe: cannot listen on ${url}: address already in use`);
    }
  });

  it("a refused connection, over tcp:// and http://", async () => {
    const port = await freePort();
    for (const scheme of ["tcp", "http", "ws"]) {
      const url = `${scheme}://127.0.0.1:${port}`;
      const result = await runCli(["connect", url]);
      assertOneLine(result, 1, `enchufe: cannot connect to ${url}: connection refused`);
    }
  });

  it("a Unix socket that is not there", async () => {
    const url = "ipc:///nonexistent/enchufe-cli.sock";
    assertOneLine(await runCli(["connect", url]), 1, `enchufe: cannot connect to ${url}: no such file or directory`);
  });

  it("a refused connection in --json mode is also a connect_error record", async () => {
    const url = `tcp://127.0.0.1:${await freePort()}`;
    const result = await runCli(["connect", url, "--json"]);
    assertOneLine(result, 1, `enchufe: cannot connect to ${url}: connection refused`);
    const records = result.stdout.map((line) => JSON.parse(line) as { type: string });
    assert.deepEqual(
      records.map((record) => record.type),
      ["connecting", "connect_error"],
    );
  });
});
