// The Socket.IO server's options: the interface, the defaults and the resolver in
// one place. Defaults equal Socket.IO's wherever Socket.IO has one; the limits it
// lacks get a documented default here, never "unlimited" by accident.
import { InMemoryAdapter, type AdapterConstructor } from "../cluster/adapter.js";
import {
  checkInteger,
  definedOnly,
  ENGINE_DEFAULTS,
  invalidOption,
  resolveEngineOptions,
  type EngineOptions,
  type ResolvedEngineOptions,
} from "../engine/options.js";
import { DECODER_DEFAULTS } from "../protocol/socket-packet.js";

export interface ServerOptions extends EngineOptions {
  /** The path the server answers on; clients must use the same. @default "/socket.io" */
  path?: string;
  /** Milliseconds a client has to join a namespace before its connection is closed. @default 45000 */
  connectTimeout?: number;
  /** Most binary attachments in one packet. @default 10 */
  maxAttachments?: number;
  /** Most arguments one incoming event (or acknowledgement) may carry; more is a parse error. @default 1000 */
  maxEventArguments?: number;
  /** Most acknowledgements a socket may wait for at once; `emit` throws past it. @default 1000 */
  maxPendingAcks?: number;
  /** Most namespaces one connection may join; more get a `connect_error`. @default 32 */
  maxNamespacesPerConnection?: number;
  /** Whether a child of a dynamic namespace is removed when its last socket leaves. @default false */
  cleanupEmptyChildNamespaces?: boolean;
  /** The adapter class, one instance per namespace. @default InMemoryAdapter */
  adapter?: AdapterConstructor;
  /**
   * Whether the browser client is served at `<path>/socket.io.js`, `socket.io.min.js`
   * and `socket.io.esm.min.js` (with their `.map`), as Socket.IO serves its own. @default true
   */
  serveClient?: boolean;

  // Socket.IO options for features enchufe does not have yet. Accepted so that a
  // Socket.IO configuration moves over unchanged; see docs/options.md.
  /** Refused when `true`: enchufe speaks Engine.IO v4 only. */
  allowEIO3?: false;
  /** Refused when set: WebSocket compression is not offered yet. */
  perMessageDeflate?: false;
  /** Refused when set: only Socket.IO's default parser is spoken. */
  parser?: undefined;
  /** Refused when set: connection state recovery is not offered yet. */
  connectionStateRecovery?: undefined | false;
}

const REFUSED_UNLESS_OFF: ReadonlySet<string> = new Set([
  "allowEIO3",
  "perMessageDeflate",
  "parser",
  "connectionStateRecovery",
]);

/** Throws for an unknown key (a typo, say) and for a Socket.IO feature that is asked for but missing. */
function checkKeys(options: object): void {
  for (const [key, value] of Object.entries(options)) {
    if (Object.hasOwn(SERVER_DEFAULTS, key)) continue;
    if (!REFUSED_UNLESS_OFF.has(key)) throw invalidOption(key, "a known option (this one is unknown)", value);
    if (value !== undefined && value !== false) throw invalidOption(key, "left unset: it is not supported yet", value);
  }
}

type CompatibilityOption = "allowEIO3" | "perMessageDeflate" | "parser" | "connectionStateRecovery";

/** Server options with every default applied. */
export type ResolvedServerOptions = ResolvedEngineOptions &
  Readonly<Required<Omit<ServerOptions, keyof EngineOptions | CompatibilityOption>>>;

export const SERVER_DEFAULTS = Object.freeze({
  ...ENGINE_DEFAULTS,
  path: "/socket.io",
  connectTimeout: 45_000,
  maxAttachments: DECODER_DEFAULTS.maxAttachments,
  maxEventArguments: DECODER_DEFAULTS.maxArguments,
  maxPendingAcks: 1000,
  maxNamespacesPerConnection: 32,
  cleanupEmptyChildNamespaces: false,
  adapter: InMemoryAdapter as AdapterConstructor,
  serveClient: true,
}) satisfies Required<Omit<ServerOptions, CompatibilityOption>>;

const MAX_TIMER_MS = 2 ** 31 - 1;

/** Applies the defaults and validates every option; throws `ArgumentError` naming the bad one. */
export function resolveServerOptions(options: ServerOptions = {}): ResolvedServerOptions {
  checkKeys(options);
  const resolved = { ...SERVER_DEFAULTS, ...definedOnly(options) };
  const engine = resolveEngineOptions(resolved);
  checkInteger(resolved, "connectTimeout", 1, MAX_TIMER_MS);
  checkInteger(resolved, "maxAttachments", 1, 999);
  checkInteger(resolved, "maxEventArguments", 0);
  checkInteger(resolved, "maxPendingAcks", 1);
  checkInteger(resolved, "maxNamespacesPerConnection", 1);
  for (const name of ["cleanupEmptyChildNamespaces", "serveClient"] as const) {
    if (typeof resolved[name] !== "boolean") throw invalidOption(name, "a boolean", resolved[name]);
  }
  if (typeof resolved.adapter !== "function") throw invalidOption("adapter", "an adapter class", resolved.adapter);
  return Object.freeze({ ...resolved, ...engine });
}
