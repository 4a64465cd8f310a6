// Throwaway certificates for the TLS tests, made at run time with openssl (no key
// is committed): a CA; a server certificate for 127.0.0.1 and localhost and a client
// certificate, both signed by it; and a self-signed "stranger" certificate, which
// also serves as a CA that signed none of the others.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface Certificates {
  /** The path of one of the files (`ca.crt`, `server.key`, …) in the directory. */
  file: (name: string) => string;
  ca: string;
  serverKey: string;
  serverCert: string;
  clientKey: string;
  clientCert: string;
  strangerKey: string;
  strangerCert: string;
}

const OPENSSL_CONFIG = `
[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[ca_ext]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[server_ext]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, DNS:localhost
authorityKeyIdentifier = keyid
[client_ext]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
authorityKeyIdentifier = keyid
`;

/** Writes the certificates to `dir` (ca.crt, server.key/.crt, client.key/.crt, stranger.key/.crt) and returns them. */
export function makeCertificates(dir: string): Certificates {
  const openssl = (...args: string[]): void => {
    execFileSync("/usr/bin/openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"], timeout: 10_000 });
  };
  writeFileSync(join(dir, "openssl.cnf"), OPENSSL_CONFIG);
  const key = (name: string): void => openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", name);
  for (const name of ["ca.key", "server.key", "client.key", "stranger.key"]) key(name);
  const common = ["-config", "openssl.cnf", "-days", "1"];
  openssl(
    "req",
    "-x509",
    "-new",
    "-key",
    "ca.key",
    "-subj",
    "/CN=enchufe test CA",
    "-extensions",
    "ca_ext",
    "-out",
    "ca.crt",
    ...common,
  );
  const signed = (name: string, subject: string, extensions: string): void => {
    openssl("req", "-new", "-key", `${name}.key`, "-subj", subject, "-config", "openssl.cnf", "-out", `${name}.csr`);
    openssl(
      "x509",
      "-req",
      "-in",
      `${name}.csr`,
      "-CA",
      "ca.crt",
      "-CAkey",
      "ca.key",
      "-set_serial",
      String(Date.now()),
      "-extfile",
      "openssl.cnf",
      "-extensions",
      extensions,
      "-days",
      "1",
      "-out",
      `${name}.crt`,
    );
  };
  signed("server", "/CN=localhost", "server_ext");
  signed("client", "/CN=enchufe test client", "client_ext");
  openssl(
    "req",
    "-x509",
    "-new",
    "-key",
    "stranger.key",
    "-subj",
    "/CN=stranger",
    "-extensions",
    "client_ext",
    "-out",
    "stranger.crt",
    ...common,
  );
  const read = (name: string): string => readFileSync(join(dir, name), "utf8");
  return {
    file: (name) => join(dir, name),
    ca: read("ca.crt"),
    serverKey: read("server.key"),
    serverCert: read("server.crt"),
    clientKey: read("client.key"),
    clientCert: read("client.crt"),
    strangerKey: read("stranger.key"),
    strangerCert: read("stranger.crt"),
  };
}
