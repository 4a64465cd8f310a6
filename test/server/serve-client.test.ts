// `serveClient`: the browser client at <path>/socket.io.js, socket.io.min.js and
// socket.io.esm.min.js (and their maps), as Socket.IO serves its own, in front of
// the engine and the application, which keep every other path.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer, request, type IncomingHttpHeaders } from "node:http";
import { afterEach, describe, it } from "node:test";
import { runInNewContext } from "node:vm";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { ArgumentError, Server } from "../../src/index.js";
import { closeAll, connected, startServer } from "../helpers/peers.js";

afterEach(closeAll);

// The bundles run-tests.mjs builds beside the compiled sources (.test-build*/src/client-bundle/).
const BUNDLE_DIR = new URL("../../src/client-bundle/", import.meta.url);
const SCRIPTS = ["socket.io.js", "socket.io.min.js", "socket.io.esm.min.js"];

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

function send(port: number, path: string, method = "GET", headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    request({ host: "127.0.0.1", port, path, method, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }),
      );
    })
      .on("error", reject)
      .end();
  });
}

function built(file: string): Buffer {
  return readFileSync(new URL(file, BUNDLE_DIR));
}

/** An application that answers every request it is given with the path it saw. */
function app(): ReturnType<typeof createServer> {
  return createServer((req, res) => res.writeHead(200, { "Content-Type": "text/plain" }).end(`app saw ${req.url}`));
}

