// socket.io-client 4.8 (npm) ↔ enchufe server: events both ways, acknowledgements
// both ways, timeouts, binary payloads, catch-all listeners and per-socket middleware.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { EnchufeError, ErrorCode, TimeoutError, type Socket } from "../../../src/index.js";
import { connected, delay, once, startServer, type ClientSocket } from "../../helpers/peers.js";

/** A server and one connected socket.io-client, with the server-side socket. */
async function pair(): Promise<{ socket: Socket; client: ClientSocket }> {
  const { io, url } = await startServer();
  const serverSide = once<[Socket]>(io, "connection");
  const client = await connected(url);
  const [socket] = await serverSide;
  return { socket, client };
}

/** Runs these tests over the transports the runner file chose (useClientTransports). */
export function eventsSuite(): void {
  describe("events", () => {
    it("delivers server emits with every JSON type of argument", async () => {
      const { socket, client } = await pair();
      const received = once(client, "data");
      socket.emit("data", "text", 42, true, null, { nested: { list: [1, "two"] } }, ["a"]);
      assert.deepEqual(await received, ["text", 42, true, null, { nested: { list: [1, "two"] } }, ["a"]]);
    });

    it("delivers client emits to the server in order", async () => {
      const { socket, client } = await pair();
      const got: number[] = [];
      const done = new Promise<void>((resolve) =>
        socket.on("n", (n: number) => {
          got.push(n);
          if (got.length === 100) resolve();
        }),
      );
      for (let i = 0; i < 100; i++) client.emit("n", i);
      await done;
      assert.deepEqual(
        got,
        Array.from({ length: 100 }, (_, i) => i),
      );
    });

    it("passes events named like Object.prototype members as plain events", async () => {
      const { socket, client } = await pair();
      const received = once(socket, "__proto__");
      client.emit("__proto__", "value");
      assert.deepEqual(await received, ["value"]);
      const constructorEvent = once(socket, "constructor");
      client.emit("constructor", 1);
      assert.deepEqual(await constructorEvent, [1]);
    });

    it("does not crash on an incoming 'error' event that nobody listens to", async () => {
      const { socket, client } = await pair();
      client.emit("error", "from the client");
      socket.on("ping-after", (ack: (value: string) => void) => ack("pong"));
      assert.equal(await client.timeout(1000).emitWithAck("ping-after"), "pong");
    });

    it("refuses to emit a reserved event name", async () => {
      const { socket } = await pair();
      for (const name of ["connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"]) {
        assert.throws(
          () => socket.emit(name),
          (error) => error instanceof EnchufeError && error.code === ErrorCode.ARGUMENT_INVALID,
        );
      }
    });

    it("supports send() and write() as emits of 'message'", async () => {
      const { socket, client } = await pair();
      const first = once(client, "message");
      socket.send("a", 1);
      assert.deepEqual(await first, ["a", 1]);
      const second = once(client, "message");
      socket.write("b");
      assert.deepEqual(await second, ["b"]);
    });
  });

  describe("acknowledgements", () => {
    it("answers a client's emit through the ack callback, with several values", async () => {
      const { socket, client } = await pair();
      socket.on("sum", (a: number, b: number, ack: (...values: unknown[]) => void) => ack(a + b, "done"));
      const answer = await new Promise<unknown[]>((resolve) =>
        client.emit("sum", 2, 3, (...values: unknown[]) => resolve(values)),
      );
      assert.deepEqual(answer, [5, "done"]);
      assert.equal(await client.emitWithAck("sum", 1, 1), 2);
    });

    it("calls a server ack callback once, even if the client answers twice", async () => {
      const { socket, client } = await pair();
      client.on("ask", (ack: (value: string) => void) => {
        ack("first");
        ack("second");
      });
      const answers: string[] = [];
      socket.emit("ask", (value: string) => answers.push(value));
      await delay(50);
      assert.deepEqual(answers, ["first"]);
    });

    it("resolves emitWithAck with the client's answer", async () => {
      const { socket, client } = await pair();
      client.on("double", (n: number, ack: (value: number) => void) => ack(n * 2));
      assert.equal(await socket.emitWithAck("double", 21), 42);
    });

    it("times out an unanswered ack with a TimeoutError as first argument", async () => {
      const { socket } = await pair();
      const started = Date.now();
      const [error] = await new Promise<unknown[]>((resolve) =>
        socket.timeout(50).emit("ignored", (...args: unknown[]) => resolve(args)),
      );
      assert.ok(error instanceof TimeoutError);
      assert.equal(error.code, ErrorCode.ACK_TIMEOUT);
      assert.equal(error.message, "operation has timed out");
      assert.ok(Date.now() - started >= 45);
    });

    it("passes null then the answer to a timed ack that is answered in time", async () => {
      const { socket, client } = await pair();
      client.on("quick", (ack: (value: string) => void) => ack("yes"));
      const args = await new Promise<unknown[]>((resolve) =>
        socket.timeout(1000).emit("quick", (...values: unknown[]) => resolve(values)),
      );
      assert.deepEqual(args, [null, "yes"]);
    });

    it("rejects emitWithAck after timeout(), and resolves when answered", async () => {
      const { socket, client } = await pair();
      await assert.rejects(socket.timeout(30).emitWithAck("nobody"), TimeoutError);
      client.on("echo", (value: unknown, ack: (value: unknown) => void) => ack(value));
      assert.deepEqual(await socket.timeout(1000).emitWithAck("echo", { a: 1 }), { a: 1 });
    });

    it("fails pending timed acks at once when the socket disconnects", async () => {
      const { socket, client } = await pair();
      const pending = socket.timeout(10_000).emitWithAck("never");
      client.disconnect();
      await assert.rejects(
        pending,
        (error) => error instanceof EnchufeError && error.code === ErrorCode.SOCKET_DISCONNECTED,
      );
    });

    it("times out on the client side when the server does not answer", async () => {
      const { client } = await pair();
      await assert.rejects(client.timeout(50).emitWithAck("no-listener"), /operation has timed out/);
    });
  });

  describe("binary", () => {
    it("sends nested Buffers, ArrayBuffers and typed arrays to the client", async () => {
      const { socket, client } = await pair();
      const received = once(client, "files");
      const view = new Uint16Array([1, 2, 3]).subarray(1); // a view with a byteOffset
      socket.emit("files", {
        name: "a.bin",
        chunks: [Buffer.from([1, 2]), new Uint8Array([3]).buffer],
        deep: { deeper: { typed: view } },
      });
      // socket.io-client in Node hands binary over as Buffers.
      const [payload] = (await received) as [{ name: string; chunks: Buffer[]; deep: { deeper: { typed: Buffer } } }];
      assert.equal(payload.name, "a.bin");
      assert.deepEqual([...payload.chunks[0]!], [1, 2]);
      assert.deepEqual([...payload.chunks[1]!], [3]);
      assert.ok(payload.deep.deeper.typed.equals(Buffer.from(view.buffer, view.byteOffset, view.byteLength)));
    });

    it("receives client binary as Buffers, wherever it is nested", async () => {
      const { socket, client } = await pair();
      const received = once(socket, "upload");
      client.emit("upload", "meta", [new Uint8Array([9, 8]), { inner: new Uint8Array([7]).buffer }]);
      const [meta, list] = (await received) as [string, [Buffer, { inner: Buffer }]];
      assert.equal(meta, "meta");
      assert.ok(Buffer.isBuffer(list[0]));
      assert.deepEqual([...list[0]], [9, 8]);
      assert.deepEqual([...list[1].inner], [7]);
    });

    it("acknowledges with binary both ways", async () => {
      const { socket, client } = await pair();
      socket.on("reverse", (data: Buffer, ack: (value: Buffer) => void) => ack(Buffer.from([...data].reverse())));
      const reversed = (await client.emitWithAck("reverse", new Uint8Array([1, 2, 3]))) as Buffer;
      assert.deepEqual([...reversed], [3, 2, 1]);
      client.on("give", (ack: (value: Uint8Array) => void) => ack(new Uint8Array([4, 5])));
      const given = (await socket.emitWithAck("give")) as Buffer;
      assert.deepEqual([...given], [4, 5]);
    });

    it("carries a large binary payload intact", async () => {
      const { socket, client } = await pair();
      const big = Buffer.alloc(500_000, 7);
      big[123_456] = 1;
      const received = once(client, "big");
      socket.emit("big", big);
      const [data] = (await received) as [Buffer];
      assert.ok(data.equals(big));
    });
  });

  describe("catch-all listeners and socket middleware", () => {
    it("calls onAny and prependAny listeners with the event name first, before regular listeners", async () => {
      const { socket, client } = await pair();
      const calls: string[] = [];
      socket.onAny((event: string, ...args: unknown[]) => calls.push(`any:${event}:${args.join(",")}`));
      socket.prependAny((event: string) => calls.push(`first:${event}`));
      socket.on("hello", () => calls.push("listener"));
      const handled = once(socket, "hello");
      client.emit("hello", 1, 2);
      await handled;
      assert.deepEqual(calls, ["first:hello", "any:hello:1,2", "listener"]);
      assert.equal(socket.listenersAny().length, 2);
      socket.offAny();
      assert.equal(socket.listenersAny().length, 0);
    });

    it("calls onAnyOutgoing listeners for emitted events, until offAnyOutgoing", async () => {
      const { socket, client } = await pair();
      const sent: unknown[][] = [];
      const listener = (...args: unknown[]): void => void sent.push(args);
      socket.onAnyOutgoing(listener);
      const received = once(client, "out");
      socket.emit("out", "x");
      await received;
      socket.offAnyOutgoing(listener);
      socket.emit("out", "y");
      assert.deepEqual(sent, [["out", "x"]]);
    });

    it("runs socket.use() middleware before listeners and reports refusals as 'error'", async () => {
      const { socket, client } = await pair();
      socket.use(([event], next) => (event === "forbidden" ? next(new Error("not allowed")) : next()));
      const errors = once<[Error]>(socket, "error");
      let forbiddenCalled = false;
      socket.on("forbidden", () => (forbiddenCalled = true));
      socket.on("allowed", (ack: (value: string) => void) => ack("ok"));
      client.emit("forbidden");
      const [error] = await errors;
      assert.equal(error.message, "not allowed");
      assert.equal(await client.emitWithAck("allowed"), "ok");
      assert.equal(forbiddenCalled, false);
    });

    it("lets middleware rewrite the arguments", async () => {
      const { socket, client } = await pair();
      socket.use((event, next) => {
        event[1] = String(event[1]).toUpperCase();
        next();
      });
      socket.on("shout", (text: string, ack: (value: string) => void) => ack(text));
      assert.equal(await client.emitWithAck("shout", "hola"), "HOLA");
    });
  });

  describe("listener failures", () => {
    it("sends a throwing or rejecting listener's error to the socket's 'error' listeners", async () => {
      const { socket, client } = await pair();
      const errors: string[] = [];
      socket.on("error", (error) => errors.push(error.message));
      socket.on("sync", () => {
        throw new Error("sync failure");
      });
      socket.on("async", async () => {
        await delay(1);
        throw new Error("async failure");
      });
      socket.on("still-alive", (ack: (value: string) => void) => ack("yes"));
      client.emit("sync");
      client.emit("async");
      assert.equal(await client.emitWithAck("still-alive"), "yes");
      await delay(20);
      assert.deepEqual(errors.sort(), ["async failure", "sync failure"]);
    });

    it("emits a process warning when nobody listens for the error", async () => {
      const { io, url } = await startServer();
      io.on("connection", () => {
        throw new Error("bug in a connection handler");
      });
      const warning = once<[Error]>(process, "warning");
      const client = await connected(url);
      const [emitted] = await warning;
      assert.match(String(emitted.message), /bug in a connection handler/);
      assert.equal(client.connected, true);
    });
  });

  describe("callbacks and state after review", () => {
    it("reports, never throws, an ack callback that fails on timeout", async () => {
      const { socket } = await pair();
      const errors = once<[Error]>(socket, "error");
      socket.timeout(20).emit("unanswered", (error: Error | null) => {
        if (error !== null) throw new Error("callback failed on purpose");
      });
      const [reported] = await errors;
      assert.equal(reported.message, "callback failed on purpose");
    });

    it("runs 'disconnect' once when a 'disconnecting' listener disconnects again", async () => {
      const { socket, client } = await pair();
      let disconnecting = 0;
      let disconnected = 0;
      socket.on("disconnecting", () => {
        disconnecting++;
        socket.disconnect();
      });
      socket.on("disconnect", () => disconnected++);
      const gone = once(client, "disconnect");
      socket.disconnect();
      await gone;
      await delay(20);
      assert.deepEqual([disconnecting, disconnected], [1, 1]);
    });

    it("sends nothing for a socket that left, and fails its timed acks at once", async () => {
      const { socket, client } = await pair();
      let received = 0;
      client.onAny(() => received++);
      socket.disconnect();
      await once(client, "disconnect");
      assert.equal(socket.emit("late"), false);
      const started = Date.now();
      await assert.rejects(
        socket.timeout(10_000).emitWithAck("late"),
        (error) => error instanceof EnchufeError && error.code === ErrorCode.SOCKET_DISCONNECTED,
      );
      assert.ok(Date.now() - started < 1000);
      assert.equal(received, 0);
    });

    it("tells onAnyOutgoing listeners about broadcasts too", async () => {
      const { socket, client } = await pair();
      const seen: unknown[][] = [];
      socket.onAnyOutgoing((...args: unknown[]) => seen.push(args));
      const received = once(client, "all");
      socket.nsp.emit("all", 1);
      await received;
      assert.deepEqual(seen, [["all", 1]]);
    });

    it("supports the rest of Node's EventEmitter listener API", async () => {
      const { socket } = await pair();
      const order: string[] = [];
      socket.on("x", () => order.push("on"));
      socket.prependListener("x", () => order.push("prepend"));
      socket.prependOnceListener("x", () => order.push("prepend-once"));
      socket.dispatch("x", []);
      socket.dispatch("x", []);
      assert.deepEqual(order, ["prepend-once", "prepend", "on", "prepend", "on"]);
      assert.deepEqual(socket.eventNames(), ["x"]);
      assert.equal(socket.rawListeners("x").length, 2);
      assert.equal(socket.setMaxListeners(50), socket);
    });

    it("shows at most one warning a second for failing listeners", async () => {
      const { io, url } = await startServer();
      io.on("connection", (socket) => {
        socket.on("boom", () => Promise.reject(new Error("failing handler")));
        socket.on("sync", (ack: () => void) => ack());
      });
      const warnings: Error[] = [];
      const onWarning = (warning: Error): void => void warnings.push(warning);
      process.on("warning", onWarning);
      try {
        const client = await connected(url);
        for (let i = 0; i < 20; i++) client.emit("boom");
        await client.timeout(2000).emitWithAck("sync");
        await delay(10); // the rejections settle after the handlers return
        assert.ok(warnings.length <= 1, `${warnings.length} warnings`);
      } finally {
        process.off("warning", onWarning);
      }
    });
  });
}
