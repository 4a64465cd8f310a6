// A simplified server: one client at a time. It greets the client and echoes its
// messages until it leaves; meanwhile any other client is refused, and its
// connect() rejects with "server busy: it serves at most 1 client".
//
//   node examples/simple/simplified-server.mjs [url]   (default tcp://127.0.0.1:4000, or HOST and PORT)
//
// Try it with two echo clients at once: examples/simple/tcp-echo-client.mjs.
import { listen } from "enchufe/simple";

const url = process.argv[2] ?? `tcp://${process.env.HOST ?? "127.0.0.1"}:${process.env.PORT ?? 4000}`;
const server = await listen(url, { maxClients: 1 });
console.log(server.url);

// Serves each client to the end before taking the next one.
for await (const conn of server) {
  console.log("client connected");
  conn.write("welcome: you have the server to yourself");
  for await (const message of conn) conn.write(message);
  console.log("client left");
}
