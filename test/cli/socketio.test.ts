// `enchufe connect` against a Socket.IO 4.8.4 server from npm: the CLI is a client
// for any Socket.IO server. auth, query, namespaces, binary, acks both ways, slow
// and missing acknowledgements, and a namespace the server refuses.
import assert from "node:assert/strict";
import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, it } from "node:test";
import { Server } from "socket.io";
import { MAX_VALUE_DEPTH } from "../../src/cli/values.js";
import { exitOf, killAll, nextRecord, recordsOf, startCli } from "./helpers.js";

let httpServer: HttpServer;
let io: Server;
let url: string;

beforeEach(async () => {
  httpServer = createServer();
  io = new Server(httpServer);
  await new Promise<void>((done) => httpServer.listen(0, "127.0.0.1", done));
  url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
});

afterEach(async () => {
  await killAll();
  await io.close();
});

describe("connect against a socket.io 4.8.4 server", () => {
  for (const transport of [undefined, "websocket", "polling"] as const) {
    it(`${transport ?? "polling, then the upgrade"}: auth and query arrive, events both ways, acks both ways`, async () => {
      io.on("connection", (socket) => {
        socket.emit("welcome", socket.handshake.auth, socket.handshake.query.room, Buffer.from([1, 2, 3]));
        socket.on("echo", (value: unknown, ack: (...args: unknown[]) => void) => ack(value, "from socket.io"));
        socket.on("ask me", () => {
          socket.timeout(2000).emit("question", "ready?", (error: Error | null) => {
            socket.emit("answered", error === null);
          });
        });
      });
      const args = ["connect", url, "--json", "--auth", '{"token":"abc"}', "--query", "room=lobby"];
      const client = startCli(transport === undefined ? args : [...args, "--transport", transport]);
      const connected = await nextRecord(client.stdout, "connect");
      assert.equal(connected.transport, transport ?? "polling");
      const welcome = await nextRecord(client.stdout, "event");
      assert.deepEqual(welcome.args, [{ token: "abc" }, "lobby", { $binary: "AQID" }]);

      client.send(`call echo {"a":[1,2]}`);
      const ack = await nextRecord(client.stdout, "ack");
      assert.deepEqual(ack.args, [{ a: [1, 2] }, "from socket.io"]);
      assert.equal(typeof ack.latencyMs, "number");

      // The server asks the CLI for an acknowledgement: the CLI answers at once.
      client.send('emit "ask me"');
      const question = await nextRecord(client.stdout, "event", (record) => record.event === "question");
      assert.equal(question.ack, true);
      const answered = await nextRecord(client.stdout, "event", (record) => record.event === "answered");
      assert.deepEqual(answered.args, [true]);
      client.end();
      assert.equal(await exitOf(client), 0);
    });
  }

  it("stdin's end waits for a slow acknowledgement", async () => {
    io.on("connection", (socket) => {
      socket.on("slow", (ack: (answer: string) => void) => setTimeout(() => ack("done"), 300));
    });
    const client = startCli(["connect", url, "--json"]);
    client.send("call slow");
    client.end();
    assert.equal(await exitOf(client), 0);
    const ack = recordsOf(client.stdout).find((record) => record.type === "ack");
    assert.ok(ack !== undefined, `no ack in ${JSON.stringify(client.stdout.all)}`);
    assert.deepEqual(ack.args, ["done"]);
    assert.ok((ack.latencyMs as number) >= 250, `latency ${String(ack.latencyMs)}`);
  });

  it("an acknowledgement that never comes is an ack_error after --ack-timeout", async () => {
    io.on("connection", (socket) => socket.on("void", () => {}));
    const client = startCli(["connect", url, "--json", "--ack-timeout", "300"]);
    await nextRecord(client.stdout, "connect");
    client.send("call void");
    const failed = await nextRecord(client.stdout, "ack_error");
    assert.deepEqual(failed, {
      type: "ack_error",
      id: 1,
      namespace: "/",
      event: "void",
      code: "ENCHUFE_ERR_ACK_TIMEOUT",
      message: "operation has timed out",
    });
    client.end();
    assert.equal(await exitOf(client), 0);
  });

  it("--namespace joins another namespace; one the middleware refuses ends with exit 1 and its message", async () => {
    io.of("/admin").use((socket, next) => {
      if (socket.handshake.auth.token === "secret") return next();
      const error = new Error("not authorized") as Error & { data?: unknown };
      error.data = { reason: "bad token" };
      next(error);
    });
    io.of("/admin").on("connection", (socket) => socket.emit("hello admin"));
    const allowed = startCli(["connect", url, "--json", "--namespace", "/admin", "--auth", '{"token":"secret"}']);
    assert.equal((await nextRecord(allowed.stdout, "connect")).namespace, "/admin");
    assert.equal((await nextRecord(allowed.stdout, "event")).event, "hello admin");
    allowed.end();
    assert.equal(await exitOf(allowed), 0);

    const refused = startCli(["connect", `${url}/admin`, "--json"]);
    assert.equal(await exitOf(refused), 1);
    assert.equal(refused.stderr(), `enchufe: cannot connect to ${url}/admin: not authorized\n`);
    const error = recordsOf(refused.stdout).find((record) => record.type === "connect_error");
    assert.deepEqual(error, {
      type: "connect_error",
      namespace: "/admin",
      message: "not authorized",
      data: { reason: "bad token" },
    });
  });

  it("a hostile server: an event nested 20,000 deep is reported cut; its refusal is escaped on stderr", async () => {
    io.on("connection", (socket) => {
      // Written by hand: socket.io's own encoder would overflow on it.
      socket.conn.write(`2["deep",${"[".repeat(20_000)}${"]".repeat(20_000)}]`);
      socket.emit("after", 1);
    });
    const client = startCli(["connect", url, "--json"]);
    const deep = await nextRecord(client.stdout, "event");
    assert.equal(deep.event, "deep");
    let value = (deep.args as unknown[])[0];
    for (let depth = 0; depth < MAX_VALUE_DEPTH; depth++) value = (value as unknown[])[0];
    assert.deepEqual(value, { $truncated: true });
    assert.deepEqual((await nextRecord(client.stdout, "event")).args, [1]);
    client.end();
    assert.equal(await exitOf(client), 0);
    assert.equal(client.stderr(), "");

    io.of("/evil").use((_socket, next) => next(new Error("no\u001b[2J\u202e")));
    const refused = startCli(["connect", `${url}/evil`]);
    assert.equal(await exitOf(refused), 1);
    assert.equal(refused.stderr(), `enchufe: cannot connect to ${url}/evil: no\\u001b[2J\\u202e\n`);
  });

  it("a server that disconnects the socket: reported, and no reconnection", async () => {
    io.on("connection", (socket) => socket.on("kick me", () => socket.disconnect()));
    const client = startCli(["connect", url, "--json"]);
    await nextRecord(client.stdout, "connect");
    client.send('emit "kick me"');
    assert.deepEqual(await nextRecord(client.stdout, "disconnect"), {
      type: "disconnect",
      namespace: "/",
      reason: "io server disconnect",
      willReconnect: false,
    });
    client.send("connect");
    await nextRecord(client.stdout, "connect");
    client.send("quit");
    assert.equal(await exitOf(client), 0);
  });
});
