// Socket.IO's `serveClient`: the browser client at <path>/socket.io.js,
// socket.io.min.js and socket.io.esm.min.js, with their source maps, as Socket.IO
// serves its own. The files are the bundles scripts/build-client.mjs writes to
// dist/client-bundle/, beside this module's directory; each is read on its first
// request and kept in memory, with its compressed forms as they are asked for.
import type { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import { promisify } from "node:util";
import { brotliCompress, constants, gzip } from "node:zlib";
import { checkOrigin, corsHeaders } from "../engine/cors.js";
import type { HttpServerLike } from "../engine/engine-server.js";
import { pathnameOf } from "../engine/handshake.js";
import { routeRequests } from "../engine/request-routing.js";
import type { CorsOptions } from "../engine/options.js";

/** The files answered under the server's path: Socket.IO's list, less its msgpack build. */
export const CLIENT_FILES: ReadonlySet<string> = new Set([
  "socket.io.js",
  "socket.io.js.map",
  "socket.io.min.js",
  "socket.io.min.js.map",
  "socket.io.esm.min.js",
  "socket.io.esm.min.js.map",
]);

// From dist/server/ (or a test build's src/server/) to dist/client-bundle/.
const BUNDLE_DIR = new URL("../client-bundle/", import.meta.url);

/** How long a `cors.origin` function may take to answer; then the file goes without CORS headers. */
const ORIGIN_TIMEOUT_MS = 10_000;

type Encoding = "br" | "gzip" | "identity";

interface ClientFile {
  readonly body: Buffer;
  /** A strong ETag, the hash of the content; the compressed forms carry it weak (`W/`). */
  readonly etag: string;
  readonly contentType: string;
  readonly compressed: Map<Exclude<Encoding, "identity">, Promise<Buffer>>;
}

const compressors = {
  br: (body: Buffer) =>
    promisify(brotliCompress)(body, {
      params: {
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
      },
    }),
  gzip: (body: Buffer) => promisify(gzip)(body, { level: 9 }),
};

/** Files by name, read once; `undefined` when the bundle was not built. */
const files = new Map<string, Promise<ClientFile | undefined>>();

function loadFile(name: string): Promise<ClientFile | undefined> {
  let file = files.get(name);
  if (file === undefined) {
    file = readFile(new URL(name, BUNDLE_DIR)).then(
      (body) => ({
        body,
        etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`,
        contentType: `application/${name.endsWith(".map") ? "json" : "javascript"}; charset=utf-8`,
        compressed: new Map(),
      }),
      () => undefined,
    );
    files.set(name, file);
  }
  return file;
}

/** The encoding to answer in, from `Accept-Encoding`: Brotli or gzip when accepted (the higher `q`; Brotli on a tie). */
function preferredEncoding(header: string | undefined): Encoding {
  if (header === undefined) return "identity";
  const weights = new Map<string, number>();
  for (const part of header.toLowerCase().split(",")) {
    const [name = "", ...parameters] = part.split(";").map((piece) => piece.trim());
    const q = parameters.find((parameter) => parameter.startsWith("q="));
    weights.set(name, q === undefined ? 1 : Number(q.slice(2)) || 0);
  }
  const weightOf = (name: string): number => weights.get(name) ?? weights.get("*") ?? 0;
  const brotliWeight = weightOf("br");
  const gzipWeight = weightOf("gzip");
  if (brotliWeight > 0 && brotliWeight >= gzipWeight) return "br";
  return gzipWeight > 0 ? "gzip" : "identity";
}

/** Whether `If-None-Match` names the file's ETag (weak comparison, as RFC 9110 asks for GET). */
function isNotModified(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === "*") return true;
  return header.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag);
}

async function answer(
  file: ClientFile,
  request: IncomingMessage,
  response: ServerResponse,
  extraHeaders: OutgoingHttpHeaders,
): Promise<void> {
  const encoding = preferredEncoding(request.headers["accept-encoding"]);
  const vary = ["Accept-Encoding", extraHeaders.Vary].filter(Boolean).join(", ");
  const headers: OutgoingHttpHeaders = {
    ...extraHeaders,
    "Cache-Control": "public, max-age=0",
    ETag: encoding === "identity" ? file.etag : `W/${file.etag}`,
    Vary: vary,
  };
  if (isNotModified(request.headers["if-none-match"], file.etag)) {
    response.writeHead(304, headers).end();
    return;
  }
  let body = file.body;
  if (encoding !== "identity") {
    let compressed = file.compressed.get(encoding);
    if (compressed === undefined) {
      compressed = compressors[encoding](file.body);
      file.compressed.set(encoding, compressed);
    }
    body = await compressed;
    headers["Content-Encoding"] = encoding;
  }
  // Every method gets the file, HEAD without its body, as from Socket.IO.
  response.writeHead(200, { ...headers, "Content-Type": file.contentType, "Content-Length": body.length }).end(body);
}

/** Calls back the CORS headers for a request: none without `cors`, or for an origin `cors.origin` refuses. */
function corsFor(
  request: IncomingMessage,
  cors: CorsOptions | undefined,
  callback: (headers: OutgoingHttpHeaders) => void,
): void {
  if (cors === undefined) return callback({});
  let isDone = false;
  const done = (isAllowed: boolean): void => {
    if (isDone) return;
    isDone = true;
    clearTimeout(timer);
    callback(isAllowed ? corsHeaders(request, cors, request.method === "OPTIONS") : {});
  };
  const timer = setTimeout(done, ORIGIN_TIMEOUT_MS, false);
  checkOrigin(request.headers.origin, cors.origin, done);
}

const served = new WeakMap<object, Set<string>>();

/**
 * Answers the client files under `path` on `server`, in front of its other request
 * listeners (the engine's among them), which get every other request untouched,
 * and these too when the bundle is not there. With `cors`, the files carry CORS
 * headers (an ES module imported from another origin needs them) and preflights
 * get a 204.
 */
export function serveClientFiles(server: HttpServerLike, path: string, cors: CorsOptions | undefined): void {
  const base = path.replace(/\/+$/, "");
  const paths = served.get(server) ?? new Set<string>();
  if (paths.has(base)) return;
  served.set(server, paths.add(base));
  routeRequests(server, (request, response, passOn) => {
    const pathname = pathnameOf(request.url);
    const name = pathname.startsWith(`${base}/`) ? pathname.slice(base.length + 1) : undefined;
    if (name === undefined || !CLIENT_FILES.has(name)) return false;
    void loadFile(name).then((file) => {
      if (file === undefined) return passOn(request, response);
      corsFor(request, cors, (headers) => {
        if (request.method === "OPTIONS" && cors !== undefined) {
          response.writeHead(204, { ...headers, "Content-Length": 0 }).end();
          return;
        }
        answer(file, request, response, headers).catch(() => response.destroy());
      });
    });
    return true;
  });
}
