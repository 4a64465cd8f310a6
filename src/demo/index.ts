/**
 * The demo `enchufe serve` and `npm start` run: a chat for browsers and terminal
 * users (`nc host 4000`), with rooms, file sharing and a live dashboard at
 * `/admin`. docs/demo.md describes it, its protocol and its limits.
 *
 * @example
 * const demo = await startDemo({ port: 3000, adminPassword: process.env.ENCHUFE_ADMIN_PASSWORD });
 * console.log(`chat on ${demo.url}, terminals on ${demo.lineUrl}`);
 * process.once("SIGTERM", () => void demo.close());
 *
 * @module
 */
import { createServer, type Server as HttpServer } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { Server, type RawListener } from "../index.js";
import { attachAdmin } from "./admin.js";
import { Chat } from "./chat.js";
import { FileRelay } from "./files.js";
import { createRequestListener } from "./http.js";
import { DEMO_LIMITS } from "./limits.js";
import { attachLineUser } from "./line-users.js";
import { Relay, terminalVia } from "./relay.js";
import { Stats } from "./stats.js";
import { attachWebUser } from "./web-users.js";
import { findWebRoot } from "./web-root.js";

export { DEMO_LIMITS, DEFAULT_ROOM } from "./limits.js";

export interface DemoOptions {
  /** HTTP port; 0 for any free port. @default 3000 */
  port?: number;
  /** Interface to listen on. @default undefined (all interfaces) */
  host?: string;
  /** TCP line-mode chat port; 0 for any free port; `false` for none. @default 4000 */
  linePort?: number | false;
  /** When given: HTTPS instead of HTTP, and the line listener is `tls://`. */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** The dashboard's password; without one the dashboard is disabled (a 403 page). */
  adminPassword?: string;
  /**
   * Whether the address of a client is read from X-Forwarded-For (`true`, or the number
   * of proxies in front): behind nginx or a PaaS router, without it every visitor has
   * the proxy's address, and the dashboard's lockout after wrong passwords locks all out.
   * @default false
   */
  trustProxy?: boolean | number;
  /** Where log lines go. @default nowhere */
  log?: (line: string) => void;
  /** The directory of the pages. @default the `web/` found above this module */
  webRoot?: string;
}

export interface DemoServer {
  /** The chat's address with the real port, e.g. `http://127.0.0.1:3000`. */
  readonly url: string;
  /** The terminal chat's address, e.g. `tcp://127.0.0.1:4000`; `undefined` when off. */
  readonly lineUrl: string | undefined;
  readonly io: Server;
  /** Graceful shutdown: stop accepting, /healthz answers 503, tell clients (they get a notice and disconnect), drain, close listeners. Resolves when done. */
  close(): Promise<void>;
}

/** `host` as it goes in a URL: loopback for "all interfaces", IPv6 in brackets. */
function urlHost(host: string | undefined): string {
  if (host === undefined || host === "" || host === "0.0.0.0" || host === "::") return "127.0.0.1";
  return host.includes(":") ? `[${host}]` : host;
}

