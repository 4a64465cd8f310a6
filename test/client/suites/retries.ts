// At-least-once emits (`retries` with `ackTimeout`): an emit is sent again until
// the server acknowledges it or the retries run out, one emit at a time.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { callbackArgs, pair, until, type Setup } from "../../helpers/client-peers.js";

const RETRIES = { retries: 2, ackTimeout: 200 } as const;

export function retriesSuite(setup: Setup): void {
  describe("retries", () => {
    it("sends again after a missed acknowledgement; the callback gets (null, answer)", async () => {
      const { client, socket } = await pair(setup, RETRIES);
      const deliveries: unknown[] = [];
      socket.on("job", (value: unknown, ack: (answer: string) => void) => {
        deliveries.push(value);
        if (deliveries.length === 2) ack(`done ${String(value)}`); // ignores the first delivery
      });
      const args = await callbackArgs((done) => client.emit("job", 7, done));
      assert.deepEqual(args, [null, "done 7"]);
      assert.deepEqual(deliveries, [7, 7]);
    });

    it("fails with an Error after 1 + retries deliveries without an acknowledgement", async () => {
      const { client, socket } = await pair(setup, RETRIES);
      let deliveries = 0;
      socket.on("job", () => deliveries++);
      const started = Date.now();
      const [error] = await callbackArgs((done) => client.emit("job", done));
      const elapsed = Date.now() - started;
      assert.ok(error instanceof Error);
      assert.equal(deliveries, 3);
      assert.ok(elapsed >= 550 && elapsed < 2000, `failed after ${elapsed} ms, expected about 600`);
    });

    it("sends queued emits one at a time, in order, and emitWithAck resolves with the answer", async () => {
      const { client, socket } = await pair(setup, RETRIES);
      const deliveries: unknown[] = [];
      socket.on("job", (value: unknown, ack: (answer: unknown) => void) => {
        deliveries.push(value);
        ack(value);
      });
      client.emit("job", 1);
      client.emit("job", 2);
      const third = client.emitWithAck("job", 3);
      assert.equal(await third, 3);
      await until(() => deliveries.length === 3, 2000);
      assert.deepEqual(deliveries, [1, 2, 3]);
    });
  });
}
