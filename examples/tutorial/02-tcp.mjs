// Paso 2: lo que promete TCP. Antes de hablar hay una conexión (y si nadie escucha,
// te enteras al momento); lo que envías llega entero, sin pérdidas y en orden.
//
//   node examples/tutorial/02-tcp.mjs [puerto]     (por defecto 4000, o la variable PORT)
import { connect, listen } from "enchufe/simple";

const puerto = process.argv[2] ?? process.env.PORT ?? 4000;
const servidor = await listen(`tcp://127.0.0.1:${puerto}`);
console.log(`servidor en ${servidor.url}`);
const cliente = await connect(servidor.url);
const conexion = await servidor.accept();

// 1. En orden y sin pérdidas: cinco mensajes seguidos, sin esperar nada entre uno y otro.
for (let i = 1; i <= 5; i++) cliente.write(`mensaje ${i}`);
for (let i = 1; i <= 5; i++) console.log(`el servidor recibe: ${await conexion.read()}`);

// 2. Entero: un mensaje grande viaja en muchos paquetes, pero se lee de una vez.
cliente.write("x".repeat(100_000));
const grande = await conexion.read();
console.log(`un mensaje de 100000 caracteres llega con ${grande.length}`);

// 3. Con conexión: cerramos el servidor y volvemos a llamar. Nadie contesta, y TCP lo dice.
cliente.close();
await servidor.close();
try {
  await connect(servidor.url);
} catch (error) {
  console.log(`sin servidor, connect() falla al momento: ${error.message}`);
}
