// The limits a hostile or slow peer runs into (defaults in src/server/options.ts and
// src/engine/options.ts): event arguments, message size, attachments, pending
// acknowledgements, and bytes queued for a peer that stops reading. Past a limit
// only that peer is closed; an honest socket.io-client peer keeps working.
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { afterEach, describe, it } from "node:test";
import {
  EnchufeError,
  ErrorCode,
  isEnchufeError,
  ProtocolError,
  TimeoutError,
  type Server,
  type Socket,
} from "../../src/index.js";
import { closeAll, connected, delay, once, RawClient, until } from "../helpers/peers.js";
import { assertStillServing, setupHonestPeer, within } from "../helpers/honest-peer.js";
import { closeCode, destroyRawTcp, Opcode, TcpWebSocket } from "../helpers/raw-tcp.js";

afterEach(async () => {
  destroyRawTcp();
  await closeAll();
});

const CLOSE_WITHIN_MS = 2000;

async function rawJoined(io: Server, port: number): Promise<{ raw: RawClient; socket: Socket }> {
  const { client, id } = await RawClient.connected(port);
  const socket = io.sockets.sockets.get(id);
  assert.ok(socket !== undefined, "the raw client's socket must be in the main namespace");
  return { raw: client, socket };
}

/** Sends `frames` and checks that the socket leaves with "parse error" for a limit, and the connection closes. */
async function assertLimitParseError(raw: RawClient, socket: Socket, frames: (string | Buffer)[]): Promise<void> {
  const disconnected = once<[string, unknown]>(socket, "disconnect", CLOSE_WITHIN_MS);
  for (const frame of frames) raw.send(frame);
  const [reason, description] = await disconnected;
  assert.equal(reason, "parse error");
  assert.ok(description instanceof ProtocolError, `expected a ProtocolError, got ${String(description)}`);
  assert.equal(description.code, ErrorCode.PACKET_LIMIT);
  await within(raw.closed, CLOSE_WITHIN_MS, "the raw client's close");
}

const range = (count: number): number[] => Array.from({ length: count }, (_, i) => i);
const placeholder = (num: number): string => JSON.stringify({ _placeholder: true, num });

describe("maxEventArguments", () => {
  it("closes a sender of 50,000 arguments with parse error under the default of 1000", async () => {
    const fixture = await setupHonestPeer();
    assert.equal(fixture.io.options.maxEventArguments, 1000);
    const { raw, socket } = await rawJoined(fixture.io, fixture.server.port);
    let isDelivered = false;
    socket.on("many", () => (isDelivered = true));
    await assertLimitParseError(raw, socket, [`42${JSON.stringify(["many", ...range(50_000)])}`]);
    assert.equal(isDelivered, false);
    await assertStillServing(fixture);
  });

  it("delivers exactly 1000 arguments and refuses 1001", async () => {
    const fixture = await setupHonestPeer();
    const { raw, socket } = await rawJoined(fixture.io, fixture.server.port);
    const delivered = once<unknown[]>(socket, "many");
    raw.send(`42${JSON.stringify(["many", ...range(1000)])}`);
    assert.deepEqual(await delivered, range(1000));
    await assertLimitParseError(raw, socket, [`42${JSON.stringify(["many", ...range(1001)])}`]);
    await assertStillServing(fixture);
  });

  it("delivers 50,000 arguments intact with maxEventArguments raised to 100000", async () => {
    const fixture = await setupHonestPeer({ maxEventArguments: 100_000 });
    const { raw, socket } = await rawJoined(fixture.io, fixture.server.port);
    const delivered = once<unknown[]>(socket, "many");
    raw.send(`42${JSON.stringify(["many", ...range(50_000)])}`);
    const args = await delivered;
    assert.equal(args.length, 50_000);
    assert.ok(
      args.every((value, i) => value === i),
      "every argument must arrive in order",
    );
    assert.equal(socket.connected, true);
    await assertStillServing(fixture);
  });

  it("applies to acknowledgements too: an ACK with 1001 arguments is a parse error", async () => {
    const fixture = await setupHonestPeer();
    const { raw, socket } = await rawJoined(fixture.io, fixture.server.port);
    let isAnswered = false;
    socket.emit("question", () => (isAnswered = true));
    const question = await raw.nextMatching((message) => typeof message === "string" && message.startsWith("42"));
    const id = /^42(\d+)\["question"\]$/.exec(question as string)?.[1];
    assert.ok(id !== undefined, `unexpected question frame ${String(question)}`);
    await assertLimitParseError(raw, socket, [`43${id}${JSON.stringify(range(1001))}`]);
    assert.equal(isAnswered, false);
    await assertStillServing(fixture);
  });
});

