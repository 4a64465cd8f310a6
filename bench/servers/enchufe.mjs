// The bench contract (see contract.mjs) served by enchufe.
import { createServer } from "node:http";
import { Server } from "enchufe";
import { announce, serveMemoryRequests } from "./contract.mjs";

const httpServer = createServer();
const io = new Server(httpServer);

io.on("connection", (socket) => {
  socket.on("echo", (payload, ack) => ack(payload));
  socket.on("join", (room, ack) => {
    socket.join(room);
    ack();
  });
  socket.on("all", (payload, ack) => {
    io.emit("m", payload);
    ack();
  });
  socket.on("room", (room, payload, ack) => {
    io.to(room).emit("m", payload);
    ack();
  });
});

serveMemoryRequests();
httpServer.listen(0, "127.0.0.1", () => announce(httpServer));
