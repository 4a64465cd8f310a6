// Type-level tests: `tsc` checks them (npm run lint / npm test), nothing runs.
// Each @ts-expect-error line must stay an error, or tsc fails.
import { expectTypeOf } from "expect-type";
import type { DisconnectReason, RemoteSocket, Server, Socket } from "../../src/index.js";

interface ClientToServer {
  hello: (name: string) => void;
  ask: (question: number, answer: (reply: string) => void) => void;
}

interface ServerToClient {
  news: (headline: string, priority: number) => void;
  confirm: (id: number, callback: (accepted: boolean) => void) => void;
  noArguments: () => void;
}

interface BetweenServers {
  sync: (version: number) => void;
}

interface SocketData {
  user: string;
  age: number;
}

declare const io: Server<ClientToServer, ServerToClient, BetweenServers, SocketData>;
declare const socket: Socket<ClientToServer, ServerToClient, BetweenServers, SocketData>;

// Listening: parameters come from the map, the ack callback included; async listeners are fine.
socket.on("hello", (name) => expectTypeOf(name).toEqualTypeOf<string>());
socket.on("ask", (question, answer) => {
  expectTypeOf(question).toEqualTypeOf<number>();
  expectTypeOf(answer).toEqualTypeOf<(reply: string) => void>();
  answer("yes");
});
socket.on("hello", async (name) => {
  await Promise.resolve(name);
});
// @ts-expect-error: "hello" gives a string, not a number
socket.on("hello", (name: number) => name);
socket.on("disconnect", (reason) => expectTypeOf(reason).toEqualTypeOf<DisconnectReason>());
socket.on("error", (error) => expectTypeOf(error).toEqualTypeOf<Error>());

// Emitting to one client.
socket.emit("news", "headline", 1);
socket.emit("noArguments");
socket.emit("confirm", 7, (accepted) => expectTypeOf(accepted).toEqualTypeOf<boolean>());
// @ts-expect-error: wrong argument type
socket.emit("news", "headline", "high");
// @ts-expect-error: unknown event
socket.emit("unknown");

// emitWithAck resolves with the ack's first argument.
expectTypeOf(socket.emitWithAck("confirm", 7)).toEqualTypeOf<Promise<boolean>>();
// @ts-expect-error: "news" has no acknowledgement
void socket.emitWithAck("news", "x", 1);

// After timeout(), the ack gets an Error first; emitWithAck still resolves with the answer.
socket.timeout(1000).emit("confirm", 7, (error, accepted) => {
  expectTypeOf(error).toEqualTypeOf<Error>();
  expectTypeOf(accepted).toEqualTypeOf<boolean>();
});
expectTypeOf(socket.timeout(1000).emitWithAck("confirm", 7)).toEqualTypeOf<Promise<boolean>>();

// Broadcasts: an ack gets an Error and every client's answer.
io.emit("news", "to all", 2);
io.to("room").except("other").emit("news", "to a room", 3);
socket.to("room").emit("noArguments");
io.timeout(1000).emit("confirm", 7, (error, answers) => {
  expectTypeOf(error).toEqualTypeOf<Error>();
  expectTypeOf(answers).toEqualTypeOf<boolean[]>();
});
expectTypeOf(io.timeout(1000).emitWithAck("confirm", 7)).toEqualTypeOf<Promise<boolean[]>>();
expectTypeOf(io.to("room").timeout(5).emitWithAck("confirm", 1)).toEqualTypeOf<Promise<boolean[]>>();
// @ts-expect-error: wrong argument type in a broadcast
io.emit("news", 1, 2);

// Connection and socket data.
io.on("connection", (connected) => {
  expectTypeOf(connected).toEqualTypeOf<Socket<ClientToServer, ServerToClient, BetweenServers, SocketData>>();
  expectTypeOf(connected.data).toEqualTypeOf<SocketData>();
});
io.of("/admin").on("connection", (connected) => expectTypeOf(connected.data.user).toEqualTypeOf<string>());
expectTypeOf(io.fetchSockets()).toEqualTypeOf<Promise<RemoteSocket<ServerToClient, SocketData>[]>>();

// Middleware.
io.use((incoming, next) => {
  expectTypeOf(incoming.data).toEqualTypeOf<SocketData>();
  next(new Error("no"));
});

// Without maps, anything goes.
declare const untyped: Server;
untyped.on("connection", (connected) => {
  connected.emit("anything", 1, { two: 2 }, (answer: unknown) => answer);
  connected.on("whatever", (a: unknown, b: unknown) => [a, b]);
});
expectTypeOf(untyped.timeout(1).emitWithAck("x")).resolves.toBeAny();
declare const untypedSocket: Socket;
expectTypeOf(untypedSocket.emitWithAck("x", 1)).resolves.toBeAny();
