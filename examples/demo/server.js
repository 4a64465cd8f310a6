// The demo `npm start` serves: an echo event with an acknowledgement and a chat
// event broadcast to everyone, on http://localhost:$PORT (3000 by default).
// The page loads socket.io-client's browser build: enchufe speaks its protocol.
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { Server } from "enchufe";

const port = Number(process.env.PORT ?? 3000);
const require = createRequire(import.meta.url);
const page = await readFile(new URL("index.html", import.meta.url));
const clientBundle = await readFile(require.resolve("socket.io-client/dist/socket.io.js"));

const httpServer = createServer((request, response) => {
  if (request.url === "/") {
    response.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(page);
  } else if (request.url === "/socket.io-client.js") {
    response.writeHead(200, { "Content-Type": "text/javascript" }).end(clientBundle);
  } else {
    response.writeHead(404).end("not found");
  }
});

const io = new Server(httpServer);

io.on("connection", (socket) => {
  socket.on("echo", (message, ack) => {
    if (typeof ack === "function") ack(message);
  });
  socket.on("chat", (text) => {
    if (typeof text !== "string" || text.length === 0 || text.length > 500) return;
    io.emit("chat", { from: socket.id.slice(0, 6), text, at: Date.now() });
  });
  io.emit("online", io.engine.clientsCount);
  socket.on("disconnect", () => io.emit("online", io.engine.clientsCount));
});

httpServer.listen(port, () => {
  console.log(`enchufe demo on http://localhost:${port}  (Ctrl+C to stop)`);
});

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => {
    console.log("closing…");
    void io.close().then(() => process.exit(0));
  });
}