describe("maxHttpBufferSize (default 1e6)", () => {
  /** An EVENT message (Engine.IO type included) of exactly `size` bytes: 42["big","xxx…"]. */
  const eventOfSize = (size: number): string => {
    const frame = `42["big","${"x".repeat(size - 12)}"]`;
    assert.equal(Buffer.byteLength(frame), size);
    return frame;
  };

  it("announces maxPayload 1000000 in the open packet", async () => {
    const fixture = await setupHonestPeer();
    const client = await TcpWebSocket.open(fixture.server.port);
    const open = await client.nextText();
    assert.equal((JSON.parse(open.slice(1)) as { maxPayload: number }).maxPayload, 1e6);
  });

  it("delivers a message of exactly 1e6 bytes", async () => {
    const fixture = await setupHonestPeer();
    const { raw, socket } = await rawJoined(fixture.io, fixture.server.port);
    const delivered = once<[string]>(socket, "big");
    raw.send(eventOfSize(1e6));
    const [text] = await delivered;
    assert.equal(text.length, 1e6 - 12);
    assert.equal(socket.connected, true);
    await assertStillServing(fixture);
  });

  it('closes a sender of a 1e6 + 1 byte frame with code 1009 and "transport error"', async () => {
    const fixture = await setupHonestPeer();
    const { raw, socket } = await rawJoined(fixture.io, fixture.server.port);
    let isDelivered = false;
    socket.on("big", () => (isDelivered = true));
    const disconnected = once<[string, unknown]>(socket, "disconnect", CLOSE_WITHIN_MS);
    raw.send(eventOfSize(1e6 + 1));
    const [reason, description] = await disconnected;
    assert.equal(reason, "transport error");
    assert.ok(description instanceof Error);
    const { code } = await within(raw.closed, CLOSE_WITHIN_MS, "the raw client's close");
    assert.equal(code, 1009);
    assert.equal(isDelivered, false);
    assert.equal(fixture.io.engine.clientsCount, 1);
    await assertStillServing(fixture);
  });

  it("closes a sender of a binary attachment over the limit with code 1009", async () => {
    const fixture = await setupHonestPeer();
    const { raw, socket } = await rawJoined(fixture.io, fixture.server.port);
    const disconnected = once<[string]>(socket, "disconnect", CLOSE_WITHIN_MS);
    raw.send(`451-["bin",${placeholder(0)}]`);
    raw.send(Buffer.alloc(1e6 + 1));
    assert.equal((await disconnected)[0], "transport error");
    assert.equal((await within(raw.closed, CLOSE_WITHIN_MS, "the raw client's close")).code, 1009);
    await assertStillServing(fixture);
  });

  it("counts a fragmented message as a whole: two 600 kB fragments close with code 1009", async () => {
    const fixture = await setupHonestPeer();
    const { client, id } = await TcpWebSocket.connected(fixture.server.port);
    const socket = fixture.io.sockets.sockets.get(id);
    assert.ok(socket !== undefined);
    let isDelivered = false;
    socket.on("big", () => (isDelivered = true));
    const disconnected = once<[string]>(socket, "disconnect", CLOSE_WITHIN_MS);
    client.sendFrame(Opcode.TEXT, `42["big","${"x".repeat(600_000)}`, { fin: false });
    client.sendFrame(Opcode.CONTINUATION, `${"x".repeat(600_000)}"]`);
    assert.equal((await disconnected)[0], "transport error");
    assert.equal(closeCode(await client.nextClose(CLOSE_WITHIN_MS)), 1009);
    await within(client.closed, CLOSE_WITHIN_MS, "the TCP connection's close");
    assert.equal(isDelivered, false);
    await assertStillServing(fixture);
  });
});

describe("maxAttachments (default 10)", () => {
  const binaryHeader = (count: number): string =>
    `45${count}-${JSON.stringify(["bin", ...range(count).map((num) => JSON.parse(placeholder(num)) as unknown)])}`;

  it("delivers 10 attachments", async () => {
    const fixture = await setupHonestPeer();
    const { raw, socket } = await rawJoined(fixture.io, fixture.server.port);
    const delivered = once<unknown[]>(socket, "bin");
    raw.send(binaryHeader(10));
    for (const i of range(10)) raw.send(Buffer.from([i]));
    const args = await delivered;
    assert.equal(args.length, 10);
    args.forEach((value, i) => {
      assert.ok(Buffer.isBuffer(value));
      assert.deepEqual([...value], [i]);
    });
    await assertStillServing(fixture);
  });

  it("closes a sender announcing 11 attachments at the header, before any attachment arrives", async () => {
    const fixture = await setupHonestPeer();
    const { raw, socket } = await rawJoined(fixture.io, fixture.server.port);
    await assertLimitParseError(raw, socket, [binaryHeader(11)]);
    await assertStillServing(fixture);
  });
});

