// Paso 6: eventos. Cada mensaje lleva un nombre (el evento) y los datos que quieras:
// textos, números, objetos, bytes. Un Server de enchufe y un cliente de enchufe/client,
// los mismos que usarías con Socket.IO.
//
//   node examples/tutorial/06-eventos.mjs [puerto]   (por defecto 3000, o la variable PORT)
import { once } from "node:events";
import { Server } from "enchufe";
import { io } from "enchufe/client";

const puerto = Number(process.argv[2] ?? process.env.PORT ?? 3000);

// El servidor: HTTP en el puerto elegido. Los navegadores también pueden conectarse a él.
const servidor = new Server(puerto);
await once(servidor.httpServer, "listening");
const url = `http://localhost:${servidor.httpServer.address().port}`;
console.log(`servidor en ${url}`);

servidor.on("connection", (socket) => {
  console.log("servidor: un cliente se conecta");
  socket.emit("bienvenida", "hola, ¿cómo te llamas?");

  socket.on("me llamo", (nombre) => {
    console.log(`servidor: se llama ${nombre}`);
    socket.emit("saludo", `encantado, ${nombre}`);
  });

  socket.on("posición", (x, y, extra) => {
    console.log(`servidor: posición (${x}, ${y}), extra: ${JSON.stringify(extra)}`);
  });

  socket.on("disconnect", (motivo) => {
    console.log(`servidor: el cliente se fue (${motivo}); cierro`);
    void servidor.close();
  });
});

// El cliente: escucha eventos con socket.on y los envía con socket.emit.
const socket = io(url);
socket.on("connect", () => console.log("cliente: conectado"));

const [pregunta] = await once(socket, "bienvenida");
console.log(`cliente: el servidor dice "${pregunta}"`);
socket.emit("me llamo", "Ana");

const [saludo] = await once(socket, "saludo");
console.log(`cliente: el servidor dice "${saludo}"`);
socket.emit("posición", 3, 4, { mapa: "bosque", vidas: [true, true, false] }); // varios datos a la vez

socket.disconnect(); // el servidor recibe "disconnect" y se cierra
