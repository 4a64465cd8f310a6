// Paso 3: el cliente de eco. Se conecta, envía cada mensaje, espera su eco y termina.
//
//   node examples/tutorial/03-eco-cliente.mjs [puerto] [mensaje...]   (por defecto 4000, o PORT y HOST)
import { connect } from "enchufe/simple";

const [puerto = process.env.PORT ?? 4000, ...mensajes] = process.argv.slice(2);
const host = process.env.HOST ?? "127.0.0.1";

try {
  const conexion = await connect(`tcp://${host}:${puerto}`, { timeout: 5000 });
  for (const mensaje of mensajes.length > 0 ? mensajes : ["hola", "¿me oyes?"]) {
    conexion.write(mensaje);
    const eco = await conexion.read({ timeout: 5000 }); // como mucho 5 s de espera
    if (eco === undefined) throw new Error("el servidor cerró la conexión");
    console.log(`eco: ${eco}`);
  }
  conexion.close();
} catch (error) {
  console.error(`cliente: ${error.message}`);
  process.exitCode = 1;
}
