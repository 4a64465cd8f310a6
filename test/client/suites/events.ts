// Events both ways: acknowledgements in both directions, emitWithAck, timeouts
// (per emit and the ackTimeout default), binary payloads nested in objects and
// arrays, catch-all listeners, volatile emits and send().
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  callbackArgs,
  client as newClient,
  delay,
  maxMessageBytes,
  once,
  pair,
  record,
  startPeer,
  until,
  type Setup,
} from "../../helpers/client-peers.js";

/** What a packet too large for its transport (a UDP datagram) throws. */
const TOO_LARGE = { code: "ENCHUFE_ERR_MESSAGE_TOO_LARGE" } as const;

/** The bytes of a Buffer or Uint8Array, as a plain array (throws for anything else). */
function bytes(value: unknown): number[] {
  assert.ok(value instanceof Uint8Array, `expected bytes, got ${typeof value}`);
  return [...value];
}

export function eventsSuite(setup: Setup): void {
  describe("events and acknowledgements", () => {
    it("delivers server emits with every JSON type of argument", async () => {
      const { client, socket } = await pair(setup);
      const received = once(client, "data", 3000);
      socket.emit("data", "text", 42, true, null, { nested: { list: [1, "two"] } }, ["a"]);
      assert.deepEqual(await received, ["text", 42, true, null, { nested: { list: [1, "two"] } }, ["a"]]);
    });

    it("receives what the server emits in its connection handler", async () => {
      const peer = await startPeer(setup);
      peer.server.on("connection", (socket) => {
        socket.emit("welcome", socket.id);
        socket.emit("second");
      });
      const client = newClient(setup, peer.url);
      const order: string[] = [];
      client.on("connect", () => order.push("connect"));
      client.on("welcome", (id: string) => order.push(`welcome ${id === client.id}`));
      client.on("second", () => order.push("second"));
      await until(() => order.length === 3, 3000);
      assert.deepEqual(order, ["connect", "welcome true", "second"]);
    });

    it("client → server: the callback gets the server's acknowledgement", async () => {
      const { client, socket } = await pair(setup);
      socket.on("double", (n: number, ack: (...values: unknown[]) => void) => ack(n * 2, "ok"));
      const answer = await callbackArgs((done) => client.emit("double", 21, done));
      assert.deepEqual(answer, [42, "ok"]);
    });

    it("server → client: the client answers through the callback it is given", async () => {
      const { client, socket } = await pair(setup);
      client.on("q", (n: number, answer: (value: number, text: string) => void) => answer(n + 1, "from client"));
      const answer = await callbackArgs((done) => socket.emit("q", 1, done));
      assert.deepEqual(answer, [2, "from client"]);
    });

    it("server → client with a timeout: the answer arrives as (null, value)", async () => {
      const { client, socket } = await pair(setup);
      client.on("q", (n: number, answer: (value: number) => void) => answer(n * 10));
      const answer = await callbackArgs((done) => socket.timeout(2000).emit("q", 3, done));
      assert.deepEqual(answer, [null, 30]);
    });

    it("emitWithAck resolves with the acknowledgement", async () => {
      const { client, socket } = await pair(setup);
      socket.on("sum", (a: number, b: number, ack: (value: number) => void) => ack(a + b));
      assert.equal(await client.emitWithAck("sum", 2, 3), 5);
      assert.equal(await client.timeout(2000).emitWithAck("sum", 4, 5), 9);
    });

    it("delivers many large emits made at once (polling: split to the server's maxPayload, in UTF-8 bytes)", async () => {
      const { client, socket } = await pair(setup);
      const disconnects = record(client, "disconnect");
      const got: number[] = [];
      // 300 kB in UTF-8: 4 of these pass the default 1 MB maxHttpBufferSize. A UDP datagram cannot
      // carry one (the emit throws, and the connection goes on): there, 8 emits that nearly fill one each.
      const length = Math.min(150_000, Math.floor((maxMessageBytes(setup) - 100) / 2));
      socket.on("big", (n: number, text: string) => {
        assert.equal(text.length, length);
        got.push(n);
      });
      if (length < 150_000) assert.throws(() => client.emit("big", -1, "ñ".repeat(150_000)), TOO_LARGE);
      const text = "ñ".repeat(length);
      for (let n = 0; n < 8; n++) client.emit("big", n, text);
      await until(() => got.length === 8 || disconnects.length > 0, 5000);
      assert.deepEqual(disconnects, []);
      assert.deepEqual(got, [0, 1, 2, 3, 4, 5, 6, 7]);
    });

    it("timeout(ms).emit: the callback gets an Error when the server never answers", async () => {
      const { client, socket } = await pair(setup);
      const heard = once(socket, "silent", 3000);
      const started = Date.now();
      const [error] = await callbackArgs((done) => client.timeout(150).emit("silent", 1, done));
      const elapsed = Date.now() - started;
      assert.ok(error instanceof Error);
      assert.ok(elapsed >= 140, `timed out after ${elapsed} ms, before 150 ms`);
      assert.ok(elapsed < 1000, `timed out after ${elapsed} ms`);
      assert.equal((await heard)[0], 1, "the server got the event and did not answer");
      await assert.rejects(client.timeout(100).emitWithAck("silent"), (e: unknown) => e instanceof Error);
    });

    it("ackTimeout is the default timeout of every emit with an acknowledgement", async () => {
      const { client, socket } = await pair(setup, { ackTimeout: 150 });
      socket.on("silent", () => undefined);
      socket.on("echo", (value: unknown, ack: (value: unknown) => void) => ack(value));
      const [error] = await callbackArgs((done) => client.emit("silent", done));
      assert.ok(error instanceof Error);
      const answer = await callbackArgs((done) => client.emit("echo", "x", done));
      assert.deepEqual(answer, [null, "x"], "with a timeout the callback gets (error, ...values)");
      await assert.rejects(client.emitWithAck("silent"), (e: unknown) => e instanceof Error);
    });
  });

  describe("binary", () => {
    it("client → server and back: bytes nested in objects and arrays, with acknowledgements", async () => {
      const { client, socket } = await pair(setup);
      let received: unknown[] = [];
      socket.on("upload", (...args: unknown[]) => {
        const ack = args.pop() as (value: unknown) => void;
        received = args;
        ack({ back: [Buffer.from([9, 8]), { deep: Buffer.from("hola") }], n: 1 });
      });
      const answer = (await client.timeout(2000).emitWithAck("upload", {
        file: Buffer.from([1, 2, 3]),
        list: [new Uint8Array([4, 5]), "text", { deep: Buffer.from([255, 0]) }],
      })) as { back: [unknown, { deep: unknown }]; n: number };
      const [payload] = received as [{ file: unknown; list: [unknown, string, { deep: unknown }] }];
      assert.deepEqual(bytes(payload.file), [1, 2, 3]);
      assert.deepEqual(bytes(payload.list[0]), [4, 5]);
      assert.equal(payload.list[1], "text");
      assert.deepEqual(bytes(payload.list[2].deep), [255, 0]);
      assert.deepEqual(bytes(answer.back[0]), [9, 8]);
      assert.deepEqual(bytes(answer.back[1].deep), [...Buffer.from("hola")]);
      assert.equal(answer.n, 1);
    });

    it("server → client and back: bytes in events and in the client's acknowledgement", async () => {
      const { client, socket } = await pair(setup);
      client.on("download", (data: { parts: unknown[] }, answer: (value: unknown) => void) => {
        answer({ lengths: data.parts.map((part) => bytes(part).length), echo: data.parts[1] });
      });
      const bare = once(client, "bare", 3000);
      socket.emit("bare", Buffer.from([7, 7, 7]), [Buffer.alloc(0)]);
      const [first, [empty]] = (await bare) as [unknown, [unknown]];
      assert.deepEqual(bytes(first), [7, 7, 7]);
      assert.deepEqual(bytes(empty), []);
      // 100 kB; over UDP as much as fits in the datagram of the event (and of the answer that echoes it).
      const large = Buffer.alloc(Math.min(100_000, maxMessageBytes(setup) - 200), 0xab);
      if (large.length < 100_000) {
        assert.throws(() => socket.emit("download", { parts: [Buffer.alloc(100_000)] }, () => undefined), TOO_LARGE);
      }
      const [answer] = (await callbackArgs((done) =>
        socket.emit("download", { parts: [Buffer.from([1]), large] }, done),
      )) as [{ lengths: number[]; echo: unknown }];
      assert.deepEqual(answer.lengths, [1, large.length]);
      assert.ok(Buffer.from(bytes(answer.echo)).equals(large));
    });
  });

  describe("catch-all listeners, volatile, send", () => {
    it("onAny, prependAny and offAny see incoming events in order", async () => {
      const { client, socket } = await pair(setup);
      const seen: unknown[][] = [];
      const any = (event: string, ...args: unknown[]): void => void seen.push(["any", event, ...args]);
      client.onAny(any);
      client.prependAny((event: string) => void seen.push(["first", event]));
      assert.equal(client.listenersAny().length, 2);
      const a = once(client, "a", 3000);
      socket.emit("a", 1, "x");
      await a;
      assert.deepEqual(seen, [
        ["first", "a"],
        ["any", "a", 1, "x"],
      ]);
      client.offAny(any);
      const b = once(client, "b", 3000);
      socket.emit("b");
      await b;
      assert.deepEqual(seen.slice(2), [["first", "b"]]);
      client.offAny();
      assert.equal(client.listenersAny().length, 0);
      const c = once(client, "c", 3000);
      socket.emit("c");
      await c;
      assert.equal(seen.length, 3);
    });

    it("onAnyOutgoing sees outgoing events without their callback", async () => {
      const { client, socket } = await pair(setup);
      const out: unknown[][] = [];
      client.onAnyOutgoing((event: string, ...args: unknown[]) => void out.push([event, ...args]));
      socket.on("withAck", (ack: (value: string) => void) => ack("done"));
      const plain = once(socket, "plain", 3000);
      client.emit("plain", 1, { two: 2 });
      await plain;
      assert.equal(await client.timeout(2000).emitWithAck("withAck"), "done");
      assert.deepEqual(out, [["plain", 1, { two: 2 }], ["withAck"]]);
      client.offAnyOutgoing();
      client.emit("plain", 3);
      assert.equal(out.length, 2);
    });

    it("drops volatile emits while disconnected, and buffers the others", async () => {
      const peer = await startPeer(setup);
      const got: unknown[][] = [];
      peer.server.on("connection", (socket) => {
        socket.on("v", (...args: unknown[]) => got.push(["v", ...args]));
        socket.on("kept", (...args: unknown[]) => got.push(["kept", ...args]));
      });
      const client = newClient(setup, peer.url, { autoConnect: false });
      client.volatile.emit("v", 1);
      client.emit("kept", 2);
      assert.equal(client.sendBuffer.length, 1, "the volatile emit is not buffered");
      client.connect();
      await once(client, "connect", 3000);
      await until(() => got.length >= 1, 3000);
      // Connected and writable: a volatile emit goes out.
      await until(() => client.io.engine?.transport.writable === true, 3000);
      client.volatile.emit("v", 3);
      await until(() => got.length >= 2, 3000);
      await delay(20);
      assert.deepEqual(got, [
        ["kept", 2],
        ["v", 3],
      ]);
    });

    it("send() and the server's send() travel as 'message' events", async () => {
      const { client, socket } = await pair(setup);
      const atServer = once(socket, "message", 3000);
      client.send("hi", 1);
      assert.deepEqual(await atServer, ["hi", 1]);
      const atClient = once(client, "message", 3000);
      (socket as unknown as { send(...args: unknown[]): void }).send("yo");
      assert.deepEqual(await atClient, ["yo"]);
    });
  });
}
