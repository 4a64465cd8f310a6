// A TLS echo server: the TCP echo server, encrypted.
//
//   node examples/simple/tls-server.mjs [url] [key] [cert] [ca]
//
// url defaults to tls://127.0.0.1:4443 (or HOST and PORT); key, cert and ca are
// PEM files, also taken from TLS_KEY, TLS_CERT and TLS_CA (defaults: server.key and
// server.crt). With a ca, clients must show a certificate it signed (mutual TLS).
//
// A throwaway CA and a certificate for localhost and 127.0.0.1, with OpenSSL 3
// (tests and trials only: the keys are not encrypted):
//
//   openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=Throwaway CA" -keyout ca.key -out ca.crt
//   openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout server.key -out server.csr
//   printf "subjectAltName=DNS:localhost,IP:127.0.0.1\n" > san.ext
//   openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 1 -extfile san.ext -out server.crt
//
// Then: node examples/simple/tls-server.mjs, and node examples/simple/tls-client.mjs (it trusts ca.crt).
// For mutual TLS, make client.key and client.crt the same way (-subj "/CN=client", no
// -extfile), start the server with TLS_CA=ca.crt, and the client with TLS_KEY=client.key TLS_CERT=client.crt.
import { readFileSync } from "node:fs";
import { listen } from "enchufe/simple";

const [
  url = `tls://${process.env.HOST ?? "127.0.0.1"}:${process.env.PORT ?? 4443}`,
  key = process.env.TLS_KEY ?? "server.key",
  cert = process.env.TLS_CERT ?? "server.crt",
  ca = process.env.TLS_CA,
] = process.argv.slice(2);

const server = await listen(url, {
  key: readFileSync(key),
  cert: readFileSync(cert),
  ...(ca === undefined ? {} : { ca: readFileSync(ca), requestCert: true, rejectUnauthorized: true }),
});
console.log(server.url);

for await (const conn of server) {
  console.log("client connected");
  void (async () => {
    for await (const message of conn) conn.write(message);
    console.log("client left");
  })();
}
