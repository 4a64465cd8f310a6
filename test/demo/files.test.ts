// File sharing: an offer, chunks paced by acknowledgements, relayed to the room.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { afterEach, describe, it } from "node:test";
import { DEMO_LIMITS } from "../../src/demo/index.js";
import { chatUser, closeDemos, delay, startTestDemo, until, type ChatUser } from "./helpers.js";

afterEach(closeDemos);

type Answer = {
  ok: boolean;
  error?: string;
  id?: string;
  received?: number;
  done?: boolean;
  chunkBytes?: number;
  retryMs?: number;
};

const CHUNK = DEMO_LIMITS.fileChunkBytes;
const MiB = 1024 * 1024;
/** The longest wait a "slow down" may ask for one chunk: the time to earn a whole chunk. */
const MAX_RETRY_MS = Math.ceil(CHUNK / (DEMO_LIMITS.fileBytesPerSecond / 1000));

function request(user: ChatUser, event: string, ...args: unknown[]): Promise<Answer> {
  return user.socket.timeout(3000).emitWithAck(event, ...args) as Promise<Answer>;
}

/** The chunks of `file`, as the page cuts them. */
function chunksOf(file: Buffer): Buffer[] {
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < file.length; offset += CHUNK) chunks.push(file.subarray(offset, offset + CHUNK));
  return chunks;
}

