// The demo's HTTP routes: the chat and dashboard pages, their static files from
// web/ (no path outside it is ever read), and /healthz for load balancers.
import { readFile, stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, resolve, sep } from "node:path";

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json; charset=utf-8",
};

// The pages load scripts and styles from this origin only, and talk to it only.
const SECURITY_HEADERS = {
  "Content-Security-Policy":
    "default-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:; connect-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
};

export interface HttpDeps {
  webRoot: string;
  isAdminEnabled: boolean;
  /** `/healthz`'s answer: 200 with the body while serving, 503 while shutting down. */
  health: () => { status: number; body: object };
}

const PAGES: Readonly<Record<string, string>> = { "/": "chat.html", "/admin": "admin.html" };

/** The request listener of the demo's HTTP(S) server. */
export function createRequestListener({ webRoot, isAdminEnabled, health }: HttpDeps) {
  const root = resolve(webRoot);

  async function serveFile(response: ServerResponse, path: string, status = 200, isHead = false): Promise<void> {
    const file = resolve(root, `.${path}`);
    const type = CONTENT_TYPES[extname(file)];
    if (!file.startsWith(root + sep) || type === undefined || !(await stat(file).catch(() => undefined))?.isFile()) {
      return notFound(response);
    }
    const body = await readFile(file);
    response.writeHead(status, {
      ...SECURITY_HEADERS,
      "Content-Type": type,
      "Content-Length": body.length,
      "Cache-Control": "no-cache",
    });
    response.end(isHead ? undefined : body);
  }

  return (request: IncomingMessage, response: ServerResponse): void => {
    const method = request.method ?? "GET";
    if (method !== "GET" && method !== "HEAD") {
      response.writeHead(405, { Allow: "GET, HEAD" }).end();
      return;
    }
    let path: string;
    try {
      path = decodeURIComponent(new URL(request.url ?? "/", "http://localhost").pathname);
    } catch {
      response.writeHead(400).end();
      return;
    }
    if (path.includes("\0")) return notFound(response);
    if (path === "/healthz") {
      const { status, body } = health();
      const json = JSON.stringify(body);
      response.writeHead(status, { "Content-Type": "application/json", "Cache-Control": "no-store" }).end(json);
      return;
    }
    const page = PAGES[path.replace(/\/$/, "") || "/"];
    let served: Promise<void>;
    if (page === "admin.html" && !isAdminEnabled)
      served = serveFile(response, "/admin-disabled.html", 403, method === "HEAD");
    else served = serveFile(response, page === undefined ? path : `/${page}`, 200, method === "HEAD");
    served.catch(() => {
      if (!response.headersSent) response.writeHead(500).end();
      else response.destroy();
    });
  };
}

function notFound(response: ServerResponse): void {
  response.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" }).end("not found\n");
}
