// `enchufe connect` against `enchufe listen`, both real processes, over every
// transport: what each prints (JSON records and human lines), the echo, acks with
// their latency, namespaces, binary, line mode, reconnection and shutdown.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, afterEach, before, describe, it } from "node:test";
import { io as ioClient } from "socket.io-client";
import { MAX_VALUE_DEPTH } from "../../src/cli/values.js";
import { makeCertificates, type Certificates } from "../helpers/certificates.js";
import {
  collectRecords,
  exitOf,
  killAll,
  nextLine,
  nextRecord,
  plainPeer,
  recordsOf,
  startCli,
  startListen,
  tempDir,
  type JsonRecord,
} from "./helpers.js";

afterEach(killAll);

const temp = tempDir("enchufe-cli-");
after(() => temp.remove());

/** The listener URLs, by transport, and the transport name each connection reports. */
const TRANSPORTS: { name: string; url: () => string; transport: string }[] = [
  { name: "http (polling, then WebSocket)", url: () => "http://127.0.0.1:0", transport: "polling" },
  { name: "ws", url: () => "ws://127.0.0.1:0", transport: "websocket" },
  { name: "tcp", url: () => "tcp://127.0.0.1:0", transport: "tcp" },
  { name: "ipc", url: () => `ipc://${join(temp.dir, "listen.sock")}`, transport: "ipc" },
  { name: "udp", url: () => "udp://127.0.0.1:0", transport: "udp" },
];

const without = (record: JsonRecord, ...keys: string[]): JsonRecord =>
  Object.fromEntries(Object.entries(record).filter(([key]) => !keys.includes(key))) as JsonRecord;

