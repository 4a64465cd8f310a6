// Type-level tests of the client's typed events: `tsc` checks them (npm run lint /
// npm test), nothing runs. Each @ts-expect-error line must stay an error.
import { expectTypeOf } from "expect-type";
import { io, type Socket } from "../../src/client/index.js";

interface ServerToClient {
  news: (headline: string, priority: number) => void;
  confirm: (id: number, callback: (accepted: boolean) => void) => void;
}

interface ClientToServer {
  hello: (name: string) => void;
  ask: (question: number, answer: (reply: string) => void) => void;
}

// io() infers the maps from the declared type, as socket.io-client's does.
const socket: Socket<ServerToClient, ClientToServer> = io("http://localhost:3000", { autoConnect: false });

socket.on("news", (headline, priority) => {
  expectTypeOf(headline).toEqualTypeOf<string>();
  expectTypeOf(priority).toEqualTypeOf<number>();
});
socket.on("confirm", (id, callback) => {
  expectTypeOf(id).toEqualTypeOf<number>();
  callback(true);
});
// @ts-expect-error: "news" gives a string first
socket.on("news", (headline: number) => headline);
socket.on("connect_error", (error) => expectTypeOf(error.data).toEqualTypeOf<unknown>());
socket.on("disconnect", (reason) => {
  // @ts-expect-error: a server-side reason, not a client one
  if (reason === "server namespace disconnect") return;
});

socket.emit("hello", "ana");
// @ts-expect-error: "hello" takes a string
socket.emit("hello", 1);
// @ts-expect-error: not an event the server declares
socket.emit("unknown");
socket.emit("ask", 1, (reply) => expectTypeOf(reply).toEqualTypeOf<string>());
socket.timeout(1000).emit("ask", 1, (error, reply) => {
  expectTypeOf(error).toEqualTypeOf<Error>();
  expectTypeOf(reply).toEqualTypeOf<string>();
});

async function ask(): Promise<void> {
  expectTypeOf(await socket.emitWithAck("ask", 2)).toEqualTypeOf<string>();
  // @ts-expect-error: "hello" has no acknowledgement
  await socket.emitWithAck("hello", "ana");
}
void ask;
