// File sharing: an offer, chunks paced by acknowledgements, relayed to the room.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { afterEach, describe, it } from "node:test";
import { DEMO_LIMITS } from "../../src/demo/index.js";
import { chatUser, closeDemos, delay, startTestDemo, until, type ChatUser } from "./helpers.js";

afterEach(closeDemos);

type Answer = { ok: boolean; error?: string; id?: string; received?: number; done?: boolean; chunkBytes?: number };

function request(user: ChatUser, event: string, ...args: unknown[]): Promise<Answer> {
  return user.socket.timeout(3000).emitWithAck(event, ...args) as Promise<Answer>;
}

/** What a receiver collected for a file: its chunks, by the offset they came with. */
function collect(user: ChatUser): Map<string, { offset: number; bytes: Buffer }[]> {
  const files = new Map<string, { offset: number; bytes: Buffer }[]>();
  user.socket.on("file:chunk", (id: string, offset: number, bytes: Buffer) => {
    const list = files.get(id) ?? [];
    list.push({ offset, bytes });
    files.set(id, list);
  });
  return files;
}

describe("demo file sharing", { timeout: 20_000 }, () => {
  it("relays a file of a few hundred KB in chunks, byte for byte, to the others in the room", async () => {
    const demo = await startTestDemo();
    const ana = await chatUser(demo, { nick: "ana" });
    const bob = await chatUser(demo, { nick: "bob" });
    const carla = await chatUser(demo, { nick: "carla", room: "elsewhere" });
    const received = collect(bob);
    const file = randomBytes(300 * 1024 + 123);
    const start = await request(ana, "file:start", {
      name: "../../etc/photo.jpg",
      size: file.length,
      type: "image/jpeg",
    });
    assert.equal(start.ok, true);
    assert.equal(start.chunkBytes, DEMO_LIMITS.fileChunkBytes);
    const id = start.id!;
    let chunks = 0;
    for (let offset = 0; offset < file.length; offset += DEMO_LIMITS.fileChunkBytes) {
      const answer = await request(ana, "file:chunk", id, file.subarray(offset, offset + DEMO_LIMITS.fileChunkBytes));
      chunks += 1;
      assert.equal(answer.ok, true, answer.error);
      assert.equal(answer.received, Math.min(file.length, offset + DEMO_LIMITS.fileChunkBytes));
      assert.equal(answer.done, answer.received === file.length);
    }
    assert.equal(chunks, 5);
    await until(() => bob.events("file:done").length === 1, 3000);
    const [offer] = bob.events<{ id: string; name: string; size: number; type: string; nick: string }>("file:offer");
    assert.deepEqual(offer && [offer.id, offer.name, offer.size, offer.type, offer.nick], [
      id,
      "photo.jpg",
      file.length,
      "image/jpeg",
      "ana",
    ]);
    const parts = received.get(id) ?? [];
    assert.deepEqual(
      parts.map((part) => part.offset),
      [0, 1, 2, 3, 4].map((n) => n * DEMO_LIMITS.fileChunkBytes),
    );
    assert.ok(Buffer.concat(parts.map((part) => part.bytes)).equals(file), "the file arrives byte-identical");
    assert.equal(ana.events("file:offer").length, 0);
    assert.equal(carla.events("file:offer").length, 0);
  });

  it("offers a file whose type a browser would render (HTML, SVG) as application/octet-stream", async () => {
    const demo = await startTestDemo();
    const ana = await chatUser(demo, { nick: "ana" });
    const bob = await chatUser(demo, { nick: "bob" });
    for (const type of ["text/html", "image/svg+xml", "application/xhtml+xml", "text/plain"]) {
      const start = await request(ana, "file:start", { name: "f", size: 1, type });
      assert.equal(start.ok, true, start.error);
      assert.equal((await request(ana, "file:chunk", start.id, Buffer.from("x"))).done, true);
    }
    await until(() => bob.events("file:offer").length === 4, 3000);
    const types = bob.events<{ type: string }>("file:offer").map((offer) => offer.type);
    assert.deepEqual(types, [
      "application/octet-stream",
      "application/octet-stream",
      "application/octet-stream",
      "text/plain",
    ]);
  });

  it("refuses a file over the limit, a missing size, and chunks that do not fit", async () => {
    const demo = await startTestDemo();
    const ana = await chatUser(demo, { nick: "ana" });
    const bob = await chatUser(demo, { nick: "bob" });
    const big = await request(ana, "file:start", { name: "big.iso", size: DEMO_LIMITS.maxFileBytes + 1 });
    assert.equal(big.ok, false);
    assert.match(big.error ?? "", /file too large \(10\.0 MB; at most 10\.0 MB\)/);
    assert.equal((await request(ana, "file:start", { name: "x" })).ok, false);
    assert.equal((await request(ana, "file:start", { name: "", size: 3 })).ok, false);
    assert.equal((await request(ana, "file:chunk", "no-such-id", Buffer.from("abc"))).ok, false);

    const start = await request(ana, "file:start", { name: "small.bin", size: 4 });
    assert.equal(
      (await request(ana, "file:start", { name: "second.bin", size: 4 })).error?.startsWith("one file at a time"),
      true,
    );
    const tooMuch = await request(ana, "file:chunk", start.id, Buffer.from("12345"));
    assert.deepEqual(tooMuch, { ok: false, error: "more bytes than announced" });
    await until(() => bob.events("file:abort").length === 1);
    assert.deepEqual(bob.events("file:abort"), [{ id: start.id, reason: "more bytes than announced" }]);

    const next = await request(ana, "file:start", { name: "chunky.bin", size: DEMO_LIMITS.fileChunkBytes * 2 });
    const oversized = await request(ana, "file:chunk", next.id, Buffer.alloc(DEMO_LIMITS.fileChunkBytes + 1));
    assert.equal(oversized.ok, false);
    assert.equal(bob.events("file:done").length, 0);
  });

  it("abandons an upload when its sender leaves, telling the receivers", async () => {
    const demo = await startTestDemo();
    const ana = await chatUser(demo, { nick: "ana" });
    const bob = await chatUser(demo, { nick: "bob" });
    const start = await request(ana, "file:start", { name: "half.bin", size: 1000 });
    await request(ana, "file:chunk", start.id, Buffer.alloc(500));
    ana.socket.disconnect();
    await until(() => bob.events("file:abort").length === 1);
    assert.deepEqual(bob.events("file:abort"), [{ id: start.id, reason: "ana left" }]);
    await delay(20);
  });
});
