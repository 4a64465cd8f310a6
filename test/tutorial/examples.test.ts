// The programs of the Spanish tutorial (examples/tutorial/), run as real processes
// through the package's own exports (that is, dist/) on free loopback ports. Each
// must end by itself and print what docs/es/tutorial.md shows; the echo pair and the
// line server, which wait for a peer, are driven here as a learner would drive them.
import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { connect as netConnect } from "node:net";
import { join } from "node:path";
import { afterEach, before, describe, it } from "node:test";
import { Lines } from "../simple/helpers.js";
import { assertBuilt, cleanup, EXAMPLES, finish, ROOT, run, start, tutorialBlocks, withoutPorts } from "./helpers.js";

before(assertBuilt);
afterEach(cleanup);

const OPENSSL = "/usr/bin/openssl";
const noOpenssl = existsSync(OPENSSL) || process.env.CI === "true" ? false : `no ${OPENSSL} (10-tls.mjs runs it)`;

const outputs = tutorialBlocks().filter((block) => block.kind === "output");

describe("every program prints what the tutorial shows", () => {
  for (const block of outputs) {
    const command = [block.path, ...block.args].join(" ");
    it(command, { skip: block.path.endsWith("10-tls.mjs") ? noOpenssl : false }, async () => {
      const name = block.path.slice(`${EXAMPLES}/`.length);
      const result = await run(name, block.args);
      assert.equal(result.stderr, "", `${command} wrote to stderr`);
      assert.equal(result.code, 0, `${command} did not end by itself with 0`);
      assert.equal(withoutPorts(result.stdout.join("\n") + "\n"), withoutPorts(block.body));
    });
  }

  it("every program of examples/tutorial/ is run by this file", () => {
    const byHand = ["03-eco-servidor.mjs", "03-eco-cliente.mjs", "05-nc.mjs"];
    const run = new Set([...outputs.map((block) => block.path.slice(`${EXAMPLES}/`.length)), ...byHand]);
    for (const name of readdirSync(join(ROOT, EXAMPLES))) {
      if (name.endsWith(".mjs")) assert.ok(run.has(name), `${name} is not run by test/tutorial/examples.test.ts`);
    }
  });
});

describe("01-socket.mjs", () => {
  it("listens on the port it is given, or a free one, and the client comes from another", async () => {
    const result = await run("01-socket.mjs");
    const server = /^servidor: escucho en tcp:\/\/127\.0\.0\.1:(\d+)$/.exec(result.stdout[0] ?? "");
    const client = /^servidor: llega un cliente desde 127\.0\.0\.1:(\d+)$/.exec(result.stdout[2] ?? "");
    assert.ok(server && client, JSON.stringify(result));
    assert.notEqual(server[1], "0");
    assert.notEqual(client[1], server[1]);
  });
});

describe("03-eco-servidor.mjs and 03-eco-cliente.mjs", () => {
  it("echo each message; the client exits by itself, the server once its client left", async () => {
    const server = start("03-eco-servidor.mjs");
    const url = /^servidor de eco en (tcp:\/\/127\.0\.0\.1:(\d+))$/.exec(await server.stdout.next());
    assert.ok(url);
    const client = await run("03-eco-cliente.mjs", [url[2]!, "uno", "dos tres", "¡ñandú!"]);
    assert.deepEqual(client, { code: 0, stdout: ["eco: uno", "eco: dos tres", "eco: ¡ñandú!"], stderr: "" });
    const served = await finish(server);
    assert.deepEqual(served, {
      code: 0,
      stdout: [
        `servidor de eco en ${url[1]}`,
        "cliente conectado",
        "recibo: uno",
        "recibo: dos tres",
        "recibo: ¡ñandú!",
        "el cliente se fue: cierro",
      ],
      stderr: "",
    });
  });

  it("the client sends its default messages, with the port from PORT", async () => {
    const server = start("03-eco-servidor.mjs");
    const port = /:(\d+)$/.exec(await server.stdout.next())![1]!;
    const client = await run("03-eco-cliente.mjs", [], { PORT: port });
    assert.deepEqual(client, { code: 0, stdout: ["eco: hola", "eco: ¿me oyes?"], stderr: "" });
    assert.equal((await finish(server)).code, 0);
  });

  it("the client exits with 1 and says why when no server is there", async () => {
    const server = start("03-eco-servidor.mjs");
    const port = /:(\d+)$/.exec(await server.stdout.next())![1]!;
    await run("03-eco-cliente.mjs", [port, "primero"]);
    assert.equal((await finish(server)).code, 0); // it served its one client and closed
    const client = await run("03-eco-cliente.mjs", [port]);
    assert.equal(client.code, 1);
    assert.deepEqual(client.stdout, []);
    assert.equal(client.stderr, `cliente: connect ECONNREFUSED 127.0.0.1:${port}\n`);
  });

  it("the server closes by itself when nobody comes (ESPERA)", async () => {
    const server = await run("03-eco-servidor.mjs", [], { ESPERA: "0.2" });
    assert.equal(server.code, 0);
    assert.match(server.stdout[0]!, /^servidor de eco en tcp:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(server.stdout[1], "nadie se conectó en 0.2 s: cierro");
  });
});

describe("05-nc.mjs (mode: line)", () => {
  it("talks with a plain TCP peer, as nc does, and closes after it", async () => {
    const server = start("05-nc.mjs");
    const url = /^servidor de líneas en tcp:\/\/127\.0\.0\.1:(\d+)$/.exec(await server.stdout.next());
    assert.ok(url);
    assert.equal(await server.stdout.next(), `conéctate desde otra terminal: nc 127.0.0.1 ${url[1]}`);

    const nc = netConnect(Number(url[1]), "127.0.0.1");
    const lines = new Lines(nc);
    try {
      assert.equal(await lines.next(), 'hola, soy el servidor. Escribe algo ("adiós" para salir)');
      nc.write("ho");
      nc.write("la\r\n"); // telnet ends its lines with \r\n
      assert.equal(await lines.next(), "HOLA");
      nc.write("¿qué tal?\nadiós\n");
      assert.equal(await lines.next(), "¿QUÉ TAL?");
      assert.equal(await lines.next(), "¡hasta luego!");
      const served = await finish(server);
      assert.equal(served.code, 0);
      assert.deepEqual(served.stdout.slice(2), [
        'servidor: recibo la línea "hola"',
        'servidor: recibo la línea "¿qué tal?"',
        'servidor: recibo la línea "adiós"',
        "servidor cerrado",
      ]);
    } finally {
      nc.destroy();
    }
  });

  it("closes when its peer leaves without a word", async () => {
    const server = start("05-nc.mjs");
    const port = /:(\d+)$/.exec(await server.stdout.next())![1]!;
    const nc = netConnect(Number(port), "127.0.0.1");
    const lines = new Lines(nc);
    await lines.next();
    nc.end();
    const served = await finish(server);
    assert.equal(served.code, 0);
    assert.equal(served.stdout.at(-1), "servidor cerrado");
  });

  it("closes by itself when nobody comes (ESPERA)", async () => {
    const server = await run("05-nc.mjs", [], { ESPERA: "0.2" });
    assert.equal(server.code, 0);
    assert.equal(server.stdout.at(-1), "servidor cerrado");
  });
});
