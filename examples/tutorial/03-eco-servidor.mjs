// Paso 3: un servidor de eco TCP. Atiende a un cliente, le devuelve cada mensaje que
// recibe y, cuando el cliente se va, se cierra. Si nadie llega en 60 s, también.
//
//   node examples/tutorial/03-eco-servidor.mjs [puerto]   (por defecto 4000, o la variable PORT)
//
// Después, en otra terminal: node examples/tutorial/03-eco-cliente.mjs
import { listen } from "enchufe/simple";

const puerto = process.argv[2] ?? process.env.PORT ?? 4000;
const host = process.env.HOST ?? "127.0.0.1";
const segundos = Number(process.env.ESPERA ?? 60);

const servidor = await listen(`tcp://${host}:${puerto}`);
console.log(`servidor de eco en ${servidor.url}`);

const reloj = setTimeout(() => {
  console.log(`nadie se conectó en ${segundos} s: cierro`);
  void servidor.close(); // accept() devuelve entonces undefined
}, segundos * 1000);

const conexion = await servidor.accept(); // espera al primer cliente
if (conexion !== undefined) {
  clearTimeout(reloj);
  console.log("cliente conectado");
  for await (const mensaje of conexion) {
    console.log(`recibo: ${mensaje}`);
    conexion.write(mensaje); // el eco
  }
  console.log("el cliente se fue: cierro");
  await servidor.close();
}
