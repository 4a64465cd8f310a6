// Paso 10: TLS. Lo mismo que TCP, pero cifrado, y el cliente comprueba con un certificado
// que el servidor es quien dice ser. Este ejemplo crea con openssl una autoridad de
// certificación (CA) y un certificado de usar y tirar, en una carpeta temporal.
//
//   node examples/tutorial/10-tls.mjs [puerto]   (por defecto 4443, o la variable PORT)
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect, listen } from "enchufe/simple";

const puerto = process.argv[2] ?? process.env.PORT ?? 4443;

// La CA firma el certificado del servidor, válido un día para localhost y 127.0.0.1.
const carpeta = mkdtempSync(join(tmpdir(), "tutorial-tls-"));
const openssl = (orden) => execFileSync("openssl", orden.split(" "), { cwd: carpeta, stdio: "ignore" });
openssl("req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=ca-de-prueba -keyout ca.key -out ca.crt");
openssl("req -newkey rsa:2048 -nodes -subj /CN=localhost -keyout servidor.key -out servidor.csr");
writeFileSync(join(carpeta, "san.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
openssl(
  "x509 -req -in servidor.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 1 -extfile san.ext -out servidor.crt",
);
const leer = (nombre) => readFileSync(join(carpeta, nombre));

// El servidor: su clave privada y su certificado.
const servidor = await listen(`tls://127.0.0.1:${puerto}`, { key: leer("servidor.key"), cert: leer("servidor.crt") });
console.log(`servidor TLS en ${servidor.url}`);
void (async () => {
  for await (const conexion of servidor) for await (const mensaje of conexion) conexion.write(mensaje);
})();

// Un cliente que confía en la CA: conecta, y nadie en medio puede leer ni cambiar lo que viaja.
const cliente = await connect(servidor.url, { ca: leer("ca.crt") });
cliente.write("un secreto");
console.log(`cliente con la CA: eco cifrado: ${await cliente.read()}`);
cliente.close();

// Un cliente que no conoce la CA: no puede comprobar el certificado, y no se conecta.
try {
  await connect(servidor.url);
} catch (error) {
  console.log(`cliente sin la CA: ${error.message}`);
}

await servidor.close();
rmSync(carpeta, { recursive: true, force: true });
