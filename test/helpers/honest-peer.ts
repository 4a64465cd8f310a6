// A server with an honest socket.io-client peer connected before any hostile input,
// and the check that hostile input harmed nobody else: the robustness suites' fixture.
import assert from "node:assert/strict";
import type { Server as HttpServer } from "node:http";
import type { Server, ServerOptions, Socket } from "../../src/index.js";
import { connected, once, startServer, until, type ClientSocket, type TestServer } from "./peers.js";

export interface HonestFixture {
  server: TestServer;
  io: Server;
  /** An honest socket.io-client peer, connected before any hostile input. */
  honest: ClientSocket;
  /** Why the honest peer's server-side socket disconnected, if it ever did. */
  honestReasons: string[];
}

/** Starts a server whose sockets answer "echo", and connects the honest peer. */
export async function setupHonestPeer(options: ServerOptions = {}, httpServer?: HttpServer): Promise<HonestFixture> {
  const server = await startServer(options, httpServer);
  const { io } = server;
  io.on("connection", (socket) => {
    socket.on("echo", (value: unknown, ack: (value: unknown) => void) => ack(value));
  });
  const joined = once<[Socket]>(io, "connection");
  const honest = await connected(server.url);
  const [honestSide] = await joined;
  const honestReasons: string[] = [];
  honestSide.on("disconnect", (reason) => honestReasons.push(reason));
  return { server, io, honest, honestReasons };
}

/**
 * The honest peer still gets answers, its socket never left, and a new client
 * connects, gets answers and leaves (the session count returns to what it was).
 */
export async function assertStillServing(fixture: HonestFixture): Promise<void> {
  assert.equal(await fixture.honest.timeout(2000).emitWithAck("echo", "still here"), "still here");
  assert.deepEqual(fixture.honestReasons, [], "the honest peer must not be disconnected");
  const before = fixture.io.engine.clientsCount;
  const fresh = await connected(fixture.server.url);
  assert.equal(await fresh.timeout(2000).emitWithAck("echo", 42), 42);
  fresh.disconnect();
  await until(() => fixture.io.engine.clientsCount === before);
}

/** Resolves with `promise`, or rejects naming `what` after `ms`. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