function listenHttp(server: HttpServer, port: number, host: string | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      const where = `${host ?? "*"}:${port}`;
      if (error.code === "EADDRINUSE")
        reject(new Error(`port ${port} is already in use (HTTP, ${where})`, { cause: error }));
      else reject(new Error(`cannot listen on ${where} (HTTP): ${error.message}`, { cause: error }));
    };
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Starts the demo; rejects with a clear Error when a port is in use. */
export async function startDemo(options: DemoOptions = {}): Promise<DemoServer> {
  const { port = 3000, host, linePort = 4000, tls, adminPassword, trustProxy = false, log = () => undefined } = options;
  const webRoot = options.webRoot ?? findWebRoot();
  const scheme = tls === undefined ? "http" : "https";
  let isClosing = false;
  let closing: Promise<void> | undefined;
  let publicUrl = `${scheme}://${urlHost(host)}:${port}`;

  const listener = createRequestListener({
    webRoot,
    isAdminEnabled: adminPassword !== undefined,
    health: () =>
      isClosing
        ? { status: 503, body: { status: "shutting down" } }
        : {
            status: 200,
            body: { status: "ok", connections: io.engine.clientsCount, uptime: Math.round(process.uptime()) },
          },
  });
  const httpServer =
    tls === undefined ? createServer(listener) : createHttpsServer({ key: tls.key, cert: tls.cert }, listener);
  const io = new Server(httpServer, { trustProxy });
  const stats = new Stats();
  const relay = new Relay(io, stats.counters);
  const chat = new Chat(relay);
  const files = new FileRelay(relay, () => publicUrl);
  const stopAdmin = attachAdmin(io, { password: adminPassword, chat, stats, relay });

  io.use((_socket, next) => next(isClosing ? new Error("the server is shutting down") : undefined));
  io.on("connection", (socket) => {
    socket.onAny(() => void stats.counters.in++);
    const via = terminalVia(socket);
    if (via === undefined) attachWebUser(socket, { chat, files, relay, terminal });
    else attachLineUser(socket, via, { chat, relay, publicUrl: () => publicUrl });
  });

  let line: RawListener | undefined;
  const terminal = (): { port: number; tls: boolean } | undefined =>
    line === undefined ? undefined : { port: Number(line.url.split(":").pop()), tls: tls !== undefined };
  try {
    const httpPort = await listenHttp(httpServer, port, host);
    publicUrl = `${scheme}://${urlHost(host)}:${httpPort}`;
    if (linePort !== false) {
      const lineScheme = tls === undefined ? "tcp" : "tls";
      const address = host === undefined ? "" : host.includes(":") ? `[${host}]` : host;
      line = await io
        .listen(`${lineScheme}://${address}:${linePort}`, {
          mode: "line",
          maxMessageBytes: DEMO_LIMITS.maxLineBytes,
          invalidUtf8: "replace", // a Latin-1 terminal's accents become U+FFFD rather than a dropped connection
          ...tls,
        })
        .catch((error: NodeJS.ErrnoException) => {
          const problem = error.code === "EADDRINUSE" ? "is already in use" : `cannot be used: ${error.message}`;
          throw new Error(`port ${linePort} ${problem} (terminal chat)`, { cause: error });
        });
    }
  } catch (error) {
    stopAdmin();
    stats.stop();
    await io.close();
    throw error;
  }
  const lineUrl = line === undefined ? undefined : line.url.replace(/\/\/(0\.0\.0\.0|\[::\]):/, "//127.0.0.1:");
  log(`chat on ${publicUrl}${lineUrl === undefined ? "" : `, terminals on ${lineUrl} (nc)`}`);
  log(adminPassword === undefined ? "dashboard off (set ENCHUFE_ADMIN_PASSWORD)" : `dashboard on ${publicUrl}/admin`);

  async function shutDown(): Promise<void> {
    isClosing = true;
    log("shutting down: telling clients");
    const closingLine = line?.close(); // stop accepting terminals; resolves once they are gone
    const notice = "the server is shutting down; it may be back in a moment";
    relay.toAllBrowsers("shutdown", { text: notice, ts: Date.now() });
    relay.toAllTerminals(`* ${notice}; bye`);
    // Load balancers see the 503 meanwhile; uploads in progress get a chance to finish.
    await Promise.all([
      new Promise((resolve) => setTimeout(resolve, DEMO_LIMITS.shutdownNoticeMs)),
      files.whenIdle(DEMO_LIMITS.shutdownDrainMs),
    ]);
    stopAdmin();
    await io.close();
    await closingLine;
    stats.stop();
    log("closed");
  }

  return {
    url: publicUrl,
    lineUrl,
    io,
    close: () => (closing ??= shutDown()),
  };
}