describe("connect --json against listen --json", () => {
  for (const { name, url, transport } of TRANSPORTS) {
    it(`over ${name}: events echoed, an ack with its latency, binary, then EOF ends both sides cleanly`, async () => {
      const server = await startListen(url());
      // The client URL is the listener's; for ws:// the client goes straight to WebSocket.
      const client = startCli(["connect", server.url, "--json"]);
      const connected = await nextRecord(client.stdout, "connect");
      assert.equal(connected.namespace, "/");
      assert.equal(connected.transport, transport);
      const connection = await nextRecord(server.stdout, "connection");
      assert.deepEqual(without(connection, "address"), {
        type: "connection",
        socket: connected.socket,
        namespace: "/",
        transport,
      });
      assert.match(String(connection.address), /^(127\.0\.0\.1|::ffff:127\.0\.0\.1|local)$/);

      client.send(`emit chat "hola"`);
      assert.deepEqual(await nextRecord(server.stdout, "event"), {
        type: "event",
        socket: connected.socket,
        namespace: "/",
        event: "chat",
        args: ["hola"],
        ack: false,
      });
      assert.deepEqual(await nextRecord(client.stdout, "event"), {
        type: "event",
        namespace: "/",
        event: "chat",
        args: ["hola"],
      });

      client.send(`call echo {"n": 1} [true, null] 2.5`);
      const ack = await nextRecord(client.stdout, "ack");
      assert.deepEqual(without(ack, "latencyMs"), {
        type: "ack",
        id: 1,
        namespace: "/",
        event: "echo",
        args: [{ n: 1 }, [true, null], 2.5],
      });
      assert.equal(typeof ack.latencyMs, "number");
      assert.ok((ack.latencyMs as number) >= 0 && (ack.latencyMs as number) < 5000, `latency ${String(ack.latencyMs)}`);

      client.send(`emit bytes {"$binary":"AAEC/w=="} {"nested":{"$binary":"aGk="}}`);
      const bytes = await nextRecord(client.stdout, "event", (record) => record.event === "bytes");
      assert.deepEqual(bytes.args, [{ $binary: "AAEC/w==" }, { nested: { $binary: "aGk=" } }]);

      client.end();
      assert.equal(await exitOf(client), 0);
      const gone = await nextRecord(server.stdout, "disconnect");
      assert.equal(gone.socket, connected.socket);
      assert.equal(gone.reason, "client namespace disconnect");
      assert.equal(client.stderr(), "");

      server.child.kill("SIGTERM");
      assert.equal(await exitOf(server), 0);
      assert.equal(server.stderr(), "");
    });
  }

  it("ns opens another namespace on the same connection; commands go there", async () => {
    const server = await startListen("tcp://127.0.0.1:0");
    const client = startCli(["connect", server.url, "--json"]);
    await nextRecord(client.stdout, "connect");
    client.send("ns /admin");
    assert.deepEqual(await nextRecord(client.stdout, "namespace"), {
      type: "namespace",
      namespace: "/admin",
      namespaces: ["/", "/admin"],
    });
    const joined = await nextRecord(client.stdout, "connect");
    assert.equal(joined.namespace, "/admin");
    const connection = await nextRecord(server.stdout, "connection", (record) => record.namespace === "/admin");
    assert.equal(connection.socket, joined.socket);
    client.send("send hola a todos");
    const event = await nextRecord(server.stdout, "event");
    assert.deepEqual([event.namespace, event.event, event.args], ["/admin", "message", ["hola a todos"]]);
    client.send("ns /");
    client.send("emit back 1");
    const back = await nextRecord(server.stdout, "event", (record) => record.event === "back");
    assert.equal(back.namespace, "/");
    client.send("quit");
    assert.equal(await exitOf(client), 0);
  });

  it("words and JSON commands, and errors that do not end the session", async () => {
    const server = await startListen("tcp://127.0.0.1:0");
    const client = startCli(["connect", server.url, "--json"]);
    await nextRecord(client.stdout, "connect");
    client.send("emit chat hola"); // a word that is not JSON is text
    client.send(`emit chat 'it is' "42" 42`);
    client.send(`{"command":"call","event":"sum","args":[1,2],"id":"q1"}`);
    client.send("frobnicate");
    client.send(`{"command":"emit"}`);
    client.send("emit connect"); // reserved by Socket.IO
    assert.deepEqual((await nextRecord(server.stdout, "event")).args, ["hola"]);
    assert.deepEqual((await nextRecord(server.stdout, "event")).args, ["it is", "42", 42]);
    const answers = await collectRecords(client.stdout, (record) => ["error", "ack"].includes(record.type), 4);
    const errors = answers.filter((record) => record.type === "error").map((record) => record.message);
    assert.equal(errors.length, 3);
    assert.match(String(errors[0]), /unknown command "frobnicate"/);
    assert.match(String(errors[1]), /"emit" needs "event"/);
    assert.match(String(errors[2]), /"connect" is a reserved event name/);
    const ack = answers.find((record) => record.type === "ack")!;
    assert.equal(ack.id, "q1");
    assert.deepEqual(ack.args, [1, 2]);
    client.send("help");
    const help = await nextRecord(client.stdout, "help");
    assert.ok((help.lines as string[]).some((line) => line.includes("call <event>")));
    client.end();
    assert.equal(await exitOf(client), 0);
  });

  it("--no-echo: events are printed, not echoed; acknowledgements still answered", async () => {
    const server = await startListen("tcp://127.0.0.1:0", ["--no-echo"]);
    const client = startCli(["connect", server.url, "--json"]);
    await nextRecord(client.stdout, "connect");
    client.send("emit chat 1");
    client.send("call echo 2");
    await nextRecord(server.stdout, "event", (record) => record.event === "echo");
    assert.deepEqual((await nextRecord(client.stdout, "ack")).args, [2]);
    client.end();
    assert.equal(await exitOf(client), 0);
    assert.deepEqual(
      recordsOf(client.stdout).filter((record) => record.type === "event"),
      [],
      "nothing echoed",
    );
  });

  it("stdin given all at once, before the connection opens: every command runs, every ack is shown", async () => {
    const server = await startListen("http://127.0.0.1:0");
    const client = startCli(["connect", server.url, "--json"]);
    for (let n = 1; n <= 5; n++) client.send(`call echo ${n}`);
    client.end();
    assert.equal(await exitOf(client), 0);
    const acks = recordsOf(client.stdout).filter((record) => record.type === "ack");
    assert.deepEqual(
      acks.map((ack) => [ack.id, ack.args]),
      [1, 2, 3, 4, 5].map((n) => [n, [n]]),
    );
  });
});

