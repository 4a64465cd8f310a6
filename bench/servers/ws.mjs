// The bench contract (see contract.mjs) served by raw `ws` doing the least work
// that still speaks Engine.IO v4 / Socket.IO v5 to the load generator: the open
// packet, the CONNECT answer, a shared ping, JSON in and out, and one ws.send()
// per recipient. The stand-in for the limit of Node + WebSocket used naively.
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import { WebSocketServer } from "ws";
import { announce, serveMemoryRequests } from "./contract.mjs";

const httpServer = createServer();
const wss = new WebSocketServer({
  server: httpServer,
  path: "/socket.io/",
  clientTracking: false,
  perMessageDeflate: false,
});
const clients = new Set();
const rooms = new Map();
const id = () => randomBytes(15).toString("base64url");
const OPEN = `","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}`;

function sendAll(targets, payload) {
  const frame = `42["m",${JSON.stringify(payload)}]`;
  for (const ws of targets) ws.send(frame);
}

wss.on("connection", (ws) => {
  ws.on("error", () => ws.terminate());
  ws.send(`0{"sid":"${id()}${OPEN}`);
  ws.on("message", (data) => {
    const text = data.toString();
    if (text === "40") {
      clients.add(ws);
      ws.send(`40{"sid":"${id()}"}`);
      return;
    }
    if (!text.startsWith("42")) return; // pongs and the rest
    const bracket = text.indexOf("[");
    const ackId = text.slice(2, bracket);
    const [event, ...args] = JSON.parse(text.slice(bracket));
    if (event === "echo") {
      ws.send(`43${ackId}${JSON.stringify([args[0]])}`);
      return;
    }
    if (event === "join") {
      let members = rooms.get(args[0]);
      if (members === undefined) rooms.set(args[0], (members = new Set()));
      members.add(ws);
    } else if (event === "all") {
      sendAll(clients, args[0]);
    } else if (event === "room") {
      sendAll(rooms.get(args[0]) ?? [], args[1]);
    }
    ws.send(`43${ackId}[]`);
  });
  ws.on("close", () => {
    clients.delete(ws);
    for (const members of rooms.values()) members.delete(ws);
  });
});

setInterval(() => {
  for (const ws of clients) ws.send("2");
}, 25_000).unref();

serveMemoryRequests();
httpServer.listen(0, "127.0.0.1", () => announce(httpServer));
