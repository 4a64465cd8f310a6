// Sending to a chat room: browsers get structured events, terminal users a line
// of text, each encoded once per room (two adapter rooms per chat room: web:<name>
// and line:<name>). It also counts every delivery, for the dashboard's "out" rate.
import type { Server, Socket } from "../index.js";
import type { Counters } from "./stats.js";

/** How a member is connected: a browser (or any Socket.IO client), or a terminal over TCP or TLS. */
export type Via = "web" | "tcp" | "tls";

/**
 * `"tcp"` or `"tls"` for a terminal user, `undefined` for a browser. The demo's
 * only raw listener is the line-mode one, so a socket on a stream transport is a
 * terminal (an Engine.IO stream listener added later would need a finer test).
 */
export function terminalVia(socket: Socket): "tcp" | "tls" | undefined {
  const name = socket.conn.transport.name;
  return name === "tcp" || name === "tls" ? name : undefined;
}

/** The adapter room of a chat room for one kind of client. */
export function adapterRoom(room: string, kind: "web" | "line"): string {
  return `${kind}:${room}`;
}

/** The adapter rooms every browser socket and every terminal socket is in, for server-wide events. */
export const ALL_WEB = "web";
export const ALL_LINE = "line";

export class Relay {
  readonly #io: Server;
  readonly #counters: Counters;

  constructor(io: Server, counters: Counters) {
    this.#io = io;
    this.#counters = counters;
  }

  /**
   * Sends `event` with `payload` to the browsers in `room` and, when `lineOf` is given,
   * `lineOf(payload)` to its terminal users, leaving `exceptId` out. The line is only
   * built when a terminal user is there to read it.
   */
  toRoom<T>(
    room: string,
    event: string,
    payload: T,
    lineOf: ((payload: T) => string) | undefined,
    exceptId?: string,
  ): void {
    this.#send(adapterRoom(room, "web"), event, [payload], exceptId);
    if (lineOf === undefined) return;
    const terminals = adapterRoom(room, "line");
    if (this.#recipients(terminals, exceptId) > 0) this.#send(terminals, "message", [lineOf(payload)], exceptId);
  }

  /** Sends `event` with `args` (binary among them) to the browsers in `room` but `exceptId`. */
  toBrowsers(room: string, event: string, args: readonly unknown[], exceptId?: string): void {
    this.#send(adapterRoom(room, "web"), event, args, exceptId);
  }

  /** Sends a line to the terminal users in `room` but `exceptId`. */
  toTerminals(room: string, line: string, exceptId?: string): void {
    this.#send(adapterRoom(room, "line"), "message", [line], exceptId);
  }

  /** Sends to every browser, whatever its room. */
  toAllBrowsers(event: string, payload: unknown): void {
    this.#send(ALL_WEB, event, [payload], undefined);
  }

  /** Sends a line to every terminal user, whatever its room (or none yet). */
  toAllTerminals(line: string): void {
    this.#send(ALL_LINE, "message", [line], undefined);
  }

  /** Sends to one socket, counted. */
  toSocket(socket: { emit(event: string, ...args: unknown[]): unknown }, event: string, ...args: unknown[]): void {
    socket.emit(event, ...args);
    this.#counters.out += 1;
  }

  // Nobody to reach (an empty room, or only the sender in it): nothing is encoded.
  #send(room: string, event: string, args: readonly unknown[], exceptId: string | undefined): void {
    const count = this.#recipients(room, exceptId);
    if (count === 0) return;
    const operator = exceptId === undefined ? this.#io.to(room) : this.#io.to(room).except(exceptId);
    operator.emit(event, ...args);
    this.#counters.out += count;
  }

  #recipients(room: string, exceptId: string | undefined): number {
    const members = this.#io.sockets.adapter.rooms.get(room);
    if (members === undefined) return 0;
    return members.size - (exceptId !== undefined && members.has(exceptId) ? 1 : 0);
  }
}