describe("human output", () => {
  it("connect and listen print readable lines: events, binary as <Buffer N bytes>, acks in ms", async () => {
    const server = startCli(["listen", "tcp://127.0.0.1:0"]);
    const listening = await nextLine(server.stdout, (line) => line.startsWith("listening on "));
    assert.match(listening, /^listening on tcp:\/\/127\.0\.0\.1:\d+ \(echo on\)$/);
    const url = /^listening on (\S+)/.exec(listening)![1]!;
    const client = startCli(["connect", url]);
    assert.match(await nextLine(client.stdout, (line) => line.startsWith("✓")), /^✓ connected \(id \S+, tcp\)$/);
    assert.match(await server.stdout.next(), /^\+ \S+ connected over tcp from \S+$/);
    client.send(`emit chat hola {"$binary":"AAEC"}`);
    assert.match(await server.stdout.next(), /^← \S+ chat "hola" <Buffer 3 bytes>$/);
    assert.equal(await nextLine(client.stdout, (line) => line.startsWith("←")), `← chat "hola" <Buffer 3 bytes>`);
    client.send("call ping");
    assert.match(await server.stdout.next(), /^← \S+ ping \(ack requested\)$/);
    assert.match(
      await nextLine(client.stdout, (line) => line.startsWith("↩")),
      /^↩ #1 ping \d+(\.\d+)? ms \(no arguments\)$/,
    );
    client.send("disconnect");
    assert.equal(
      await nextLine(client.stdout, (line) => line.startsWith("✗")),
      "✗ disconnected: io client disconnect (no reconnection)",
    );
    assert.match(
      await nextLine(server.stdout, (line) => line.startsWith("✗")),
      /^✗ \S+ disconnected: client namespace disconnect$/,
    );
    client.end();
    assert.equal(await exitOf(client), 0);
    assert.ok(
      [...client.stdout.all, ...server.stdout.all].every((line) => !line.includes("\x1b[")),
      "no colour when stdout is not a TTY",
    );
  });
});

describe("listen --mode line", () => {
  it("a plain TCP peer (as nc is) sends lines that are message events, and gets them echoed", async () => {
    const server = await startListen("tcp://127.0.0.1:0", ["--mode", "line"]);
    const listening = recordsOf(server.stdout)[0]!;
    assert.equal(listening.mode, "line");
    const peer = await plainPeer(server.url);
    const connection = await nextRecord(server.stdout, "connection");
    peer.socket.write("hola, soy nc\n");
    const event = await nextRecord(server.stdout, "event");
    assert.deepEqual([event.socket, event.event, event.args], [connection.socket, "message", ["hola, soy nc"]]);
    assert.equal(await peer.lines.next(), "hola, soy nc");
    peer.socket.end();
    await nextRecord(server.stdout, "disconnect");
  });
});

describe("a hostile peer", () => {
  it("an event nested 20,000 deep is reported, cut where values are, and nothing goes to stderr", async () => {
    const server = await startListen("ws://127.0.0.1:0");
    const peer = ioClient(server.url, { transports: ["websocket"], forceNew: true, reconnection: false });
    try {
      await new Promise<void>((resolve, reject) => peer.once("connect", resolve).once("connect_error", reject));
      // Written by hand: no client encodes such a payload (JSON.stringify itself overflows).
      peer.io.engine.write(`2["deep",${"[".repeat(20_000)}${"]".repeat(20_000)}]`);
      const event = await nextRecord(server.stdout, "event");
      assert.equal(event.event, "deep");
      let value = (event.args as unknown[])[0];
      for (let depth = 0; depth < MAX_VALUE_DEPTH; depth++) value = (value as unknown[])[0];
      assert.deepEqual(value, { $truncated: true });
      // Whether or not its echo can be encoded, the listener goes on.
      peer.emit("after", 1);
      assert.deepEqual((await nextRecord(server.stdout, "event")).args, [1]);
    } finally {
      peer.close();
    }
    server.child.kill("SIGTERM");
    assert.equal(await exitOf(server), 0);
    assert.equal(server.stderr(), "");
  });
});

