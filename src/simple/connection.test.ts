// A simple connection reads only text and bytes: whatever else a Socket.IO peer sends
// as its `message` event (nothing, an object, a number) is not a message, and never
// ends a read or a `for await` early.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { io } from "../client/node.js";
import { listen } from "./index.js";

describe("Connection", () => {
  it("skips a peer's message events that carry neither text nor bytes", async () => {
    const server = await listen("tcp://127.0.0.1:0");
    const client = io(server.url, { forceNew: true, reconnection: false });
    try {
      const conn = (await server.accept())!;
      const reading = conn.read({ timeout: 2000 }); // waiting before anything arrives
      client.send(); // no argument at all
      client.send({ text: "an object" });
      client.send(42);
      client.send(null);
      client.send("text");
      client.send(new Uint8Array([1, 2]));
      assert.equal(await reading, "text");
      const bytes = await conn.read({ timeout: 2000 });
      assert.ok(bytes instanceof Uint8Array);
      assert.deepEqual([...bytes], [1, 2]);
      assert.ok(conn.isOpen);
    } finally {
      client.disconnect();
      await server.close();
    }
  });
});
