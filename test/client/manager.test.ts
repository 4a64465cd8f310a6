// enchufe/client's Manager without a working server: reconnection attempts and
// their backoff against a refused port, the `timeout` option against a server that
// never answers, and closing a connection that is still opening.
import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import { Manager, type ConnectError } from "../../src/client/node.js";
import {
  callbackArgs,
  client,
  closeAll,
  closedPort,
  delay,
  hasHttp,
  once,
  record,
  startSilentServer,
  until,
  type Setup,
} from "../helpers/client-peers.js";

afterEach(closeAll);

for (const transports of [undefined, ["websocket" as const], ["tcp" as const]]) {
  const setup: Setup = { kind: "enchufe", transports };
  const label = transports === undefined ? "polling first" : transports[0];
  // client() takes a tcp setup's `http://127.0.0.1:<port>` to `tcp://127.0.0.1:<port>`.
  const scheme = hasHttp(setup) ? "http" : "tcp";

  describe(`Manager without a server (${label})`, () => {
    it("reconnectionAttempts: 2 → reconnect_failed after 2 reconnect_errors", async () => {
      const port = await closedPort();
      const socket = client(setup, `http://127.0.0.1:${port}`, {
        reconnection: true,
        reconnectionAttempts: 2,
        reconnectionDelay: 20,
        randomizationFactor: 0,
      });
      const log: string[] = [];
      socket.io.on("reconnect_attempt", (attempt) => log.push(`attempt ${attempt}`));
      socket.io.on("reconnect_error", (error) => {
        assert.ok(error instanceof Error);
        log.push("reconnect_error");
      });
      socket.io.on("reconnect_failed", () => log.push("failed"));
      const connectErrors = record<[ConnectError]>(socket, "connect_error");
      await until(() => log.includes("failed"), 3000);
      await delay(100);
      assert.deepEqual(log, ["attempt 1", "reconnect_error", "attempt 2", "reconnect_error", "failed"]);
      assert.equal(connectErrors.length, 3, "the first connection, then 2 attempts");
      assert.ok(connectErrors.every(([error]) => error instanceof Error));
      assert.equal(socket.connected, false);
      assert.equal(socket.io.reconnecting, false);
    });

    it("a connect() after close() starts the attempts over", async () => {
      const port = await closedPort();
      const socket = client(setup, `http://127.0.0.1:${port}`, {
        reconnection: true,
        reconnectionAttempts: 3,
        reconnectionDelay: 10,
        randomizationFactor: 0,
      });
      const log: string[] = [];
      socket.io.on("reconnect_attempt", (attempt) => log.push(`attempt ${attempt}`));
      socket.io.on("reconnect_failed", () => log.push("failed"));
      await until(() => log.includes("attempt 2"), 3000);
      socket.disconnect();
      assert.equal(socket.io.reconnecting, false);
      log.length = 0;
      socket.connect();
      await until(() => log.includes("failed"), 3000);
      assert.deepEqual(log, ["attempt 1", "attempt 2", "attempt 3", "failed"]);
    });

    // Timing does not depend on the transport: measured once.
    if (transports === undefined)
      it("backoff: delays double from reconnectionDelay up to reconnectionDelayMax", async () => {
        const port = await closedPort();
        const socket = client(setup, `http://127.0.0.1:${port}`, {
          reconnection: true,
          reconnectionAttempts: 5,
          reconnectionDelay: 50,
          reconnectionDelayMax: 400,
          randomizationFactor: 0,
        });
        const delays: number[] = [];
        let failedAt = 0;
        socket.io.on("error", () => (failedAt = performance.now()));
        socket.io.on("reconnect_attempt", () => delays.push(performance.now() - failedAt));
        await once(socket.io, "reconnect_failed", 5000);
        const expected = [50, 100, 200, 400, 400];
        assert.equal(delays.length, expected.length);
        delays.forEach((measured, i) => {
          assert.ok(
            measured >= expected[i]! - 5 && measured < expected[i]! + 200, // timers run late on a busy machine, never early
            `attempt ${i + 1}: ${Math.round(measured)} ms, expected ${expected[i]}; all: ${delays.map(Math.round).join(", ")}`,
          );
        });
      });

    it("timeout: connect_error 'timeout' when the server never answers", async () => {
      const port = await startSilentServer();
      const started = Date.now();
      const socket = client(setup, `http://127.0.0.1:${port}`, { timeout: 200 });
      const [error] = await once<[ConnectError]>(socket, "connect_error", 3000);
      const elapsed = Date.now() - started;
      assert.equal(error.message, "timeout");
      assert.ok(elapsed >= 190 && elapsed < 1000, `after ${elapsed} ms`);
      assert.equal(socket.io.readyState, "closed");
    });

    it("closing a connection that is still opening leaves nothing behind", async () => {
      const port = await startSilentServer();
      const socket = client(setup, `http://127.0.0.1:${port}`, { timeout: 500, reconnection: true });
      const managerErrors = record(socket.io, "error");
      const attempts = record(socket.io, "reconnect_attempt");
      const connectErrors = record(socket, "connect_error");
      await delay(30);
      assert.equal(socket.io.readyState, "opening");
      socket.disconnect();
      assert.equal(socket.io.readyState, "closed");
      await delay(600); // past `timeout`
      assert.deepEqual(managerErrors, []);
      assert.deepEqual(attempts, []);
      assert.deepEqual(connectErrors, []);
      assert.equal(socket.io.readyState, "closed");
    });

    it("a Manager with autoConnect: false opens nothing until asked", async () => {
      const port = await closedPort();
      const manager = new Manager(`${scheme}://127.0.0.1:${port}`, { autoConnect: false, reconnection: false });
      const socket = manager.socket("/");
      assert.equal(manager.readyState, "closed");
      assert.equal(manager.engine, undefined);
      assert.equal(socket.active, false);
      const failed = callbackArgs((done) => manager.open(done));
      assert.equal(manager.readyState, "opening");
      assert.ok((await failed)[0] instanceof Error);
      assert.equal(manager.readyState, "closed");
      manager.close();
    });
  });
}

describe("Socket without a server", () => {
  it("refuses reserved event names, and buffers the others while offline", () => {
    const socket = client({ kind: "enchufe", transports: undefined }, "http://127.0.0.1:1", { autoConnect: false });
    for (const name of ["connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"]) {
      assert.throws(() => socket.emit(name), /reserved/, name);
    }
    socket.emit("fine", 1);
    assert.equal(socket.sendBuffer.length, 1);
    assert.equal(socket.io.readyState, "closed");
  });
});
