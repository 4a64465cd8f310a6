// The bench contract (see contract.mjs) served by socket.io 4.8 from npm.
import { createServer } from "node:http";
import { Server } from "socket.io";
import { announce, serveMemoryRequests } from "./contract.mjs";

const httpServer = createServer();
const io = new Server(httpServer, { serveClient: false });

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
