// Paso 7: difusión (broadcast) y salas (rooms). El servidor envía un evento a todos, a
// todos menos uno, o solo a los de una sala.
//
//   node examples/tutorial/07-difusion-salas.mjs [puerto]   (por defecto 3000, o la variable PORT)
import { once } from "node:events";
import { Server } from "enchufe";
import { io } from "enchufe/client";

const puerto = Number(process.argv[2] ?? process.env.PORT ?? 3000);
const servidor = new Server(puerto);
await once(servidor.httpServer, "listening");
const url = `http://localhost:${servidor.httpServer.address().port}`;
console.log(`servidor en ${url}`);

servidor.on("connection", (socket) => {
  const { nombre, sala } = socket.handshake.auth; // lo que el cliente mandó al conectarse
  socket.join(sala); // entra en su sala; puede estar en varias, y salir con socket.leave(sala)
  // A todos menos a quien lo envía.
  socket.on("chat", (texto) => socket.broadcast.emit("chat", `${nombre}: ${texto}`));
  // A los de su sala menos a quien lo envía.
  socket.on("chat de sala", (texto) => socket.to(sala).emit("chat", `${nombre} (en ${sala}): ${texto}`));
});

// Tres clientes: ana y beto van a la sala "matemáticas", carla a "historia".
const clientes = {};
for (const [nombre, sala] of [
  ["ana", "matemáticas"],
  ["beto", "matemáticas"],
  ["carla", "historia"],
]) {
  const socket = io(url, { auth: { nombre, sala } });
  await once(socket, "connect");
  clientes[nombre] = socket;
}

// Espera a que cada uno de los nombrados reciba un "chat" (solo ellos deberían recibirlo) y lo muestra.
async function recibirEn(...nombres) {
  const recibidos = await Promise.all(nombres.map((nombre) => once(clientes[nombre], "chat")));
  nombres.forEach((nombre, i) => console.log(`  ${nombre} recibe: ${recibidos[i][0]}`));
}
const { ana, beto } = clientes;

console.log("ana escribe a todos (socket.broadcast.emit):");
ana.emit("chat", "¡hola a todos!");
await recibirEn("beto", "carla");

console.log("beto escribe a su sala (socket.to(sala).emit):");
beto.emit("chat de sala", "¿hacemos juntos los ejercicios?");
await recibirEn("ana");

console.log("el servidor avisa a la sala historia (servidor.to(sala).emit):");
servidor.to("historia").emit("chat", "servidor: el examen de historia es el lunes");
await recibirEn("carla");

console.log("el servidor avisa a todos (servidor.emit):");
servidor.emit("chat", "servidor: la clase termina");
await recibirEn("ana", "beto", "carla");

for (const socket of Object.values(clientes)) socket.disconnect();
await servidor.close();
