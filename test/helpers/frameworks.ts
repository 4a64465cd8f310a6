// Real web applications for integration tests: one set of routes built with a
// plain request handler, Express 5 (http.createServer(app) and app.listen()),
// Fastify 5 and Hono's Node server, each on a loopback port. A test may attach
// enchufe to the app's HTTP server (`attach`) before the app starts listening,
// where the framework lets it, and closes the app the framework's own way.
import { serve } from "@hono/node-server";
import express from "express";
import fastify from "fastify";
import { Hono } from "hono";
import { createServer, request, type IncomingHttpHeaders, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { once } from "./peers.js";

/** A running application: its HTTP server, its URL, and its own way to close. */
export interface WebApp {
  /** The http.Server the framework serves on (the one enchufe attaches to). */
  server: HttpServer;
  port: number;
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Closes the application as its framework documents it. */
  close(): Promise<void>;
}

/** A way to build and start the application, with `attach` run on its HTTP server. */
export interface Framework {
  name: string;
  /** What the app's routes put in their `x-app` header and `from` field. */
  id: string;
  /** Matches the body of the framework's own 404 for `GET /nowhere`. */
  notFound: RegExp;
  start(attach?: (server: HttpServer) => void): Promise<WebApp>;
}

/** What an HTTP request got back; `date` is left out of the headers, as it moves with the clock. */
export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

const STATUS_TEXT = "status: ok";

async function running(server: HttpServer, close: () => Promise<void>): Promise<WebApp> {
  if (!server.listening) await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return { server, port, url: `http://127.0.0.1:${port}`, close };
}

/** Closes a bare http.Server; one that enchufe's `io.close()` already closed is not an error. */
function closeHttpServer(server: HttpServer): Promise<void> {
  return new Promise((resolve, reject) =>
    server.close((error) => {
      if (error === undefined || (error as NodeJS.ErrnoException).code === "ERR_SERVER_NOT_RUNNING") resolve();
      else reject(error);
    }),
  );
}

function listenOnLoopback(server: HttpServer): void {
  server.listen(0, "127.0.0.1");
}

const plain: Framework = {
  name: "plain http.createServer(handler)",
  id: "plain",
  notFound: /^plain 404 for \/nowhere$/,
  async start(attach) {
    const server = createServer((req, res) => {
      const name = "plain";
      if (req.method === "GET" && req.url === "/hello") {
        res.writeHead(200, { "content-type": "application/json", "x-app": name });
        res.end(JSON.stringify({ greeting: "hello", from: name }));
      } else if (req.method === "POST" && req.url === "/echo") {
        let body = "";
        req.on("data", (chunk: Buffer) => (body += chunk.toString()));
        req.on("end", () => {
          res.writeHead(201, { "content-type": "application/json", "x-app": name });
          res.end(JSON.stringify({ echo: JSON.parse(body) as unknown, from: name }));
        });
      } else if (req.method === "GET" && req.url === "/socket.io-status") {
        res.writeHead(200, { "content-type": "text/plain", "x-app": name });
        res.end(STATUS_TEXT);
      } else {
        res.writeHead(404, { "content-type": "text/plain", "x-app": name });
        res.end(`plain 404 for ${req.url}`);
      }
    });
    attach?.(server);
    listenOnLoopback(server);
    return running(server, () => closeHttpServer(server));
  },
};

function expressApp(name: string): express.Express {
  const app = express();
  app.use(express.json());
  app.get("/hello", (_req, res) => {
    res.set("x-app", name).json({ greeting: "hello", from: name });
  });
  app.post("/echo", (req, res) => {
    res
      .status(201)
      .set("x-app", name)
      .json({ echo: req.body as unknown, from: name });
  });
  app.get("/socket.io-status", (_req, res) => {
    res.set("x-app", name).type("text/plain").send(STATUS_TEXT);
  });
  return app;
}

const expressCreateServer: Framework = {
  name: "Express 5 with http.createServer(app)",
  id: "express",
  notFound: /Cannot GET \/nowhere/,
  async start(attach) {
    const server = createServer(expressApp("express"));
    attach?.(server);
    listenOnLoopback(server);
    return running(server, () => closeHttpServer(server));
  },
};

const expressListen: Framework = {
  name: "Express 5 with app.listen()",
  id: "express",
  notFound: /Cannot GET \/nowhere/,
  async start(attach) {
    const server = expressApp("express").listen(0, "127.0.0.1");
    attach?.(server);
    return running(server, () => closeHttpServer(server));
  },
};

const fastifyFramework: Framework = {
  name: "Fastify 5",
  id: "fastify",
  notFound: /^\{"message":"Route GET:\/nowhere not found","error":"Not Found","statusCode":404\}$/,
  async start(attach) {
    const name = "fastify";
    const app = fastify();
    app.get("/hello", async (_request, reply) => {
      reply.header("x-app", name);
      return { greeting: "hello", from: name };
    });
    app.post("/echo", async (request, reply) => {
      reply.code(201).header("x-app", name);
      return { echo: request.body, from: name };
    });
    app.get("/socket.io-status", async (_request, reply) => {
      reply.header("x-app", name).type("text/plain");
      return STATUS_TEXT;
    });
    attach?.(app.server);
    await app.listen({ port: 0, host: "127.0.0.1" });
    return running(app.server, () => app.close());
  },
};

const honoFramework: Framework = {
  name: "Hono on @hono/node-server",
  id: "hono",
  notFound: /^404 Not Found$/,
  async start(attach) {
    const name = "hono";
    const app = new Hono();
    app.get("/hello", (c) => c.json({ greeting: "hello", from: name }, 200, { "x-app": name }));
    app.post("/echo", async (c) => c.json({ echo: await c.req.json<unknown>(), from: name }, 201, { "x-app": name }));
    app.get("/socket.io-status", (c) => c.text(STATUS_TEXT, 200, { "x-app": name }));
    const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }) as HttpServer;
    attach?.(server);
    return running(server, () => closeHttpServer(server));
  },
};