describe("serveClient", () => {
  it("is on by default and serves the built bundles and their maps, with Socket.IO's headers", async () => {
    const { port, io } = await startServer();
    assert.equal(io.options.serveClient, true);
    for (const file of SCRIPTS) {
      const script = await send(port, `/socket.io/${file}`);
      assert.equal(script.status, 200, file);
      assert.equal(script.headers["content-type"], "application/javascript; charset=utf-8");
      assert.equal(script.headers["cache-control"], "public, max-age=0");
      assert.match(script.headers.etag ?? "", /^"[\w-]{27}"$/);
      assert.equal(script.headers["content-length"], String(script.body.length));
      assert.deepEqual(script.body, built(file), `${file} is the built bundle`);
      assert.match(script.body.toString(), new RegExp(`//# sourceMappingURL=${file.replaceAll(".", "\\.")}\\.map\\n$`));

      const map = await send(port, `/socket.io/${file}.map`);
      assert.equal(map.status, 200);
      assert.equal(map.headers["content-type"], "application/json; charset=utf-8");
      assert.notEqual(map.headers.etag, script.headers.etag);
      const { sources } = JSON.parse(map.body.toString()) as { sources: string[] };
      assert.ok(sources.some((source) => source.endsWith("src/client/socket.ts")));
    }
    const withQuery = await send(port, "/socket.io/socket.io.min.js?v=4.8.4");
    assert.deepEqual(withQuery.body, built("socket.io.min.js"));
  });

  it("serves a classic script that defines the global io as socket.io-client's does, and an ES module", async () => {
    const { port } = await startServer();
    for (const file of ["socket.io.js", "socket.io.min.js"]) {
      const context: { io?: ((...args: unknown[]) => unknown) & Record<string, unknown> } = {};
      runInNewContext((await send(port, `/socket.io/${file}`)).body.toString(), context);
      const { io } = context;
      assert.equal(typeof io, "function", file);
      assert.equal(typeof io!.Manager, "function");
      assert.equal(typeof io!.Socket, "function");
      assert.equal(io!.connect, io);
      assert.equal(io!.io, io);
      assert.equal(io!.protocol, 5);
    }
    const esm = (await send(port, "/socket.io/socket.io.esm.min.js")).body.toString("base64");
    const module = (await import(`data:text/javascript;base64,${esm}`)) as Record<string, unknown>;
    for (const name of ["io", "default", "connect", "Manager", "Socket", "protocol"]) assert.ok(name in module, name);
    assert.equal(module.default, module.io);
    assert.equal(module.protocol, 5);
  });

  it("answers 304 to a matching If-None-Match, strong or weak, and 200 otherwise", async () => {
    const { port } = await startServer();
    const { headers } = await send(port, "/socket.io/socket.io.min.js");
    const etag = headers.etag!;
    for (const tag of [etag, `W/${etag}`, `"other", ${etag}`, "*"]) {
      const answer = await send(port, "/socket.io/socket.io.min.js", "GET", { "If-None-Match": tag });
      assert.equal(answer.status, 304, tag);
      assert.equal(answer.body.length, 0);
      assert.equal(answer.headers.etag, etag);
      assert.equal(answer.headers["cache-control"], "public, max-age=0");
    }
    const stale = await send(port, "/socket.io/socket.io.min.js", "GET", { "If-None-Match": '"stale"' });
    assert.equal(stale.status, 200);
    assert.deepEqual(stale.body, built("socket.io.min.js"));
  });

  it("compresses with Brotli or gzip as the client accepts, with a weak ETag", async () => {
    const { port } = await startServer();
    const file = built("socket.io.min.js");
    const path = "/socket.io/socket.io.min.js";
    const { headers } = await send(port, path);
    assert.equal(headers.vary, "Accept-Encoding");

    const br = await send(port, path, "GET", { "Accept-Encoding": "gzip, deflate, br" });
    assert.equal(br.headers["content-encoding"], "br");
    assert.equal(br.headers.etag, `W/${headers.etag}`);
    assert.deepEqual(brotliDecompressSync(br.body), file);
    assert.ok(br.body.length < file.length / 2);

    const gzip = await send(port, path, "GET", { "Accept-Encoding": "gzip;q=1, br;q=0.5" });
    assert.equal(gzip.headers["content-encoding"], "gzip");
    assert.deepEqual(gunzipSync(gzip.body), file);

    const identity = await send(port, path, "GET", { "Accept-Encoding": "br;q=0, gzip;q=0" });
    assert.equal(identity.headers["content-encoding"], undefined);
    assert.deepEqual(identity.body, file);

    const notModified = await send(port, path, "GET", { "Accept-Encoding": "br", "If-None-Match": br.headers.etag });
    assert.equal(notModified.status, 304);
  });

  it("answers every method with the file, as Socket.IO does: HEAD without the body", async () => {
    const { port } = await startServer();
    const head = await send(port, "/socket.io/socket.io.js", "HEAD");
    assert.equal(head.status, 200);
    assert.equal(head.headers["content-length"], String(built("socket.io.js").length));
    assert.equal(head.body.length, 0);
    const post = await send(port, "/socket.io/socket.io.js", "POST");
    assert.equal(post.status, 200);
    assert.deepEqual(post.body, built("socket.io.js"));
  });

  it("leaves other paths to the engine and the application", async () => {
    const { port, url } = await startServer({}, app());
    for (const path of [
      "/socket.io/socket.io.msgpack.min.js",
      "/socket.io/enchufe.websocket.esm.min.js",
      "/socket.io/sizes.json",
      "/socket.io/../socket.io.js",
      "/socket.io.js",
      "/socket.iox/socket.io.js",
      "/socket.io/socket.io.js/",
    ]) {
      assert.equal((await send(port, path)).body.toString(), `app saw ${path}`, path);
    }
    await connected(url, { transports: ["polling"] }); // the engine's own path
    await connected(url, { transports: ["websocket"] }); // and its upgrades
  });

  it("answers 404 for other paths when there is no application", async () => {
    const { port } = await startServer();
    assert.equal((await send(port, "/socket.io/other.js")).status, 404);
    assert.equal((await send(port, "/page.html")).status, 404);
  });

  it("serves under a custom path, and on a server of its own", async () => {
    const { port } = await startServer({ path: "/custom/" }, app());
    assert.deepEqual((await send(port, "/custom/socket.io.min.js")).body, built("socket.io.min.js"));
    assert.equal(
      (await send(port, "/socket.io/socket.io.min.js")).body.toString(),
      "app saw /socket.io/socket.io.min.js",
    );

    const io = new Server(0);
    const server = io.httpServer as ReturnType<typeof createServer>;
    await new Promise((resolve) => server.once("listening", resolve));
    const ownPort = (server.address() as { port: number }).port;
    try {
      assert.equal((await send(ownPort, "/socket.io/socket.io.js")).status, 200);
    } finally {
      await io.close();
    }
  });

  it("adds CORS headers when `cors` is set, and answers preflights", async () => {
    const { port } = await startServer({ cors: { origin: "https://app.example" } });
    const allowed = await send(port, "/socket.io/socket.io.esm.min.js", "GET", { Origin: "https://app.example" });
    assert.equal(allowed.headers["access-control-allow-origin"], "https://app.example");
    assert.equal(allowed.headers.vary, "Accept-Encoding, Origin");
    const foreign = await send(port, "/socket.io/socket.io.esm.min.js", "GET", { Origin: "https://evil.example" });
    assert.equal(foreign.status, 200);
    assert.equal(foreign.headers["access-control-allow-origin"], undefined);
    const preflight = await send(port, "/socket.io/socket.io.esm.min.js", "OPTIONS", {
      Origin: "https://app.example",
      "Access-Control-Request-Method": "GET",
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers["access-control-allow-origin"], "https://app.example");
  });

  it("serveClient: false leaves the paths to the application, or to a 404", async () => {
    const withApp = await startServer({ serveClient: false }, app());
    for (const file of [...SCRIPTS, "socket.io.min.js.map"]) {
      const answer = await send(withApp.port, `/socket.io/${file}`);
      assert.equal(answer.body.toString(), `app saw /socket.io/${file}`);
    }
    const alone = await startServer({ serveClient: false });
    assert.equal((await send(alone.port, "/socket.io/socket.io.js")).status, 404);
    await connected(alone.url);
  });

  it("takes a boolean only", () => {
    assert.throws(() => new Server({ serveClient: "yes" } as never), ArgumentError);
  });
});
