// A chat for nc and telnet: each line a user types goes to every other user.
//
//   node examples/simple/line-chat-server.mjs [url]   (default tcp://127.0.0.1:4000, or HOST and PORT)
//   nc 127.0.0.1 4000                                 (in two or more terminals; or telnet 127.0.0.1 4000)
//
// `mode: "line"` is for peers that do not speak Engine.IO: each line they send is
// one message, and each message written to them goes out as one line.
import { listen } from "enchufe/simple";

const url = process.argv[2] ?? `tcp://${process.env.HOST ?? "127.0.0.1"}:${process.env.PORT ?? 4000}`;
const server = await listen(url, { mode: "line" });
console.log(server.url);

let count = 0;
for await (const conn of server) {
  const name = `user${++count}`;
  console.log(`${name} joined`);
  conn.write(`welcome, ${name}! ${server.io.sockets.sockets.size - 1} other(s) here`);
  // To everyone but this user, through the enchufe server under the simple one.
  const others = server.io.except(conn.socket.id);
  others.emit("message", `* ${name} joined`);
  void (async () => {
    for await (const line of conn) others.emit("message", `${name}: ${line}`);
    others.emit("message", `* ${name} left`);
    console.log(`${name} left`);
  })();
}