describe("acknowledgements the client never sends", () => {
  it("throws ENCHUFE_ERR_ACK_LIMIT on the emit past maxPendingAcks, and frees a slot on each answer", async () => {
    const fixture = await setupHonestPeer({ maxPendingAcks: 2 });
    const { raw, socket } = await rawJoined(fixture.io, fixture.server.port);
    const answers: unknown[] = [];
    socket.emit("x", (answer: unknown) => answers.push(answer));
    socket.emit("x", (answer: unknown) => answers.push(answer));
    assert.throws(
      () => socket.emit("x", () => undefined),
      (error: unknown) => error instanceof EnchufeError && isEnchufeError(error) && error.code === ErrorCode.ACK_LIMIT,
    );
    assert.equal(socket.connected, true, "refusing the emit must not disconnect the socket");
    socket.emit("marker");
    const isEvent = (message: string | Buffer): boolean => typeof message === "string" && message.startsWith("42");
    const received = [
      await raw.nextMatching(isEvent),
      await raw.nextMatching(isEvent),
      await raw.nextMatching(isEvent),
    ];
    const ids = received.slice(0, 2).map((message) => /^42(\d+)\["x"\]$/.exec(message as string)?.[1]);
    assert.ok(
      ids.every((id) => id !== undefined),
      `unexpected frames ${received.join(" ")}`,
    );
    assert.equal(received[2], '42["marker"]', "the refused emit must not reach the client");

    raw.send(`43${ids[0]}["first"]`);
    await until(() => answers.length === 1);
    assert.deepEqual([...answers], ["first"]);
    socket.emit("x", (answer: unknown) => answers.push(answer)); // a slot is free again
    assert.throws(() => socket.emit("x", () => undefined), { code: ErrorCode.ACK_LIMIT });
    await assertStillServing(fixture);
  });

  it("rejects timeout().emitWithAck with ENCHUFE_ERR_ACK_TIMEOUT, frees the slot and ignores a late answer", async () => {
    const fixture = await setupHonestPeer({ maxPendingAcks: 1 });
    const { raw, socket } = await rawJoined(fixture.io, fixture.server.port);
    const started = Date.now();
    await assert.rejects(
      socket.timeout(50).emitWithAck("x"),
      (error: unknown) =>
        error instanceof TimeoutError && isEnchufeError(error) && error.code === ErrorCode.ACK_TIMEOUT,
    );
    assert.ok(Date.now() - started >= 45, "the timeout must not fire early");
    const question = await raw.nextMatching((message) => typeof message === "string" && message.startsWith("42"));
    const id = /^42(\d+)\["x"\]$/.exec(question as string)?.[1];
    assert.ok(id !== undefined);
    // The timed-out acknowledgement gave its slot back.
    let lateCalls = 0;
    socket.emit("y", () => lateCalls++);
    raw.send(`43${id}["too late"]`); // for the expired ack: ignored
    await delay(50);
    assert.equal(lateCalls, 0, "a late answer must not reach another acknowledgement");
    assert.equal(socket.connected, true);
    await assertStillServing(fixture);
  });
});

