// The ways to create, attach and close a server, its options, and living beside
// an application's own HTTP routes.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { ArgumentError, ErrorCode, SERVER_DEFAULTS, Server } from "../../src/index.js";
import { closeAll, connect, connected, once, startServer } from "../helpers/peers.js";

afterEach(closeAll);

function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request({ host: "127.0.0.1", port, path }, (response) => {
      let body = "";
      response.on("data", (chunk: Buffer) => (body += chunk.toString()));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
    })
      .on("error", reject)
      .end();
  });
}

async function listening(io: Server): Promise<number> {
  const server = io.httpServer as ReturnType<typeof createServer>;
  if (!server.listening) await once(server, "listening");
  return (server.address() as AddressInfo).port;
}

describe("server lifecycle", () => {
  it("new Server(port) serves on a new HTTP server and answers other paths with 404", async () => {
    const io = new Server(0);
    const port = await listening(io);
    await connected(`http://127.0.0.1:${port}`);
    assert.equal((await get(port, "/elsewhere")).status, 404);
    await io.close();
    assert.equal((io.httpServer as ReturnType<typeof createServer>).listening, false);
  });

  it("new Server() then listen(port), and attach(httpServer)", async () => {
    const io = new Server({ pingInterval: 10_000 });
    assert.throws(() => io.engine, ArgumentError);
    io.listen(0);
    const port = await listening(io);
    await connected(`http://127.0.0.1:${port}`);
    assert.equal(io.engine.clientsCount, 1);
    await io.close();

    const httpServer = createServer();
    const attached = new Server().attach(httpServer);
    await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
    await connected(`http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`);
    await attached.close();
  });

  it("leaves the application's other routes untouched", async () => {
    const app = createServer((req, res) => res.end(`app saw ${req.url}`));
    const { port, url } = await startServer({}, app);
    assert.deepEqual(await get(port, "/hello?x=1"), { status: 200, body: "app saw /hello?x=1" });
    await connected(url);
    assert.deepEqual(await get(port, "/socket.io-not-really"), { status: 200, body: "app saw /socket.io-not-really" });
  });

  it("answers on a custom path only", async () => {
    const { url } = await startServer({ path: "/custom" });
    await connected(url, { path: "/custom" });
    const wrongPath = connect(url);
    await once(wrongPath, "connect_error");
  });

  it("closes with a callback and resolves even when the HTTP server never listened", async () => {
    const io = new Server(createServer());
    let called = false;
    await io.close(() => (called = true));
    assert.equal(called, true);
  });

  it("lets the process exit after close()", async () => {
    // From .test-build/test/server/ back to the repository's test/fixtures/ (tsc does not copy .js files).
    const fixture = fileURLToPath(new URL("../../../test/fixtures/close-and-exit.js", import.meta.url));
    const child = spawn(process.execPath, [fixture], { stdio: ["ignore", "pipe", "inherit"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const started = Date.now();
    const [code] = await once<[number]>(child, "exit", 10_000);
    assert.equal(code, 0);
    assert.match(output, /closed/);
    assert.ok(Date.now() - started < 5000, "no timer or socket kept the process alive");
  });
});

describe("options", () => {
  it("has Socket.IO's defaults", () => {
    const io = new Server();
    assert.equal(io.options.path, "/socket.io");
    assert.equal(io.options.pingInterval, 25_000);
    assert.equal(io.options.pingTimeout, 20_000);
    assert.equal(io.options.connectTimeout, 45_000);
    assert.equal(io.options.maxHttpBufferSize, 1e6);
    assert.equal(io.options.maxAttachments, 10);
    assert.deepEqual(io.options, SERVER_DEFAULTS);
  });

  it("rejects invalid options with ArgumentError naming the option", () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ pingTimeout: -1 }, /`pingTimeout` must be an integer/],
      [{ pingInterval: 1.5 }, /`pingInterval`/],
      [{ maxHttpBufferSize: "big" }, /`maxHttpBufferSize`/],
      [{ transports: ["carrier-pigeon"] }, /`transports`/],
      [{ transports: [] }, /`transports`/],
      [{ path: "no-slash" }, /`path`/],
      [{ allowRequest: "yes" }, /`allowRequest`/],
      [{ maxAttachments: 0 }, /`maxAttachments`/],
      [{ cleanupEmptyChildNamespaces: "yes" }, /`cleanupEmptyChildNamespaces`/],
      [{ adapter: {} }, /`adapter`/],
    ];
    for (const [options, message] of cases) {
      assert.throws(
        () => new Server(options),
        (error) =>
          error instanceof ArgumentError && error.code === ErrorCode.OPTION_INVALID && message.test(error.message),
        JSON.stringify(options),
      );
    }
  });

  it("refuses an unknown option, such as a typo", () => {
    assert.throws(
      () => new Server({ pingTimout: 1000 } as never),
      (error) => error instanceof ArgumentError && /`pingTimout` must be a known option/.test(error.message),
    );
  });

  it("accepts Socket.IO options for features not built yet, and refuses those that would change behaviour", () => {
    assert.doesNotThrow(() => new Server({ serveClient: false, upgradeTimeout: 5000, allowEIO3: false }));
    for (const options of [
      { allowEIO3: true },
      { parser: {} },
      { perMessageDeflate: true },
      { connectionStateRecovery: {} },
    ]) {
      assert.throws(() => new Server(options as never), ArgumentError, JSON.stringify(options));
    }
  });

  it("ignores options set to undefined instead of wiping the default", () => {
    const io = new Server({ pingInterval: undefined } as never);
    assert.equal(io.options.pingInterval, 25_000);
  });

  it("merges options given to attach(), before the first attach only", async () => {
    const io = new Server();
    io.attach(createServer(), { pingInterval: 1234 });
    assert.equal(io.options.pingInterval, 1234);
    assert.throws(() => io.attach(createServer(), { pingInterval: 1 }), ArgumentError);
    await io.close();
  });

  it("normalizes a namespace name without a leading slash", () => {
    const io = new Server();
    assert.equal(io.of("admin"), io.of("/admin"));
    assert.equal(io.of("/admin").name, "/admin");
  });
});
