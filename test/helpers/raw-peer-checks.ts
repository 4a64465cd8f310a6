// What the raw listener tests check alike with a hand-written peer, whatever carries
// its frames (test/raw/stream.test.ts over tcp://, ipc://, tls://;
// test/raw/datagram.test.ts over udp://): events and acks both ways, binary acks
// both ways, and a joined peer's socket on the server.
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import type { Server, Socket } from "../../src/index.js";
import type { SocketIoPeer } from "./socketio-peer.js";

/** A peer that joined "/" (what a `joined()` factory resolves with) and its socket on the server. */
export function withServerSocket<Peer>(io: Server, joined: { peer: Peer; id: string }): { peer: Peer; socket: Socket } {
  const socket = io.sockets.sockets.get(joined.id);
  assert.ok(socket !== undefined, "the peer's socket must be in the main namespace");
  return { peer: joined.peer, socket };
}

/** The handlers checkEventsAndAcks() needs: "note" recorded in the array returned, "sum" acked. */
export function handleNotesAndSums(io: Server): unknown[] {
  const heard: unknown[] = [];
  io.on("connection", (socket) => {
    socket.on("note", (...args: unknown[]) => heard.push(args));
    socket.on("sum", (a: number, b: number, ack: (sum: number) => void) => ack(a + b));
  });
  return heard;
}

/**
 * Events and acks both ways: peer → server with and without an ack (`heard` from
 * handleNotesAndSums()), then server → peer with and without an ack.
 */
export async function checkEventsAndAcks(peer: SocketIoPeer, socket: Socket, heard: unknown[]): Promise<void> {
  peer.emit("note", "é ✓", { nested: [1, null] });
  assert.deepEqual(await peer.emitWithAck("sum", 2, 3), [5]);
  assert.deepEqual(heard, [["é ✓", { nested: [1, null] }]]);

  socket.emit("greeting", "hello", 42);
  assert.deepEqual(await peer.nextEvent("greeting"), { args: ["hello", 42], id: undefined });
  const answered = socket.timeout(2000).emitWithAck("question", "why?");
  const { args, id } = await peer.nextEvent("question");
  assert.deepEqual(args, ["why?"]);
  assert.equal(typeof id, "number");
  peer.ack(id!, "because");
  assert.equal(await answered, "because");
}

/** Binary acks both ways: the server's "echo" handler (which acks with what it got), then the peer acking "give". */
export async function checkBinaryAcks(peer: SocketIoPeer, socket: Socket): Promise<void> {
  const [echoed] = await peer.emitWithAck("echo", { data: Buffer.from([0, 255]) });
  assert.deepEqual(echoed, { data: Buffer.from([0, 255]) });
  const answered = socket.timeout(2000).emitWithAck("give");
  const { id } = await peer.nextEvent("give");
  peer.ack(id!, Buffer.from("bytes back"));
  const answer: unknown = await answered;
  assert.ok(Buffer.isBuffer(answer));
  assert.equal(answer.toString(), "bytes back");
}
