// Hostile input over a real WebSocket: every malformed Engine.IO or Socket.IO
// packet closes the connection that sent it, and only that one. The server-side
// socket hears "parse error" (a WebSocket-level violation, caught by `ws`, is a
// "transport error", as in Socket.IO), an honest socket.io-client peer connected
// all along keeps working, and new clients still connect.
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { afterEach, describe, it } from "node:test";
import { ProtocolError, type Server, type Socket } from "../../src/index.js";
import { closeAll, delay, once, RawClient } from "../helpers/peers.js";
import { assertStillServing, setupHonestPeer, within } from "../helpers/honest-peer.js";
import { closeCode, destroyRawTcp, encodeFrame, Opcode, TcpWebSocket } from "../helpers/raw-tcp.js";

afterEach(async () => {
  destroyRawTcp();
  await closeAll();
});

/** How long a connection may take to close after the bad packet. */
const CLOSE_WITHIN_MS = 2000;

/** True when `promise` has not settled after `ms`. */
async function isPendingAfter(promise: Promise<unknown>, ms: number): Promise<boolean> {
  const pending = Symbol("pending");
  const winner = await Promise.race([promise, delay(ms).then(() => pending)]);
  return winner === pending;
}

/** Joins "/" with a raw client and returns it with its server-side socket. */
async function rawJoined(io: Server, port: number): Promise<{ raw: RawClient; socket: Socket }> {
  const { client, id } = await RawClient.connected(port);
  const socket = io.sockets.sockets.get(id);
  assert.ok(socket !== undefined, "the raw client's socket must be in the main namespace");
  return { raw: client, socket };
}

const placeholder = (num: unknown): string => JSON.stringify({ _placeholder: true, num });

interface HostileCase {
  name: string;
  /** Frames sent in order, each as its own WebSocket message (strings as text, Buffers as binary). */
  frames: (string | Buffer)[];
}

// Sent after the raw client has joined "/": each must end its socket with "parse error".
const AFTER_JOIN: HostileCase[] = [
  { name: 'an unknown Engine.IO packet type ("9")', frames: ["9"] },
  { name: 'a non-digit Engine.IO packet type ("x42")', frames: ["x42"] },
  { name: "an empty text frame", frames: [""] },
  { name: 'an Engine.IO ping from the client ("2")', frames: ["2"] },
  { name: 'an Engine.IO probe ping from the client ("2probe")', frames: ["2probe"] },
  { name: 'an Engine.IO open from the client ("0")', frames: ["0"] },
  { name: 'an Engine.IO upgrade outside an upgrade ("5")', frames: ["5"] },
  { name: 'an empty Engine.IO message ("4")', frames: ["4"] },
  { name: 'an unknown Socket.IO packet type ("4xyz")', frames: ["4xyz"] },
  { name: 'Socket.IO packet type 7 ("47["a"]")', frames: ['47["a"]'] },
  { name: 'truncated JSON ("42[")', frames: ["42["] },
  { name: 'an object payload on EVENT ("42{}")', frames: ["42{}"] },
  { name: 'an empty array on EVENT ("42[]")', frames: ["42[]"] },
  { name: 'a number as event name ("42[1]")', frames: ["42[1]"] },
  { name: 'a string payload on EVENT ("42"a"")', frames: ['42"a"'] },
  { name: 'a null payload on EVENT ("42null")', frames: ["42null"] },
  { name: 'an EVENT without payload ("42")', frames: ["42"] },
  ...["connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"].map((name) => ({
    name: `the reserved event name "${name}"`,
    frames: [`42${JSON.stringify([name, 1])}`],
  })),
  // On EVENT (type 2) there is no attachment count: "1" is read as the ack id, then "-[…" is not JSON.
  { name: 'a binary header on a plain EVENT ("421-["a"]")', frames: ['421-["a"]'] },
  { name: 'a BINARY_EVENT with 0 attachments ("450-["a"]")', frames: ['450-["a"]'] },
  { name: 'a BINARY_EVENT without "-" after its count ("451["a"]")', frames: ['451["a"]'] },
  { name: "a BINARY_EVENT with a 4-digit attachment count", frames: [`451000-["a",${placeholder(0)}]`] },
  { name: "a binary frame with no binary packet pending", frames: [Buffer.from([1, 2, 3])] },
  {
    name: "a text frame while attachments are awaited",
    frames: [`451-["a",${placeholder(0)}]`, '42["b"]'],
  },
  {
    name: "a placeholder num past the attachments",
    frames: [`451-["a",${placeholder(1)}]`, Buffer.from([1])],
  },
  { name: "a negative placeholder num", frames: [`451-["a",${placeholder(-1)}]`, Buffer.from([1])] },
  { name: "a string placeholder num", frames: [`451-["a",${placeholder("0")}]`, Buffer.from([1])] },
  { name: "a fractional placeholder num", frames: [`451-["a",${placeholder(0.5)}]`, Buffer.from([1])] },
  { name: 'a CONNECT_ERROR sent by the client ("44{}")', frames: ["44{}"] },
  { name: 'a string CONNECT_ERROR sent by the client ("44"no"")', frames: ['44"no"'] },
  { name: 'a second CONNECT to "/"', frames: ["40"] },
  { name: "a 17-digit ack id", frames: ['4212345678901234567["a"]'] },
  { name: "an ack id past Number.MAX_SAFE_INTEGER", frames: ['429999999999999999["a"]'] },
  { name: 'an ACK without id ("43["a"]")', frames: ['43["a"]'] },
  { name: 'an ACK with an object payload ("431{}")', frames: ["431{}"] },
  { name: 'a DISCONNECT with a payload ("41{}")', frames: ["41{}"] },
  { name: "a CONNECT with an array payload", frames: ["40/other,[1]"] },
  { name: "a CONNECT with an ack id", frames: ["40/other,5"] },
  { name: "a 300-character namespace", frames: [`40/${"n".repeat(300)},`] },
  { name: "a namespace with a control character", frames: ["40/a\u0001b,"] },
];

