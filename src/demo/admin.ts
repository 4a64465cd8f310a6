// The dashboard's side on the server: the `/admin` namespace behind a password,
// a snapshot of the server pushed every second, and the disconnect button.
import { createHash, timingSafeEqual } from "node:crypto";
import type { Server } from "../index.js";
import type { Chat } from "./chat.js";
import { DEMO_LIMITS } from "./limits.js";
import { terminalVia, type Relay } from "./relay.js";
import type { ProcessStats, RateSample, Stats } from "./stats.js";
import { ackOf } from "./validate.js";

const ADMIN_NAMESPACE = "/admin";

/** Failed logins an address may make before it must wait. */
const MAX_FAILED_LOGINS = 5;
const LOGIN_LOCKOUT_MS = 60_000;
/** Addresses remembered for the lockout, at most (the oldest is forgotten first). */
const MAX_TRACKED_ADDRESSES = 1000;

export interface SocketSummary {
  id: string;
  nick: string | undefined;
  transport: string;
  address: string;
  rooms: string[];
}

export interface AdminSnapshot {
  connections: { total: number; byTransport: Record<string, number>; byNamespace: Record<string, number> };
  rooms: { name: string; count: number }[];
  rates: readonly RateSample[];
  process: ProcessStats;
  sockets: SocketSummary[];
}

export interface AdminDeps {
  password: string | undefined;
  chat: Chat;
  stats: Stats;
  relay: Relay;
}

/** Constant-time comparison of two strings, whatever their lengths (both are hashed first). */
function isSamePassword(given: unknown, expected: string): boolean {
  if (typeof given !== "string") return false;
  const digest = (text: string): Buffer => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** Builds what the dashboard shows. */
function snapshot(io: Server, chat: Chat, stats: Stats): AdminSnapshot {
  const byTransport: Record<string, number> = { websocket: 0, polling: 0, tcp: 0, tls: 0, ipc: 0, udp: 0 };
  for (const session of io.engine.sessions.values()) {
    const name = session.transport.name;
    byTransport[name] = (byTransport[name] ?? 0) + 1;
  }
  const chatSockets = io.sockets.sockets;
  const sockets: SocketSummary[] = [];
  for (const socket of chatSockets.values()) {
    if (sockets.length >= DEMO_LIMITS.maxListedSockets) break;
    const member = chat.memberOf(socket.id);
    sockets.push({
      id: socket.id,
      nick: member?.nick,
      transport: socket.conn.transport.name,
      address: socket.handshake.address,
      rooms: member?.room === undefined ? [] : [member.room],
    });
  }
  return {
    connections: {
      total: io.engine.sessions.size,
      byTransport,
      byNamespace: { "/": chatSockets.size, [ADMIN_NAMESPACE]: io.of(ADMIN_NAMESPACE).sockets.size },
    },
    rooms: chat.rooms(),
    rates: stats.rates,
    process: stats.process(),
    sockets,
  };
}

/** Sets up `/admin`; returns a function that stops its timer. */
export function attachAdmin(io: Server, { password, chat, stats, relay }: AdminDeps): () => void {
  const admin = io.of(ADMIN_NAMESPACE);
  const failures = new Map<string, { count: number; since: number }>();

  admin.use((socket, next) => {
    if (password === undefined) return next(new Error("the dashboard is disabled: set ENCHUFE_ADMIN_PASSWORD"));
    const address = socket.handshake.address;
    const now = Date.now();
    let record = failures.get(address);
    if (record !== undefined && now - record.since > LOGIN_LOCKOUT_MS) {
      failures.delete(address); // a new minute: a new count
      record = undefined;
    }
    if (record !== undefined && record.count >= MAX_FAILED_LOGINS) {
      return next(new Error("too many wrong passwords: wait a minute"));
    }
    const auth = socket.handshake.auth;
    if (isSamePassword(auth.password, password)) return next();
    failures.delete(address); // re-inserted: the map's order is then oldest first
    failures.set(address, { count: (record?.count ?? 0) + 1, since: record?.since ?? now });
    if (failures.size > MAX_TRACKED_ADDRESSES) failures.delete(failures.keys().next().value as string);
    next(new Error("wrong password"));
  });

  admin.on("connection", (socket) => {
    socket.emit("stats", snapshot(io, chat, stats));
    socket.on("kick", (...args: unknown[]) => {
      const ack = ackOf(args);
      const id = args[0];
      const target = typeof id === "string" ? io.sockets.sockets.get(id) : undefined;
      if (target === undefined) return ack?.({ ok: false, error: "no such socket" });
      const text = "disconnected by an administrator";
      if (terminalVia(target) === undefined) {
        relay.toSocket(target, "notice", { room: chat.memberOf(target.id)?.room, kind: "error", text, ts: Date.now() });
      } else relay.toSocket(target, "message", `* ${text}`);
      target.disconnect(true);
      ack?.({ ok: true });
    });
  });

  const timer = setInterval(() => {
    stats.sample();
    if (admin.sockets.size > 0) admin.emit("stats", snapshot(io, chat, stats));
  }, 1000);
  timer.unref();
  return () => clearInterval(timer);
}