describe("slow consumer (maxBufferedBytes)", () => {
  it('disconnects a peer that stops reading with "slow consumer", dropping volatile emits while it is behind', async () => {
    const maxBufferedBytes = 256 * 1024;
    const fixture = await setupHonestPeer({ maxBufferedBytes });
    const { client, id } = await TcpWebSocket.connected(fixture.server.port);
    const socket = fixture.io.sockets.sockets.get(id);
    assert.ok(socket !== undefined);
    const disconnected = once<[string, unknown]>(socket, "disconnect", 10_000);
    client.pause();

    const { transport } = socket.conn;
    const chunk = "x".repeat(64 * 1024);
    const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
    const maxRounds = 1000; // 64 MB at most, far above what loopback kernel buffers hold
    const deadline = Date.now() + 8000;
    let rounds = 0;

    // Until the kernel buffers are full and the transport reports the peer behind.
    while (transport.writable && socket.connected && rounds < maxRounds && Date.now() < deadline) {
      socket.emit("big", chunk);
      rounds++;
      await nextTurn();
    }
    assert.equal(socket.connected, true, "the peer must fall behind before it passes the limit");
    assert.equal(transport.writable, false, `the peer never fell behind in ${rounds} rounds`);
    const behind = transport.bufferedBytes;
    assert.ok(behind > 0 && behind <= maxBufferedBytes, `bufferedBytes ${behind}`);

    socket.volatile.emit("big", chunk);
    assert.equal(transport.bufferedBytes, behind, "a volatile emit to a peer behind must be dropped");
    socket.emit("big", chunk);
    assert.ok(transport.bufferedBytes > behind, "a regular emit is queued");
    // The limit is checked against the backlog of earlier turns; a turn may add one chunk on top.
    const oneTurn = chunk.length + 64;

    let maxSeen = 0;
    while (socket.connected && rounds < maxRounds && Date.now() < deadline) {
      socket.emit("big", chunk);
      rounds++;
      if (socket.connected) maxSeen = Math.max(maxSeen, transport.bufferedBytes);
      await nextTurn();
    }
    const [reason, description] = await disconnected;
    assert.equal(reason, "slow consumer");
    assert.ok(isEnchufeError(description) && description.code === ErrorCode.BUFFER_FULL, String(description));
    assert.ok(
      maxSeen <= maxBufferedBytes + oneTurn,
      `${maxSeen} bytes were queued, over the ${maxBufferedBytes} limit plus one turn's emit`,
    );
    assert.equal(fixture.io.engine.clientsCount, 1);

    // Nothing more is queued for the closed peer.
    const after = transport.bufferedBytes;
    for (let i = 0; i < 20; i++) socket.emit("big", chunk);
    socket.volatile.emit("big", chunk);
    assert.equal(transport.bufferedBytes, after, "emits to a disconnected peer must not queue bytes");
    assert.equal(after, 0, "the bytes queued for the closed peer must be released");

    // The server really closed the TCP connection: reading again reaches its end.
    client.discard();
    await within(client.closed, 5000, "the slow consumer's TCP close");
    await assertStillServing(fixture);
  });

  it("does not hold a burst in one turn, or one message over the limit, against a peer that keeps up", async () => {
    const maxBufferedBytes = 256 * 1024;
    const fixture = await setupHonestPeer({ maxBufferedBytes });
    const chunks: number[] = [];
    fixture.honest.on("chunk", (data: string) => chunks.push(data.length));
    const chunk = "z".repeat(64 * 1024);
    for (let i = 0; i < 8; i++) fixture.io.emit("chunk", chunk); // 512 KiB in one turn
    const large = once<[Buffer]>(fixture.honest, "large", 10_000);
    const payload = Buffer.alloc(4 * maxBufferedBytes, 3); // one message, four times the limit
    fixture.io.emit("large", payload);
    const [received] = await large;
    assert.ok(received.equals(payload));
    await until(() => chunks.length === 8);
    await assertStillServing(fixture);
  });

  it("lets every other recipient see the same order when a slow consumer is cut off mid-broadcast", async () => {
    const fixture = await setupHonestPeer({ maxBufferedBytes: 64 * 1024 });
    const { io, honest } = fixture;
    io.on("connection", (socket) =>
      socket.on("disconnect", (reason) => {
        if (reason === "slow consumer") io.emit("left", socket.id);
      }),
    );
    const { client, id } = await TcpWebSocket.connected(fixture.server.port);
    client.pause();
    const later = await connected(fixture.server.url); // iterated after the slow socket
    const seen = { honest: [] as string[], later: [] as string[] };
    honest.onAny((event: string) => seen.honest.push(event));
    later.onAny((event: string) => seen.later.push(event));
    const slow = io.sockets.sockets.get(id)!;
    const chunk = "f".repeat(64 * 1024);
    for (let round = 0; round < 500 && slow.conn.transport.backlogBytes <= 64 * 1024; round++) {
      io.to(id).emit("fill", chunk);
      await new Promise((resolve) => setImmediate(resolve));
    }
    io.emit("msg");
    await until(() => seen.honest.includes("left") && seen.later.includes("left"));
    assert.deepEqual(seen.honest, ["msg", "left"]);
    assert.deepEqual(seen.later, ["msg", "left"]);
  });

  it("keeps a broadcast flowing to honest peers while it cuts off a slow one", async () => {
    const maxBufferedBytes = 256 * 1024;
    const fixture = await setupHonestPeer({ maxBufferedBytes });
    const { client, id } = await TcpWebSocket.connected(fixture.server.port);
    const slow = fixture.io.sockets.sockets.get(id);
    assert.ok(slow !== undefined);
    const disconnected = once<[string]>(slow, "disconnect", 10_000);
    client.pause();
    let received = 0;
    fixture.honest.on("big", () => received++);

    const chunk = "y".repeat(64 * 1024);
    const deadline = Date.now() + 8000;
    let rounds = 0;
    while (slow.connected && rounds < 1000 && Date.now() < deadline) {
      fixture.io.emit("big", chunk);
      rounds++;
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.equal((await disconnected)[0], "slow consumer");
    // A few more rounds after the cut, to the honest peer alone.
    for (let i = 0; i < 5; i++) {
      fixture.io.emit("big", chunk);
      rounds++;
      await new Promise((resolve) => setImmediate(resolve));
    }
    await until(() => received === rounds, 5000);
    assert.equal(fixture.io.engine.clientsCount, 1);
    await assertStillServing(fixture);
  });
});