// Sent as the very first Socket.IO packet of a session, before any CONNECT.
const BEFORE_JOIN: HostileCase[] = [
  { name: 'an EVENT ("42["a"]")', frames: ['42["a"]'] },
  { name: 'an ACK ("430[]")', frames: ["430[]"] },
  { name: 'a DISCONNECT ("41")', frames: ["41"] },
  { name: "a BINARY_EVENT with its attachment", frames: [`451-["a",${placeholder(0)}]`, Buffer.from([1])] },
  { name: 'a CONNECT_ERROR ("44{}")', frames: ["44{}"] },
];

describe("malformed packets after joining a namespace", () => {
  for (const { name, frames } of AFTER_JOIN) {
    it(`closes only the sender of ${name}, with "parse error"`, async () => {
      const fixture = await setupHonestPeer();
      const { raw, socket } = await rawJoined(fixture.io, fixture.server.port);
      const disconnected = once<[string, unknown]>(socket, "disconnect", CLOSE_WITHIN_MS);
      for (const frame of frames) raw.send(frame);
      const [reason, description] = await disconnected;
      assert.equal(reason, "parse error");
      assert.ok(description instanceof ProtocolError, `expected a ProtocolError, got ${String(description)}`);
      assert.equal(socket.connected, false);
      await within(raw.closed, CLOSE_WITHIN_MS, "the raw client's close");
      assert.equal(fixture.io.engine.clientsCount, 1, "the offending session must be gone");
      await assertStillServing(fixture);
    });
  }
});

describe("malformed packets before any CONNECT", () => {
  for (const { name, frames } of BEFORE_JOIN) {
    it(`closes the session that sends ${name} first`, async () => {
      const fixture = await setupHonestPeer();
      const raw = await RawClient.open(fixture.server.port);
      assert.equal(fixture.io.engine.clientsCount, 2);
      for (const frame of frames) raw.send(frame);
      await within(raw.closed, CLOSE_WITHIN_MS, "the raw client's close");
      assert.equal(fixture.io.engine.clientsCount, 1);
      assert.equal(fixture.io.sockets.sockets.size, 1);
      await assertStillServing(fixture);
    });
  }

  it("closes a session whose first frame is an unknown Engine.IO type", async () => {
    const fixture = await setupHonestPeer();
    const raw = await RawClient.open(fixture.server.port);
    raw.send("9");
    await within(raw.closed, CLOSE_WITHIN_MS, "the raw client's close");
    assert.equal(fixture.io.engine.clientsCount, 1);
    await assertStillServing(fixture);
  });
});

