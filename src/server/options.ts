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
}

/** Server options with every default applied. */
export type ResolvedServerOptions = ResolvedEngineOptions &
  Readonly<Required<Omit<ServerOptions, keyof EngineOptions>>>;

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
}) satisfies Required<ServerOptions>;

const MAX_TIMER_MS = 2 ** 31 - 1;

/** Applies the defaults and validates every option; throws `ArgumentError` naming the bad one. */
export function resolveServerOptions(options: ServerOptions = {}): ResolvedServerOptions {
  const resolved = { ...SERVER_DEFAULTS, ...definedOnly(options) };
  const engine = resolveEngineOptions(resolved);
  if (typeof resolved.path !== "string" || !resolved.path.startsWith("/")) {
    throw invalidOption("path", 'a string starting with "/"', resolved.path);
  }
  checkInteger(resolved, "connectTimeout", 1, MAX_TIMER_MS);
  checkInteger(resolved, "maxAttachments", 1, 999);
  checkInteger(resolved, "maxEventArguments", 0);
  checkInteger(resolved, "maxPendingAcks", 1);
  checkInteger(resolved, "maxNamespacesPerConnection", 1);
  if (typeof resolved.cleanupEmptyChildNamespaces !== "boolean") {
    throw invalidOption("cleanupEmptyChildNamespaces", "a boolean", resolved.cleanupEmptyChildNamespaces);
  }
  if (typeof resolved.adapter !== "function") throw invalidOption("adapter", "an adapter class", resolved.adapter);
  return Object.freeze({ ...resolved, ...engine });
}
