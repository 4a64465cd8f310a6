// `enchufe serve`: the demo starts on the ports it is given (PORT honoured, port 0
// for any), prints where it serves, answers /healthz, and shuts down on SIGTERM.
import assert from "node:assert/strict";
import { request } from "node:http";
import { createServer, type Server } from "node:net";
import { afterEach, describe, it } from "node:test";
import { exitOf, killAll, nextLine, runCli, startCli, type Cli } from "./helpers.js";

afterEach(killAll);

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { timeout: 5000 }, (response) => {
      let body = "";
      response.setEncoding("utf8").on("data", (chunk: string) => (body += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
    });
    req.on("timeout", () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on("error", reject);
    req.end();
  });
}

/** Starts `enchufe serve` and reads its banner: the chat URL and the terminal line. */
async function startServe(
  args: string[],
  env: Record<string, string>,
): Promise<Cli & { url: string; lines: string[] }> {
  const cli = startCli(["serve", ...args], env);
  try {
    const chat = await nextLine(cli.stdout, (line) => line.trimStart().startsWith("chat "), 10_000);
    const url = /(https?:\/\/\S+?)\/?$/.exec(chat)![1]!;
    await nextLine(cli.stdout, (line) => line.startsWith("Ctrl-C"));
    return { ...cli, url, lines: cli.stdout.all };
  } catch (error) {
    throw new Error(`enchufe serve did not start (stderr: ${cli.stderr()})`, { cause: error });
  }
}

describe("enchufe serve", () => {
  it("PORT=0 and --line-port 0: prints its addresses, /healthz answers 200, SIGTERM exits 0", async () => {
    const serve = await startServe(["--line-port", "0"], { PORT: "0", ENCHUFE_ADMIN_PASSWORD: "" });
    assert.match(serve.url, /^http:\/\/127\.0\.0\.1:[1-9]\d*$/);
    const text = serve.lines.join("\n");
    assert.match(text, /terminal +nc 127\.0\.0\.1 [1-9]\d*/);
    assert.match(text, /dashboard +off: set ENCHUFE_ADMIN_PASSWORD/);
    assert.ok(text.includes(`health      ${serve.url}/healthz`));
    const health = await get(`${serve.url}/healthz`);
    assert.equal(health.status, 200);
    serve.child.kill("SIGTERM");
    assert.equal(await exitOf(serve, 15_000), 0);
    assert.equal(serve.stderr(), "");
  });

  it("--no-line and ENCHUFE_ADMIN_PASSWORD: no terminal line, the dashboard's address", async () => {
    const serve = await startServe(["--port", "0", "--no-line"], { ENCHUFE_ADMIN_PASSWORD: "s3cret" });
    const text = serve.lines.join("\n");
    assert.doesNotMatch(text, /terminal/);
    assert.ok(text.includes(`dashboard   ${serve.url}/admin`));
    serve.child.kill("SIGINT");
    assert.equal(await exitOf(serve, 15_000), 0);
  });

  it("a second signal during the graceful shutdown exits at once (143 after SIGTERM)", async () => {
    const serve = await startServe(["--port", "0", "--no-line"], {});
    serve.child.kill("SIGTERM");
    await nextLine(serve.stdout, (line) => line.includes("shutting down"));
    serve.child.kill("SIGTERM");
    assert.equal(await exitOf(serve), 143);
  });

  it("a port in use: exit 1 and one line", async () => {
    const blocker: Server = createServer();
    await new Promise<void>((done) => blocker.listen(0, "127.0.0.1", done));
    try {
      const port = (blocker.address() as { port: number }).port;
      const result = await runCli(["serve", "--host", "127.0.0.1", "--port", String(port), "--no-line"], {
        timeoutMs: 10_000,
      });
      assert.equal(result.code, 1);
      assert.match(result.stderr, new RegExp(`^enchufe: cannot serve the demo: .*${port}.*in use.*\\n$`));
    } finally {
      await new Promise<void>((done) => blocker.close(() => done()));
    }
  });

  it("--redis is refused for now: not available yet (exit 2)", async () => {
    const result = await runCli(["serve", "--redis", "redis://127.0.0.1:6379"]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /^enchufe: .*Redis is not available yet.*\n$/);
  });

  it("REDIS_URL alone (a PaaS add-on's) gets a notice on stderr, and the demo serves from memory", async () => {
    const serve = await startServe(["--port", "0", "--no-line"], { REDIS_URL: "redis://127.0.0.1:6379" });
    assert.match(serve.stderr(), /^enchufe: REDIS_URL is set, but Redis is not available yet.*serving from memory/);
    assert.equal((await get(`${serve.url}/healthz`)).status, 200);
    serve.child.kill("SIGTERM");
    assert.equal(await exitOf(serve, 15_000), 0);
  });

  it("a bad PORT is a usage error naming PORT", async () => {
    const result = await runCli(["serve"], { env: { PORT: "eighty" } });
    assert.equal(result.code, 2);
    assert.equal(result.stderr, 'enchufe: PORT must be a port number from 0 to 65535, got "eighty"\n');
  });
});