describe("what happens around a malformed packet", () => {
  it("processes nothing that follows the bad packet, even in the same TCP segment", async () => {
    const fixture = await setupHonestPeer();
    const { client, id } = await TcpWebSocket.connected(fixture.server.port);
    const socket = fixture.io.sockets.sockets.get(id);
    assert.ok(socket !== undefined);
    const events: string[] = [];
    socket.onAny((event: string) => events.push(event));
    const disconnected = once<[string]>(socket, "disconnect", CLOSE_WITHIN_MS);
    client.socket.write(
      Buffer.concat([
        encodeFrame(Opcode.TEXT, '42["before"]'),
        encodeFrame(Opcode.TEXT, "42["),
        encodeFrame(Opcode.TEXT, '42["after"]'),
        encodeFrame(Opcode.TEXT, "40/other,"),
      ]),
    );
    assert.equal((await disconnected)[0], "parse error");
    await within(client.closed, CLOSE_WITHIN_MS, "the TCP connection's close");
    assert.deepEqual(events, ["before"]);
    assert.equal(fixture.io.engine.clientsCount, 1);
    await assertStillServing(fixture);
  });

  it("closes a second CONNECT sent while the first is still in middleware, and never accepts either", async () => {
    const fixture = await setupHonestPeer();
    let middlewareRuns = 0;
    fixture.io.use((_socket, next) => {
      middlewareRuns++;
      setTimeout(next, 50);
    });
    const accepted: string[] = [];
    fixture.io.on("connection", (socket) => accepted.push(socket.id));
    const raw = await RawClient.open(fixture.server.port);
    raw.send("40");
    raw.send("40");
    await within(raw.closed, CLOSE_WITHIN_MS, "the raw client's close");
    assert.equal(middlewareRuns, 1);
    await delay(100); // the first CONNECT's middleware finishes after the close
    assert.deepEqual(accepted, [], "a socket must not join on a closed connection");
    assert.equal(fixture.io.sockets.sockets.size, 1);
    assert.equal(fixture.io.engine.clientsCount, 1);
    await assertStillServing(fixture);
  });
});

describe("WebSocket-level violations (raw TCP frames)", () => {
  const cases: { name: string; code: number; send: (client: TcpWebSocket) => void }[] = [
    {
      name: "invalid UTF-8 in a text frame",
      code: 1007,
      // '42["<0xff>"]': not UTF-8, so not text at all.
      send: (client) => client.sendFrame(Opcode.TEXT, Buffer.from([0x34, 0x32, 0x5b, 0x22, 0xff, 0x22, 0x5d])),
    },
    {
      name: "an unmasked client frame",
      code: 1002,
      send: (client) => client.sendFrame(Opcode.TEXT, '42["echo","x"]', { mask: false }),
    },
    {
      name: "a reserved opcode (0x3)",
      code: 1002,
      send: (client) => client.sendFrame(0x3, "x"),
    },
    {
      name: "RSV1 set without a negotiated extension",
      code: 1002,
      send: (client) => client.sendFrame(Opcode.TEXT, '42["echo","x"]', { rsv: 4 }),
    },
    {
      name: "a continuation frame with nothing to continue",
      code: 1002,
      send: (client) => client.sendFrame(Opcode.CONTINUATION, "x"),
    },
    {
      name: "a ping with a 126-byte payload (control frames carry at most 125)",
      code: 1002,
      send: (client) => client.sendFrame(Opcode.PING, Buffer.alloc(126)),
    },
  ];

  for (const { name, code, send } of cases) {
    it(`closes only the sender of ${name}, with close code ${code} and "transport error"`, async () => {
      const fixture = await setupHonestPeer();
      const { client, id } = await TcpWebSocket.connected(fixture.server.port);
      const socket = fixture.io.sockets.sockets.get(id);
      assert.ok(socket !== undefined);
      const disconnected = once<[string, unknown]>(socket, "disconnect", CLOSE_WITHIN_MS);
      send(client);
      const [reason, description] = await disconnected;
      assert.equal(reason, "transport error");
      assert.ok(description instanceof Error);
      const close = await client.nextClose(CLOSE_WITHIN_MS);
      assert.equal(closeCode(close), code);
      await within(client.closed, CLOSE_WITHIN_MS, "the TCP connection's close");
      assert.equal(fixture.io.engine.clientsCount, 1, "the offending session must be gone");
      await assertStillServing(fixture);
    });
  }
});

