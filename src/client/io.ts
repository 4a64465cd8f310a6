// `io()`: a socket for a URL's namespace, on a Manager shared with the other
// sockets of the same server unless told otherwise. Both client entry points
// export it; they differ only in the transports they register.
import type { DefaultEventsMap, EventsMap } from "../events/typed-events.js";
import { Manager } from "./manager.js";
import type { ClientOptions } from "./options.js";
import type { Socket } from "./socket.js";

/** Managers shared by `io()` calls to the same server (`multiplex`). */
const managers = new Map<string, Manager>();

/** The server part of a URL (`http(s)://host:port`), its namespace, and its query. */
function parseUrl(uri: string | undefined): { origin: string; namespace: string; query: Record<string, string> } {
  const base = typeof location === "undefined" ? undefined : location.href;
  if (uri === undefined && base === undefined) throw new TypeError("io() needs a URL outside browsers");
  const url = new URL(uri ?? "/", base);
  const query = Object.fromEntries(url.searchParams);
  // A Unix socket's URL is its path: the namespace cannot be in it.
  if (url.protocol === "ipc:") return { origin: `ipc://${url.pathname}`, namespace: "/", query };
  const protocol = url.protocol.replace(/^ws/, "http");
  return {
    origin: `${protocol}//${url.host}`,
    namespace: url.pathname === "" ? "/" : url.pathname,
    query,
  };
}

/**
 * A socket for the namespace in `uri` (`/` when it has none), on a Manager shared
 * with the other sockets of that server unless `forceNew` or `multiplex: false`.
 */
function lookup<ListenEvents extends EventsMap = DefaultEventsMap, EmitEvents extends EventsMap = ListenEvents>(
  uri?: string | ClientOptions,
  options: ClientOptions = {},
): Socket<ListenEvents, EmitEvents> {
  if (typeof uri === "object") return lookup(undefined, uri);
  const { origin, namespace, query } = parseUrl(uri);
  const id = origin + (options.path ?? "/socket.io");
  const shared = managers.get(id);
  const isNew =
    options.forceNew === true || options.multiplex === false || (shared !== undefined && shared.nsps.has(namespace));
  let manager: Manager;
  if (isNew || shared === undefined) {
    manager = new Manager(origin, { ...options, query: { ...query, ...options.query } });
    if (!isNew) managers.set(id, manager);
  } else {
    manager = shared;
  }
  return manager.socket(namespace, options);
}

/** The Socket.IO protocol revision this client speaks. */
export const protocol = 5;

export const io = Object.assign(lookup, { connect: lookup, Manager, protocol });