describe("TLS", () => {
  let certificates: Certificates;
  before(() => {
    certificates = makeCertificates(temp.dir);
  });

  for (const scheme of ["tls", "wss"]) {
    it(`${scheme}:// with --tls-key/--tls-cert on listen and --ca on connect; --insecure without a CA`, async () => {
      const { file } = certificates;
      const server = await startListen(`${scheme}://127.0.0.1:0`, [
        "--tls-key",
        file("server.key"),
        "--tls-cert",
        file("server.crt"),
      ]);
      for (const trust of [["--ca", file("ca.crt")], ["--insecure"]]) {
        const client = startCli(["connect", server.url, "--json", ...trust]);
        await nextRecord(client.stdout, "connect");
        client.send("call secret 1");
        assert.deepEqual((await nextRecord(client.stdout, "ack")).args, [1]);
        client.end();
        assert.equal(await exitOf(client), 0);
      }
      const untrusted = startCli(["connect", server.url]);
      assert.equal(await exitOf(untrusted), 1);
      assert.match(untrusted.stderr(), /^enchufe: cannot connect to \S+: .*(certificate|self.signed|verify)/i);
    });
  }
});

describe("reconnection and shutdown", () => {
  it("connect shows the lost connection and its reconnection when listen comes back on the same port", async () => {
    const first = await startListen("tcp://127.0.0.1:0");
    const client = startCli(["connect", first.url, "--json"]);
    await nextRecord(client.stdout, "connect");
    first.child.kill("SIGKILL");
    const lost = await nextRecord(client.stdout, "disconnect");
    assert.deepEqual(lost, { type: "disconnect", namespace: "/", reason: "transport close", willReconnect: true });
    assert.equal((await nextRecord(client.stdout, "reconnect_attempt")).attempt, 1);
    const second = await startListen(first.url);
    await nextRecord(client.stdout, "reconnect", () => true, 10_000);
    await nextRecord(client.stdout, "connect");
    client.send("call again 1");
    assert.deepEqual((await nextRecord(client.stdout, "ack")).args, [1]);
    client.end();
    assert.equal(await exitOf(client), 0);
    second.child.kill("SIGTERM");
    assert.equal(await exitOf(second), 0);
  });

  it("--no-reconnect: a lost connection is reported once, and no attempt follows", async () => {
    const server = await startListen("tcp://127.0.0.1:0");
    // The call's timeout is the clock: a first attempt would come within 1.5 s of the loss
    // (reconnectionDelay 1000, randomization 0.5), before a call made after it times out.
    const client = startCli(["connect", server.url, "--json", "--no-reconnect", "--ack-timeout", "2000"]);
    await nextRecord(client.stdout, "connect");
    server.child.kill("SIGKILL");
    const lost = await nextRecord(client.stdout, "disconnect");
    assert.equal(lost.willReconnect, false);
    client.send("call nobody 1");
    await nextRecord(client.stdout, "ack_error");
    client.end();
    assert.equal(await exitOf(client), 0);
    assert.ok(recordsOf(client.stdout).every((record) => record.type !== "reconnect_attempt"));
  });

  it("SIGTERM and SIGINT end connect with 0; listen tells its clients", async () => {
    const server = await startListen("tcp://127.0.0.1:0");
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      const client = startCli(["connect", server.url, "--json"]);
      await nextRecord(client.stdout, "connect");
      client.child.kill(signal);
      assert.equal(await exitOf(client), 0, signal);
    }
    const client = startCli(["connect", server.url, "--json"]);
    await nextRecord(client.stdout, "connect");
    server.child.kill("SIGINT");
    assert.equal(await exitOf(server), 0);
    const closed = await nextRecord(client.stdout, "disconnect");
    assert.equal(closed.reason, "io server disconnect");
    assert.equal(closed.willReconnect, false);
    assert.ok(recordsOf(server.stdout).some((record) => record.type === "closing"));
  });

  it("a listener signalled as soon as it says it listens still exits 0", async () => {
    for (const url of ["tcp://127.0.0.1:0", "http://127.0.0.1:0", "udp://127.0.0.1:0"]) {
      const server = await startListen(url);
      server.child.kill("SIGTERM");
      assert.equal(await exitOf(server), 0, url);
    }
  });
});
