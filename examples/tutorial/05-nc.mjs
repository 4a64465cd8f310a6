// Paso 5: hablar con un servidor desde nc (netcat), línea a línea. Con mode: "line",
// cada línea que llega es un mensaje, y cada mensaje que escribes sale como una línea.
//
//   node examples/tutorial/05-nc.mjs [puerto]          espera tu nc (hasta 2 minutos; ESPERA en segundos)
//   node examples/tutorial/05-nc.mjs [puerto] --demo   hace él mismo de nc, para verlo sin nc
//
// Luego, en otra terminal: nc 127.0.0.1 4000 (o telnet 127.0.0.1 4000). Escribe "adiós" para salir.
import { connect as conectarTcp } from "node:net";
import { listen } from "enchufe/simple";

const argumentos = process.argv.slice(2);
const demo = argumentos.includes("--demo");
const puerto = argumentos.find((argumento) => argumento !== "--demo") ?? process.env.PORT ?? 4000;
const segundos = Number(process.env.ESPERA ?? 120);

const servidor = await listen(`tcp://127.0.0.1:${puerto}`, { mode: "line" });
const { hostname, port } = new URL(servidor.url);
console.log(`servidor de líneas en ${servidor.url}`);
if (demo) void hacerDeNc(hostname, port);
else console.log(`conéctate desde otra terminal: nc ${hostname} ${port}`);

const reloj = setTimeout(() => void servidor.close(), segundos * 1000);
const conexion = await servidor.accept();
clearTimeout(reloj);
if (conexion !== undefined) {
  conexion.write('hola, soy el servidor. Escribe algo ("adiós" para salir)');
  for await (const linea of conexion) {
    console.log(`servidor: recibo la línea "${linea}"`);
    if (linea === "adiós") break;
    conexion.write(linea.toUpperCase());
  }
  conexion.write("¡hasta luego!");
}
await servidor.close();
console.log("servidor cerrado");

// Lo que haría nc: abre una conexión TCP normal, sin enchufe, y envía texto terminado en "\n".
// Escribe cada línea después de leer la respuesta anterior, como haría una persona.
async function hacerDeNc(host, puerto) {
  const socket = conectarTcp(Number(puerto), host);
  socket.setEncoding("utf8");
  const porEscribir = ["hola", "¿me oyes?", "adiós"];
  let resto = "";
  for await (const trozo of socket) {
    const lineas = (resto + trozo).split("\n");
    resto = lineas.pop();
    for (const linea of lineas) {
      console.log(`nc muestra:  ${linea}`);
      const siguiente = porEscribir.shift();
      if (siguiente === undefined) continue;
      console.log(`nc escribe:  ${siguiente}`);
      socket.write(`${siguiente}\n`);
    }
  }
}
