// A UDP receiver: prints each datagram a sender sends, and answers it.
//
//   node examples/simple/udp-receiver.mjs [url]     (default udp://127.0.0.1:4000, or HOST and PORT)
//
// Prints the URL it listens on first (with the real port, for `:0`), then a line per
// sender and per datagram. Each message is one datagram: it arrives whole or not at
// all, and UDP keeps no order between datagrams.
import { listen } from "enchufe/simple";

const url = process.argv[2] ?? `udp://${process.env.HOST ?? "127.0.0.1"}:${process.env.PORT ?? 4000}`;
const server = await listen(url);
console.log(server.url);

for await (const conn of server) {
  console.log("sender joined");
  // One loop per sender, so that senders are served side by side.
  void (async () => {
    for await (const message of conn) {
      console.log(`received: ${message}`);
      conn.write(`got ${message}`);
    }
    console.log("sender left");
  })();
}