/** Every application setup the integration tests run against. */
export const FRAMEWORKS: readonly Framework[] = [
  plain,
  expressCreateServer,
  expressListen,
  fastifyFramework,
  honoFramework,
];

/** Sends one request on its own connection (no keep-alive agent left behind). */
export function httpRequest(port: number, method: string, path: string, json?: unknown): Promise<HttpAnswer> {
  const body = json === undefined ? undefined : JSON.stringify(json);
  const requestHeaders =
    body === undefined ? {} : { "content-type": "application/json", "content-length": Buffer.byteLength(body) };
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port, method, path, headers: requestHeaders, agent: false },
      (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => (text += chunk));
        response.on("end", () => {
          const headers = { ...response.headers };
          delete headers.date;
          resolve({ status: response.statusCode ?? 0, headers, body: text });
        });
        response.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

interface Listenable {
  on(event: string, listener: (...args: never[]) => void): unknown;
  off(event: string, listener: (...args: never[]) => void): unknown;
}

/**
 * Resolves on `event`, rejects on `failure` (with its first argument in the message)
 * or after `timeoutMs`; leaves no listener or timer behind either way.
 */
export function eventOrFailure(target: object, event: string, failure: string, timeoutMs = 5000): Promise<void> {
  const emitter = target as Listenable;
  return new Promise((resolve, reject) => {
    const settle = (error?: Error): void => {
      clearTimeout(timer);
      emitter.off(event, onEvent);
      emitter.off(failure, onFailure);
      if (error === undefined) resolve();
      else reject(error);
    };
    const onEvent = (): void => settle();
    const onFailure = (reason: unknown): void =>
      settle(
        new Error(`"${failure}" instead of "${event}": ${reason instanceof Error ? reason.message : String(reason)}`),
      );
    const timer = setTimeout(() => settle(new Error(`no "${event}" within ${timeoutMs} ms`)), timeoutMs);
    emitter.on(event, onEvent);
    emitter.on(failure, onFailure);
  });
}

/** The sockets and servers this process holds open: what must go back down once everything is closed. */
export function openNetHandles(): number {
  return process.getActiveResourcesInfo().filter((name) => name === "TCPSocketWrap" || name === "TCPServerWrap").length;
}
