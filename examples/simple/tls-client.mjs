// A TLS echo client: checks the server's certificate against a CA, sends each
// message, prints each reply, then closes and exits.
//
//   node examples/simple/tls-client.mjs [url] [ca] [message...]
//
// url defaults to tls://127.0.0.1:4443 (or HOST and PORT); ca, the CA's PEM file,
// to TLS_CA or ca.crt. For a server that asks for a client certificate, set TLS_KEY
// and TLS_CERT. See tls-server.mjs for making a throwaway CA with OpenSSL.
import { readFileSync } from "node:fs";
import { connect } from "enchufe/simple";

const [
  url = `tls://${process.env.HOST ?? "127.0.0.1"}:${process.env.PORT ?? 4443}`,
  ca = process.env.TLS_CA ?? "ca.crt",
  ...messages
] = process.argv.slice(2);
const { TLS_KEY, TLS_CERT } = process.env;

try {
  const conn = await connect(url, {
    ca: readFileSync(ca),
    ...(TLS_KEY && TLS_CERT ? { key: readFileSync(TLS_KEY), cert: readFileSync(TLS_CERT) } : {}),
    timeout: 5000,
  });
  for (const message of messages.length > 0 ? messages : ["hello over TLS"]) {
    conn.write(message);
    const reply = await conn.read({ timeout: 5000 });
    if (reply === undefined) throw new Error("the server closed the connection");
    console.log(reply);
  }
  conn.close();
} catch (error) {
  console.error(`tls client: ${error.message}`);
  process.exitCode = 1;
}
