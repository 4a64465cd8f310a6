// Paso 4: servidor simplificado (un cliente a la vez) y servidor estándar (todos a la vez).
//
//   node examples/tutorial/04-simplificado-estandar.mjs [puerto]   (por defecto 4000, o la variable PORT)
import { connect, listen } from "enchufe/simple";

const puerto = process.argv[2] ?? process.env.PORT ?? 4000;
const dormir = (ms) => new Promise((despertar) => setTimeout(despertar, ms));

// Atiende a un cliente: le responde cada mensaje hasta que se va.
async function atender(conexion) {
  for await (const mensaje of conexion) conexion.write(`el servidor te ha oído: ${mensaje}`);
}

// Un cliente que se presenta y lee la respuesta.
async function saludar(nombre, url) {
  const conexion = await connect(url);
  conexion.write(`soy ${nombre}`);
  console.log(`${nombre}: ${await conexion.read()}`);
  return conexion;
}

// 1. Simplificado: maxClients: 1. Atiende a sus clientes uno detrás de otro.
const simplificado = await listen(`tcp://127.0.0.1:${puerto}`, { maxClients: 1 });
console.log(`servidor simplificado en ${simplificado.url}`);
void (async () => {
  for await (const conexion of simplificado) await atender(conexion); // el siguiente, cuando este acabe
})();

const ana = await saludar("ana", simplificado.url);
try {
  await saludar("beto", simplificado.url);
} catch (error) {
  console.log(`beto: no puedo entrar: ${error.message}`);
}
ana.close();
console.log("ana: me voy");
// beto lo vuelve a intentar cada 100 ms, hasta que el servidor queda libre.
for (;;) {
  try {
    const beto = await saludar("beto", simplificado.url);
    beto.close();
    break;
  } catch {
    await dormir(100);
  }
}
await simplificado.close();

// 2. Estándar: sin límite (maxClients: Infinity). Un bucle por cliente, todos a la vez.
const estandar = await listen(`tcp://127.0.0.1:${puerto}`);
console.log(`servidor estándar en ${estandar.url}`);
void (async () => {
  for await (const conexion of estandar) void atender(conexion); // no espera: sigue aceptando
})();

const todos = [];
for (const nombre of ["ana", "beto", "carla"]) todos.push(await saludar(nombre, estandar.url));
console.log(`conectados a la vez: ${estandar.io.sockets.sockets.size}`);
for (const conexion of todos) conexion.close();
await estandar.close();
