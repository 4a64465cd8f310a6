// Paso 8: confirmaciones (acknowledgements, "acks"). Quien emite un evento puede pedir
// una respuesta: el último argumento es una función que el otro lado llama.
//
//   node examples/tutorial/08-acks.mjs [puerto]   (por defecto 3000, o la variable PORT)
import { once } from "node:events";
import { Server } from "enchufe";
import { io } from "enchufe/client";

const puerto = Number(process.argv[2] ?? process.env.PORT ?? 3000);
const servidor = new Server(puerto);
await once(servidor.httpServer, "listening");
const url = `http://localhost:${servidor.httpServer.address().port}`;
console.log(`servidor en ${url}`);

servidor.on("connection", (socket) => {
  // El último argumento es la función de respuesta: lo que le pasemos vuelve al cliente.
  socket.on("sumar", (a, b, responder) => responder(a + b));

  // Este evento no responde nunca: el cliente se cansará de esperar.
  socket.on("ignorado", () => {});

  // También el servidor puede preguntar al cliente, y esperar su respuesta.
  socket.on("adiós", async (responder) => {
    const nombre = await socket.timeout(2000).emitWithAck("¿quién eres?");
    console.log(`servidor: antes de despedirme pregunto quién es: ${nombre}`);
    responder(`adiós, ${nombre}`);
  });
});

const socket = io(url);
socket.on("¿quién eres?", (responder) => responder("Ana")); // responde a la pregunta del servidor
await once(socket, "connect");

// 1. Con una función: se llama cuando llega la respuesta.
socket.emit("sumar", 2, 3, (resultado) => console.log(`cliente: 2 + 3 = ${resultado}`));

// 2. Con una promesa: emitWithAck espera la respuesta.
const resultado = await socket.emitWithAck("sumar", 40, 2);
console.log(`cliente: 40 + 2 = ${resultado}`);

// 3. Con un tiempo máximo: timeout(ms). Sin respuesta a tiempo, la promesa se rechaza.
try {
  await socket.timeout(500).emitWithAck("ignorado");
} catch (error) {
  console.log(`cliente: sin respuesta en 500 ms: ${error.message}`);
}

// 4. En los dos sentidos: el servidor pregunta antes de responder.
console.log(`cliente: ${await socket.emitWithAck("adiós")}`);

socket.disconnect();
await servidor.close();
