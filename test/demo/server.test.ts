// The demo as a server: its pages and files, /healthz, ports in use, TLS, and a
// graceful close that tells clients and leaves nothing behind.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { request as httpsRequest } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect as connectTls } from "node:tls";
import { after, afterEach, before, describe, it } from "node:test";
import { startDemo } from "../../src/demo/index.js";
import { makeCertificates, type Certificates } from "../helpers/certificates.js";
import { exchange, parseResponse } from "../helpers/raw-tcp.js";
import { chatUser, closeDemos, get, namedTerminal, once, startTestDemo, until } from "./helpers.js";

afterEach(closeDemos);

let dir: string;
let certificates: Certificates;
before(() => {
  dir = mkdtempSync(join(tmpdir(), "enchufe-demo-"));
  certificates = makeCertificates(dir);
});
after(() => rmSync(dir, { recursive: true, force: true }));

function portOf(url: string | undefined): number {
  return Number(url?.split(":").pop());
}

describe("demo server", { timeout: 20_000 }, () => {
  it("serves the pages, their files with the right types, and the client bundle", async () => {
    const demo = await startTestDemo({ adminPassword: "x" });
    const page = await get(demo, "/");
    assert.equal(page.status, 200);
    assert.equal(page.type, "text/html; charset=utf-8");
    assert.match(page.body, /id="messages"/);
    for (const [path, type] of [
      ["/chat.js", "text/javascript; charset=utf-8"],
      ["/base.css", "text/css; charset=utf-8"],
      ["/favicon.svg", "image/svg+xml"],
      ["/admin", "text/html; charset=utf-8"],
    ]) {
      const file = await get(demo, path!);
      assert.deepEqual([file.status, file.type], [200, type], path);
    }
    const bundle = await get(demo, "/socket.io/socket.io.min.js");
    assert.equal(bundle.status, 200);
    assert.match(bundle.type ?? "", /javascript/);
  });

  it("never serves a file outside web/, nor a path it does not know", async () => {
    const demo = await startTestDemo();
    const port = portOf(demo.url);
    for (const target of [
      "/../package.json",
      "/%2e%2e/package.json",
      "/..%2fpackage.json",
      "/%2e%2e%2f%2e%2e%2fetc/passwd",
      "/web/chat.html",
      "/nope.js",
      "/%00.js",
      "/chat.js%00",
    ]) {
      const { data } = await exchange(port, `GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      const response = parseResponse(data);
      assert.ok([400, 404].includes(response.status), `${target}: ${response.status}`);
    }
    const post = await fetch(`${demo.url}/`, { method: "POST", body: "x" });
    assert.equal(post.status, 405);
  });

  it("answers /healthz with the connections and the uptime", async () => {
    const demo = await startTestDemo();
    await chatUser(demo, { nick: "ana" });
    await namedTerminal(demo, "tom");
    const health = await get(demo, "/healthz");
    assert.equal(health.status, 200);
    const body = JSON.parse(health.body) as { status: string; connections: number; uptime: number };
    assert.equal(body.status, "ok");
    assert.equal(body.connections, 2);
    assert.equal(typeof body.uptime, "number");
  });

  it("rejects with a clear error when a port is in use, leaving nothing open", async () => {
    const demo = await startTestDemo();
    await assert.rejects(
      startDemo({ port: portOf(demo.url), linePort: false, host: "127.0.0.1" }),
      /port \d+ is already in use \(HTTP/,
    );
    await assert.rejects(
      startDemo({ port: 0, linePort: portOf(demo.lineUrl), host: "127.0.0.1" }),
      /port \d+ is already in use \(terminal chat\)/,
    );
  });

  it("serves HTTPS and a TLS terminal listener when given a key and a certificate", async () => {
    const demo = await startTestDemo({ tls: { key: certificates.serverKey, cert: certificates.serverCert } });
    assert.match(demo.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.match(demo.lineUrl ?? "", /^tls:\/\/127\.0\.0\.1:\d+$/);
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const request = httpsRequest(`${demo.url}/healthz`, { ca: certificates.ca, agent: false }, (response) => {
        response.resume();
        resolve(response.statusCode);
      });
      request.on("error", reject);
      request.end();
    });
    assert.equal(status, 200);
    const socket = connectTls({
      port: portOf(demo.lineUrl),
      host: "127.0.0.1",
      ca: certificates.ca,
      servername: "localhost",
    });
    socket.setEncoding("utf8");
    let text = "";
    socket.on("data", (chunk: string) => (text += chunk));
    await until(() => text.includes("your nickname?"), 3000);
    socket.write("tina\n");
    await until(() => text.includes("* in #general: tina (tls)"), 3000);
    socket.destroy();
  });

  it("closes gracefully: 503 on /healthz, a notice to every client, then nothing left open", async () => {
    const demo = await startDemo({ port: 0, linePort: 0, host: "127.0.0.1", adminPassword: "x" });
    const web = await chatUser(demo, { nick: "ana" });
    const nc = await namedTerminal(demo, "tom");
    const disconnected = once<[string]>(web.socket, "disconnect", 5000);
    const closing = demo.close();
    const health = await get(demo, "/healthz");
    assert.deepEqual([health.status, JSON.parse(health.body)], [503, { status: "shutting down" }]);
    // Newcomers are refused meanwhile.
    await until(() => web.events("shutdown").length === 1, 2000);
    assert.match(web.events<{ text: string }>("shutdown")[0]?.text ?? "", /shutting down/);
    await nc.waitFor("* the server is shutting down; it may be back in a moment; bye");
    assert.equal((await disconnected)[0], "io server disconnect");
    await nc.closed;
    await closing;
    web.socket.io.close();
    assert.equal(await demo.close().then(() => "again"), "again", "close() twice is fine");
    await until(
      () => !process.getActiveResourcesInfo().some((name) => /^TCP(Server|Socket)Wrap$/.test(name)),
      3000,
    ).catch(() => {
      throw new Error(`handles left: ${process.getActiveResourcesInfo().join(", ")}`);
    });
  });
});
