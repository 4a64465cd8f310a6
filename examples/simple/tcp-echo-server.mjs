// A TCP echo server: every message a client sends comes back to it.
//
//   node examples/simple/tcp-echo-server.mjs [url]     (default tcp://127.0.0.1:4000, or HOST and PORT)
//
// Prints the URL it listens on first (with the real port, for `:0`), then a line per client.
import { listen } from "enchufe/simple";

const url = process.argv[2] ?? `tcp://${process.env.HOST ?? "127.0.0.1"}:${process.env.PORT ?? 4000}`;
const server = await listen(url);
console.log(server.url);

for await (const conn of server) {
  console.log("client connected");
  // One loop per client, so that clients are served side by side.
  void (async () => {
    for await (const message of conn) conn.write(message);
    console.log("client left");
  })();
}
