// Paso 9: UDP. Sin conexión que cuide los datos: cada write() viaja en un datagrama
// suelto, que puede perderse, duplicarse o llegar desordenado. enchufe/simple usa la
// misma API que con tcp://: listen, connect, write, read.
//
//   node examples/tutorial/09-udp.mjs [puerto]   (por defecto 4000, o la variable PORT)
import { connect, listen } from "enchufe/simple";

const puerto = process.argv[2] ?? process.env.PORT ?? 4000;

// El servidor: responde a cada datagrama con otro.
const servidor = await listen(`udp://127.0.0.1:${puerto}`);
console.log(`servidor UDP en ${servidor.url}`);
void (async () => {
  for await (const conexion of servidor) {
    for await (const datagrama of conexion) conexion.write(`recibido: ${datagrama}`);
  }
})();

// El cliente: envía lecturas de un sensor y espera cada respuesta como mucho 1 s.
const cliente = await connect(servidor.url);
for (const lectura of ["temperatura 21.5", "temperatura 21.7", "temperatura 22.0"]) {
  cliente.write(lectura);
  try {
    console.log(`cliente: ${await cliente.read({ timeout: 1000 })}`);
  } catch (error) {
    if (error.code !== "ENCHUFE_ERR_READ_TIMEOUT") throw error;
    console.log(`cliente: "${lectura}" sin respuesta en 1 s; se perdió por el camino (UDP no reenvía)`);
  }
}

cliente.close();
await servidor.close();
console.log("fin");