describe("odd but valid packets are served, not closed", () => {
  /** A round trip over the raw client proves the server read everything before it, in order. */
  async function assertRawEcho(raw: RawClient, value: string): Promise<void> {
    raw.send(`4277${JSON.stringify(["echo", value])}`);
    const answer = await raw.nextMatching((message) => typeof message === "string" && message.startsWith("4377"));
    assert.equal(answer, `4377${JSON.stringify([value])}`);
  }

  it("ignores an ACK for an unknown id, a DISCONNECT of a namespace never joined, a pong and a noop", async () => {
    const fixture = await setupHonestPeer();
    const { raw, socket } = await rawJoined(fixture.io, fixture.server.port);
    const reasons: string[] = [];
    socket.on("disconnect", (reason) => reasons.push(reason));
    for (const frame of ['43999["nobody asked"]', "41/never-joined,", "3", "6"]) raw.send(frame);
    await assertRawEcho(raw, "after the odd ones");
    assert.equal(await isPendingAfter(raw.closed, 50), true, "the raw client must stay connected");
    assert.deepEqual(reasons, []);
    await assertStillServing(fixture);
  });

  it("delivers __proto__ keys as plain data, without polluting Object.prototype", async () => {
    const fixture = await setupHonestPeer();
    const { raw, socket } = await rawJoined(fixture.io, fixture.server.port);
    const received = once<[Record<string, unknown>]>(socket, "proto");
    raw.send('42["proto",{"__proto__":{"polluted":true}}]');
    const [plain] = await received;
    assert.deepEqual(Object.getOwnPropertyDescriptor(plain, "__proto__")?.value, { polluted: true });
    assert.equal(Object.getPrototypeOf(plain), Object.prototype);

    const binary = once<[Record<string, unknown>]>(socket, "proto-bin");
    raw.send(`451-["proto-bin",{"__proto__":${placeholder(0)}}]`);
    raw.send(Buffer.from([7]));
    const [holder] = await binary;
    const value: unknown = Object.getOwnPropertyDescriptor(holder, "__proto__")?.value;
    assert.ok(Buffer.isBuffer(value), "the attachment must land in an own property named __proto__");
    assert.deepEqual([...value], [7]);
    assert.equal(Object.getPrototypeOf(holder), Object.prototype);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    await assertRawEcho(raw, "proto done");
    await assertStillServing(fixture);
  });

  it("survives deeply nested payloads, text and binary, without a stack overflow", async () => {
    const fixture = await setupHonestPeer();
    const { raw, socket } = await rawJoined(fixture.io, fixture.server.port);
    const depth = 100_000;
    const depthOf = (value: unknown): { depth: number; leaf: unknown } => {
      let level = 0;
      let current = value;
      while (Array.isArray(current) && level <= depth + 1) {
        current = current[0];
        level++;
      }
      return { depth: level, leaf: current };
    };
    const deep = once<[unknown]>(socket, "deep");
    raw.send(`42["deep",${"[".repeat(depth)}${"]".repeat(depth)}]`);
    assert.equal(depthOf((await deep)[0]).depth, depth);

    const deepBinary = once<[unknown]>(socket, "deep-bin");
    raw.send(`451-["deep-bin",${"[".repeat(depth)}${placeholder(0)}${"]".repeat(depth)}]`);
    raw.send(Buffer.from([1, 2]));
    const found = depthOf((await deepBinary)[0]);
    assert.equal(found.depth, depth);
    assert.ok(Buffer.isBuffer(found.leaf), "the attachment must replace the innermost placeholder");
    await assertRawEcho(raw, "deep done");
    await assertStillServing(fixture);
  });
});
