// `enchufe listen`'s server: an enchufe Server on the URL given. http(s):// and
// ws(s):// get an HTTP server of their own (WebSocket and polling both served);
// every other scheme goes to `Server.listen(url)`, which knows tcp://, tls://,
// ipc:// (and whatever it learns later) and refuses the rest.
import { isEnchufeError } from "../errors.js";
import type { LISTENER_MODES, RawListenUrl } from "../server/raw-listener.js";
import { Server } from "../server/server.js";
import { listenOnHttpUrl } from "../simple/http-listener.js";
import { CliError, describeError, usageError } from "./cli-error.js";

/** How a stream listener reads its peers (docs/server.md, "raw listeners"). */
export type StreamMode = (typeof LISTENER_MODES)[number];

export interface ListenTarget {
  readonly url: string;
  readonly tls: { key: Buffer; cert: Buffer } | undefined;
  readonly mode: StreamMode | undefined;
}

export interface ListeningServer {
  readonly io: Server;
  /** The URL it listens on, with the port it got for `:0`. */
  readonly url: string;
  close(): Promise<void>;
}

const HTTP_SCHEME = /^(https?|wss?):\/\//i;
const SECURE_SCHEME = /^(https|wss|tls):\/\//i;

/**
 * Listens on `target.url`.
 * @throws CliError: usage (2) for a URL or option the server refuses, runtime (1)
 * when the address cannot be taken.
 */
export async function listenOn(target: ListenTarget): Promise<ListeningServer> {
  const { url, tls, mode } = target;
  const isSecure = SECURE_SCHEME.test(url);
  if (isSecure && tls === undefined) {
    throw usageError(`${url.slice(0, url.indexOf(":"))}:// needs --tls-key and --tls-cert`);
  }
  if (!isSecure && tls !== undefined) throw usageError("--tls-key and --tls-cert are for https://, wss:// and tls://");
  // Every namespace a peer names is opened: an empty one is forgotten, or names would pile up.
  const io = new Server({ cleanupEmptyChildNamespaces: true });
  try {
    if (HTTP_SCHEME.test(url)) {
      if (mode !== undefined) throw usageError("--mode is for tcp://, tls:// and ipc:// listeners");
      return await listenHttp(io, url, tls);
    }
    const listener = await io.listen(url as RawListenUrl, { ...tls, ...(mode !== undefined && { mode }) });
    return { io, url: listener.url, close: () => io.close() };
  } catch (error) {
    await io.close().catch(() => {});
    if (error instanceof CliError) throw error;
    if (isEnchufeError(error)) throw usageError(error.message); // the URL or an option, refused
    throw new CliError(`cannot listen on ${url}: ${describeError(error)}`, undefined, { cause: error });
  }
}

async function listenHttp(
  io: Server,
  url: string,
  tls: { key: Buffer; cert: Buffer } | undefined,
): Promise<ListeningServer> {
  if (!URL.canParse(url)) throw usageError(`invalid URL "${url}"`);
  return { io, url: await listenOnHttpUrl(io, url, tls), close: () => io.close() };
}