/** Sends `file` as the page does: one chunk at a time, the same one again after a "slow down". */
async function sendHonestly(user: ChatUser, id: string, file: Buffer): Promise<{ slowDowns: number }> {
  let slowDowns = 0;
  let received = 0;
  for (const chunk of chunksOf(file)) {
    for (;;) {
      const answer = await request(user, "file:chunk", id, chunk);
      if (answer.ok) {
        assert.equal(answer.received, received + chunk.length, "progress only ever moves forward, by the chunk");
        received = answer.received;
        break;
      }
      assert.match(answer.error ?? "", /^slow down/);
      assert.ok(answer.retryMs! >= 1 && answer.retryMs! <= MAX_RETRY_MS, `retryMs ${answer.retryMs}`);
      slowDowns += 1;
      await delay(answer.retryMs!);
    }
  }
  assert.equal(received, file.length);
  return { slowDowns };
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

  it("keeps an upload going when its sender's move to another room is refused", async () => {
    const demo = await startTestDemo();
    const ana = await chatUser(demo, { nick: "ana" });
    const bob = await chatUser(demo, { nick: "bob" });
    const start = await request(ana, "file:start", { name: "two.bin", size: 2 });
    assert.equal((await request(ana, "file:chunk", start.id, Buffer.from("1"))).ok, true);
    // Every room taken (#general and one per other user), so ana cannot create one more.
    await Promise.all(
      Array.from({ length: DEMO_LIMITS.maxRooms - 1 }, (_, n) => chatUser(demo, { nick: `u${n}`, room: `r${n}` })),
    );
    const refused = await request(ana, "join", "one-too-many");
    assert.deepEqual(refused, { ok: false, error: `too many rooms (at most ${DEMO_LIMITS.maxRooms})` });
    assert.deepEqual(await request(ana, "file:chunk", start.id, Buffer.from("2")), {
      ok: true,
      received: 2,
      done: true,
    });
    await until(() => bob.events("file:done").length === 1);
    assert.equal(bob.events("file:abort").length, 0);
  });

  it("refuses chunks past the sender's byte budget with retryMs, and relays none of them", async () => {
    const demo = await startTestDemo();
    const ana = await chatUser(demo, { nick: "ana" });
    const bob = await chatUser(demo, { nick: "bob" });
    const received = collect(bob);
    const relayedBytes = (): number => [...received.values()].flat().reduce((sum, part) => sum + part.bytes.length, 0);

    // A whole file of the largest size goes at once (the burst), even pushed without waiting.
    const before = performance.now();
    const first = randomBytes(DEMO_LIMITS.maxFileBytes);
    const a = await request(ana, "file:start", { name: "a.bin", size: first.length });
    const firstAnswers = await Promise.all(chunksOf(first).map((chunk) => request(ana, "file:chunk", a.id, chunk)));
    assert.deepEqual(
      firstAnswers.filter((answer) => !answer.ok),
      [],
    );

    // The next one, pushed at once too, is mostly refused: the budget refills at fileBytesPerSecond.
    const second = randomBytes(4 * MiB);
    const b = await request(ana, "file:start", { name: "b.bin", size: second.length });
    const answers = await Promise.all(chunksOf(second).map((chunk) => request(ana, "file:chunk", b.id, chunk)));
    const elapsed = performance.now() - before;
    const accepted = answers.filter((answer) => answer.ok);
    const refused = answers.filter((answer) => !answer.ok);
    assert.ok(refused.length > 0, "a sender past its budget is refused");
    for (const answer of refused) {
      assert.match(answer.error ?? "", /^slow down: at most 2\.0 MB of files a second$/);
      assert.ok(answer.retryMs! >= 1 && answer.retryMs! <= MAX_RETRY_MS, `retryMs ${answer.retryMs}`);
    }
    assert.deepEqual(
      accepted.map((answer) => answer.received),
      accepted.map((_, n) => (n + 1) * CHUNK),
      "only accepted chunks count",
    );

    // Only the accepted chunks reach the receiver: no more than the budget allowed in that time.
    const allowed = DEMO_LIMITS.fileBurstBytes + (DEMO_LIMITS.fileBytesPerSecond * elapsed) / 1000;
    await until(() => relayedBytes() === first.length + accepted.length * CHUNK, 3000);
    assert.ok(relayedBytes() <= allowed, `relayed ${relayedBytes()} bytes in ${Math.round(elapsed)} ms`);
    assert.deepEqual(
      (received.get(b.id!) ?? []).map((part) => part.offset),
      accepted.map((_, n) => n * CHUNK),
    );

    // The upload goes on: waiting as it is told (chunks accepted after the last refusal may have
    // spent what it waited for), the sender's next chunk is taken within a few tries.
    assert.equal(bob.events("file:abort").length, 0);
    const nextChunk = second.subarray(accepted.length * CHUNK, accepted.length * CHUNK + CHUNK);
    let next: Answer = refused.at(-1)!;
    for (let tries = 0; tries < 10 && !next.ok; tries++) {
      await delay(next.retryMs ?? 0);
      next = await request(ana, "file:chunk", b.id, nextChunk);
    }
    assert.deepEqual(next, { ok: true, received: (accepted.length + 1) * CHUNK, done: false });
  });

  it("lets a sender that waits retryMs finish, file after file, byte for byte", async () => {
    const demo = await startTestDemo();
    const ana = await chatUser(demo, { nick: "ana" });
    const bob = await chatUser(demo, { nick: "bob" });
    const received = collect(bob);
    const started = performance.now();
    const files = [randomBytes(DEMO_LIMITS.maxFileBytes), randomBytes(3 * MiB + 123)];
    let slowDowns = 0;
    for (const [n, file] of files.entries()) {
      const start = await request(ana, "file:start", { name: `${n}.bin`, size: file.length });
      assert.equal(start.ok, true, start.error);
      slowDowns += (await sendHonestly(ana, start.id!, file)).slowDowns;
      await until(() => bob.events("file:done").length === n + 1, 3000);
      const parts = received.get(start.id!) ?? [];
      assert.ok(Buffer.concat(parts.map((part) => part.bytes)).equals(file), `file ${n} arrives byte-identical`);
    }
    const elapsed = performance.now() - started;
    const total = files.reduce((sum, file) => sum + file.length, 0);
    // The bucket paces the sender (a little allowed for timer granularity); a machine slower
    // than the budget needs no slowing down, so only a fast one must have been told to wait.
    const least = ((total - DEMO_LIMITS.fileBurstBytes) / DEMO_LIMITS.fileBytesPerSecond) * 1000;
    assert.ok(elapsed >= least - 50, `${total} bytes in ${Math.round(elapsed)} ms`);
    if (elapsed < least * 0.9) assert.ok(slowDowns > 0, "the second file was slowed down");
    assert.equal(bob.events("file:abort").length, 0);
  });
});
