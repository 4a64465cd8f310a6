// The client bundles in a real browser: Chromium loads them from the server's own
// path (`serveClient`), in a page written for Socket.IO, and talks through the
// server with a Node peer (socket.io-client from npm) over each transport.
// Without Chromium the suite is skipped, saying why; under CI=true it fails instead.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { afterEach, describe, it } from "node:test";
import type { Page } from "playwright-core";
import { skipWithoutChromium, useChromium } from "../helpers/chromium.js";
import { closeAll, connected, once, startServer, type ClientSocket, type TestServer } from "../helpers/peers.js";

// The bundles run-tests.mjs builds beside the compiled sources (.test-build*/src/client-bundle/).
const BUNDLE_DIR = new URL("../../src/client-bundle/", import.meta.url);

// The page's own code, written for Socket.IO: nothing in it is enchufe's.
const PAGE_SCRIPT = `
  const log = (window.log = { transports: [], chat: [], bytes: [] });
  window.start = (options) =>
    new Promise((resolve, reject) => {
      const socket = (window.socket = io({ reconnection: false, ...options }));
      socket.io.on("open", () => {
        log.transports.push(socket.io.engine.transport.name);
        socket.io.engine.on("upgrade", (transport) => log.transports.push(transport.name));
      });
      socket.on("chat", (text) => log.chat.push(text));
      socket.on("bytes", (data) =>
        log.bytes.push({ type: Object.prototype.toString.call(data), values: Array.from(new Uint8Array(data)) }),
      );
      socket.on("connect", () => resolve(socket.id));
      socket.on("connect_error", (error) => reject(new Error("connect_error: " + error.message)));
    });
`;

const PAGES: Record<string, string> = {
  "/page.html": `<script src="/socket.io/socket.io.min.js"></script><script>${PAGE_SCRIPT}</script>`,
  "/esm.html": `<script type="module">import { io } from "/socket.io/socket.io.esm.min.js";${PAGE_SCRIPT}</script>`,
  "/websocket-only.html": `<script type="module">import { io } from "/bundles/enchufe.websocket.esm.min.js";${PAGE_SCRIPT}</script>`,
  // The same page on socket.io-client's own bundle: what a page written for Socket.IO expects.
  "/reference.html": `<script src="/bundles/socket.io-client.min.js"></script><script>${PAGE_SCRIPT}</script>`,
};

const REFERENCE_BUNDLE = new URL("../../../node_modules/socket.io-client/dist/socket.io.min.js", import.meta.url);

/** The application beside the Socket.IO server: the test pages, and the websocket-only bundle. */
function app(request: IncomingMessage, response: ServerResponse): void {
  const page = PAGES[request.url ?? ""];
  if (page !== undefined) {
    const html = `<!doctype html><html><head><meta charset="utf-8"><title>enchufe</title>${page}</head></html>`;
    response.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(html);
  } else if (request.url === "/bundles/enchufe.websocket.esm.min.js") {
    const code = readFileSync(new URL("enchufe.websocket.esm.min.js", BUNDLE_DIR));
    response.writeHead(200, { "Content-Type": "application/javascript; charset=utf-8" }).end(code);
  } else if (request.url === "/bundles/socket.io-client.min.js") {
    const code = readFileSync(REFERENCE_BUNDLE);
    response.writeHead(200, { "Content-Type": "application/javascript; charset=utf-8" }).end(code);
  } else {
    response.writeHead(request.url === "/favicon.ico" ? 204 : 404).end();
  }
}

/** What the page's script puts on `window`. */
interface PageGlobals {
  start(options: object): Promise<string>;
  socket: {
    emit(event: string, ...args: unknown[]): void;
    timeout(ms: number): { emitWithAck(event: string, ...args: unknown[]): Promise<unknown> };
  };
  log: { transports: string[]; chat: string[]; bytes: { type: string; values: number[] }[] };
}

