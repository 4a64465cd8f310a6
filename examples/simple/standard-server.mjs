// A standard server: any number of clients at once, and each message a client
// sends goes to every other client (a chat room in a few lines).
//
//   node examples/simple/standard-server.mjs [url]   (default tcp://127.0.0.1:4000, or HOST and PORT)
//
// Any URL works: ws://127.0.0.1:4000 serves browsers and Socket.IO clients too.
import { listen } from "enchufe/simple";

const url = process.argv[2] ?? `tcp://${process.env.HOST ?? "127.0.0.1"}:${process.env.PORT ?? 4000}`;
const server = await listen(url);
console.log(server.url);

const clients = new Set();
for await (const conn of server) {
  clients.add(conn);
  console.log(`client joined (${clients.size} connected)`);
  void (async () => {
    for await (const message of conn) {
      for (const other of clients) if (other !== conn) other.write(message);
      // Or, through the enchufe server under it: server.io.except(conn.socket.id).emit("message", message);
    }
    clients.delete(conn);
    console.log(`client left (${clients.size} connected)`);
  })();
}
