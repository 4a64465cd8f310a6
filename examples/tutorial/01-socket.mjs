// Paso 1: qué es un socket. Un servidor escucha en una dirección y un puerto conocidos;
// un cliente se conecta a ellos desde un puerto que le da el sistema (un puerto efímero).
// Cada extremo de la conexión es un socket: una dirección IP y un puerto.
//
//   node examples/tutorial/01-socket.mjs [puerto]     (por defecto 4000, o la variable PORT)
import { connect, listen } from "enchufe/simple";

const puerto = process.argv[2] ?? process.env.PORT ?? 4000;

// El servidor escucha en 127.0.0.1 (esta misma máquina) y en el puerto elegido.
const servidor = await listen(`tcp://127.0.0.1:${puerto}`);
console.log(`servidor: escucho en ${servidor.url}`);

// El cliente se conecta a esa dirección y ese puerto.
const cliente = await connect(servidor.url);
console.log(`cliente: conectado a ${servidor.url}`);

// El servidor acepta la conexión y ve de dónde viene: la dirección y el puerto del cliente.
const conexion = await servidor.accept();
const { remoteAddress, remotePort } = conexion.socket.request.socket;
console.log(`servidor: llega un cliente desde ${remoteAddress}:${remotePort}`);

cliente.write("hola, servidor");
console.log(`servidor: recibo "${await conexion.read()}"`);

cliente.close();
await servidor.close();
console.log("fin: cliente y servidor cerrados");