describe("the client bundles in Chromium", { skip: skipWithoutChromium, timeout: 120_000 }, () => {
  const browser = useChromium();
  let page: Page | undefined;
  let pageErrors: string[] = [];

  afterEach(async () => {
    // A polling page says goodbye, or the server's close() would wait for it.
    await page?.evaluate(() => (window as unknown as { socket?: { disconnect(): void } }).socket?.disconnect());
    await page?.close();
    page = undefined;
    await closeAll();
  });

  /** A server that relays `chat` and `bytes` to the other sockets, and a Node peer on it. */
  async function setUp(): Promise<{ server: TestServer; node: ClientSocket; received: unknown[] }> {
    const server = await startServer({}, createServer(app));
    const received: unknown[] = [];
    server.io.on("connection", (socket) => {
      socket.on("chat", (text: string) => socket.broadcast.emit("chat", text));
      socket.on("bytes", (data: unknown, ack?: (length: number) => void) => {
        received.push(data);
        socket.broadcast.emit("bytes", data);
        ack?.(Buffer.isBuffer(data) ? data.length : -1);
      });
    });
    const node = await connected(server.url);
    page = await browser().newPage();
    page.setDefaultTimeout(10_000);
    pageErrors = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error") pageErrors.push(message.text());
    });
    return { server, node, received };
  }

  /**
   * Loads `path`, connects with `options`, checks the transports the page went through,
   * and exchanges text and bytes both ways with the Node peer; with `binaryType`, checks
   * what the page's listener got bytes as too.
   */
  async function exchange(path: string, options: object, transports: string[], binaryType?: string): Promise<void> {
    const { server, node, received } = await setUp();
    await page!.goto(`${server.url}${path}`);
    const id = await page!.evaluate((options) => (window as unknown as PageGlobals).start(options), options);
    assert.ok(server.io.sockets.sockets.has(id), "the server knows the page's socket");
    await page!.waitForFunction(
      (count) => (window as unknown as PageGlobals).log.transports.length === count,
      transports.length,
    );
    assert.deepEqual(await page!.evaluate(() => (window as unknown as PageGlobals).log.transports), transports);

    const chatAtNode = once<[string]>(node, "chat");
    await page!.evaluate(() => (window as unknown as PageGlobals).socket.emit("chat", "hola from the page"));
    assert.deepEqual(await chatAtNode, ["hola from the page"]);
    node.emit("chat", "hello from Node");
    await page!.waitForFunction(() => (window as unknown as PageGlobals).log.chat.length === 1);
    assert.deepEqual(await page!.evaluate(() => (window as unknown as PageGlobals).log.chat), ["hello from Node"]);

    const bytesAtNode = once<[Buffer]>(node, "bytes");
    const lengths = await page!.evaluate(async () => {
      const { socket } = window as unknown as PageGlobals;
      const view = new Uint8Array([0, 1, 2, 127, 128, 254, 255]);
      const buffer = new Uint8Array([10, 20, 30]).buffer;
      return [
        await socket.timeout(5000).emitWithAck("bytes", view),
        await socket.timeout(5000).emitWithAck("bytes", buffer),
      ];
    });
    assert.deepEqual(lengths, [7, 3]);
    assert.deepEqual(received, [Buffer.from([0, 1, 2, 127, 128, 254, 255]), Buffer.from([10, 20, 30])]);
    assert.deepEqual(await bytesAtNode, [Buffer.from([0, 1, 2, 127, 128, 254, 255])]);

    node.emit("bytes", Buffer.from([9, 8, 7, 0, 255]));
    await page!.waitForFunction(() => (window as unknown as PageGlobals).log.bytes.length === 1);
    const [bytesAtPage] = await page!.evaluate(() => (window as unknown as PageGlobals).log.bytes);
    assert.deepEqual(bytesAtPage!.values, [9, 8, 7, 0, 255]);
    if (binaryType !== undefined) assert.equal(bytesAtPage!.type, binaryType);
    // Still on the same transports after every exchange: a polling-only page never upgraded late.
    assert.deepEqual(await page!.evaluate(() => (window as unknown as PageGlobals).log.transports), transports);
    assert.deepEqual(pageErrors, []);
  }

  it("socket.io.min.js connects over WebSocket alone", async () => {
    await exchange("/page.html", { transports: ["websocket"] }, ["websocket"]);
  });

  it("socket.io.min.js connects over polling alone", async () => {
    await exchange("/page.html", { transports: ["polling"] }, ["polling"]);
  });

  it("socket.io.min.js starts on polling and upgrades to WebSocket by default", async () => {
    await exchange("/page.html", {}, ["polling", "websocket"]);
  });

  it("socket.io.esm.min.js loads as a module and connects", async () => {
    await exchange("/esm.html", {}, ["polling", "websocket"]);
  });

  it("the websocket-only bundle connects over WebSocket", async () => {
    await exchange("/websocket-only.html", {}, ["websocket"]);
  });

  it("the same page on socket.io-client's bundle (the reference)", async () => {
    await exchange("/reference.html", {}, ["polling", "websocket"], "[object ArrayBuffer]");
  });

  for (const transport of ["websocket", "polling"]) {
    it(`hands received bytes to the page as an ArrayBuffer over ${transport}, as socket.io-client does`, async () => {
      await exchange("/page.html", { transports: [transport] }, [transport], "[object ArrayBuffer]");
    });
  }
});
