// Listening on an `http(s)://` or `ws(s)://` URL: a new HTTP(S) server on the URL's
// host and port, with an enchufe server attached (WebSocket and polling both served;
// the scheme says only whether to use TLS). Shared by `listen()` and `enchufe listen`.
import { createServer, type Server as HttpServer } from "node:http";
import { createServer as createHttpsServer, type ServerOptions as HttpsOptions } from "node:https";
import type { Server } from "../server/server.js";

/**
 * Attaches `io` to a new HTTP server listening where `url` says (port 80 or 443 when
 * it names none; 0 for any free port) and resolves with the URL it listens on, with
 * the port it got. Rejects when the address cannot be taken.
 */
export async function listenOnHttpUrl(io: Server, url: string, tls: HttpsOptions = {}): Promise<string> {
  const parsed = new URL(url);
  const isSecure = parsed.protocol === "https:" || parsed.protocol === "wss:";
  const host = parsed.hostname === "" ? undefined : parsed.hostname.replace(/^\[|\]$/g, "");
  const port = parsed.port === "" ? (isSecure ? 443 : 80) : Number(parsed.port);
  const httpServer: HttpServer = isSecure ? createHttpsServer(tls) : createServer();
  io.attach(httpServer);
  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(port, host, () => {
      httpServer.off("error", reject);
      resolve();
    });
  });
  const address = httpServer.address();
  const actualPort = typeof address === "object" && address !== null ? address.port : port;
  const hostname = host === undefined ? "localhost" : host.includes(":") ? `[${host}]` : host;
  return `${parsed.protocol}//${hostname}:${actualPort}`;
}
