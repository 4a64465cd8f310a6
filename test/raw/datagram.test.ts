// `udp://` listeners against a peer written by hand over node:dgram (test/helpers/udp-peer.ts):
// the handshake and the no-amplification rule, address verification, joining,
// events and acks with attachments in one datagram, what is ignored (another
// port, oversize, unknown sids), what closes a session (malformed datagrams, a
// silent peer), the rate limit on new sessions, datagram size limits on emits and
// broadcasts, rooms shared with WebSocket and TCP clients, and closing.
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { createSocket } from "node:dgram";
import { existsSync, readdirSync } from "node:fs";
import { afterEach, describe, it } from "node:test";
import {
  ArgumentError,
  EnchufeError,
  ErrorCode,
  ProtocolError,
  Server,
  type ServerOptions,
  type Socket,
} from "../../src/index.js";
import type { RawListener, RawListenOptions } from "../../src/server/raw-listener.js";
import { closeAll, connected, delay, once, startServer, until } from "../helpers/peers.js";
import {
  checkBinaryAcks,
  checkEventsAndAcks,
  handleNotesAndSums,
  withServerSocket,
} from "../helpers/raw-peer-checks.js";
import { cleanupStreamPeers, rawServer, StreamPeer } from "../helpers/stream-peer.js";
import {
  cleanupUdpPeers,
  CLOSE_DATAGRAM,
  ConnectRefused,
  frame,
  sessionDatagram,
  UdpPeer,
  type ReceivedDatagram,
} from "../helpers/udp-peer.js";

afterEach(async () => {
  await cleanupUdpPeers();
  await cleanupStreamPeers();
  await closeAll();
});

/** How long to wait before concluding that a datagram is not coming (loopback delivers in well under 1 ms). */
const SILENCE_MS = 250;

/** A server without HTTP listening on a fresh UDP port of 127.0.0.1 (or `host`). */
async function serveUdp(
  options: ServerOptions = {},
  listenOptions: RawListenOptions = {},
  host = "127.0.0.1",
): Promise<{ io: Server; listener: RawListener }> {
  const io = rawServer(options);
  const listener = await io.listen(`udp://${host.includes(":") ? `[${host}]` : host}:0`, listenOptions);
  return { io, listener };
}

/** A UDP peer that joined "/", with its socket on the server. */
async function joinedUdp(
  io: Server,
  listener: RawListener,
  options: { auth?: Record<string, unknown>; autoPong?: boolean } = {},
): Promise<{ peer: UdpPeer; socket: Socket }> {
  return withServerSocket(io, await UdpPeer.joined(listener.url, options));
}

function texts(datagrams: readonly ReceivedDatagram[]): string[] {
  return datagrams.flatMap((datagram) => datagram.frames.filter((frame): frame is string => typeof frame === "string"));
}

function portOf(url: string): number {
  return Number(/:(\d+)$/.exec(url)![1]);
}

function isTooLarge(error: unknown): boolean {
  assert.ok(error instanceof EnchufeError, `expected an EnchufeError, got ${String(error)}`);
  assert.equal(error.code, ErrorCode.MESSAGE_TOO_LARGE);
  return true;
}

function isOptionInvalid(pattern: RegExp): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof ArgumentError, `expected an ArgumentError, got ${String(error)}`);
    assert.equal(error.code, ErrorCode.OPTION_INVALID);
    assert.match(error.message, pattern);
    return true;
  };
}

describe("a udp:// handshake", () => {
  it("answers a 256-byte open request with one datagram holding only the open packet", async () => {
    const { listener } = await serveUdp({ pingInterval: 4000, pingTimeout: 3000 });
    assert.equal(listener.transport, "udp");
    assert.match(listener.url, /^udp:\/\/127\.0\.0\.1:\d+$/);
    const peer = await UdpPeer.create(listener.url);
    peer.requestOpen();
    const answer = await peer.nextDatagram();
    assert.ok(answer.bytes.length <= 256, `an answer of ${answer.bytes.length} bytes to a request of 256`);
    assert.equal(answer.from.port, portOf(listener.url), "answered from the listener's port");
    assert.equal(answer.frames.length, 1);
    const text = answer.frames[0] as string;
    assert.equal(text[0], "0");
    const open = JSON.parse(text.slice(1)) as Record<string, unknown>;
    assert.match(open.sid as string, /^[\w-]{10,}$/);
    // The datagram size is the payload limit a UDP client must keep to.
    assert.deepEqual(
      { ...open, sid: "" },
      { sid: "", upgrades: [], pingInterval: 4000, pingTimeout: 3000, maxPayload: 1200 },
    );
    // The frame header is exactly as documented: u32 BE length, kind 0, then the text.
    assert.equal(answer.bytes.readUInt32BE(0), Buffer.byteLength(text));
    assert.equal(answer.bytes[4], 0);
    assert.equal(answer.bytes.length, 5 + Buffer.byteLength(text));
  });

  it("announces maxDatagramBytes as maxPayload", async () => {
    const { listener } = await serveUdp({}, { maxDatagramBytes: 512 });
    const peer = await UdpPeer.create(listener.url);
    assert.equal((await peer.handshake()).maxPayload, 512);
  });

  it("never sends an unverified address more bytes than it sent (no amplification)", async () => {
    // A fast heartbeat: its pings for the unverified session must be held, not sent.
    const { io, listener } = await serveUdp({ pingInterval: 60, pingTimeout: 2000 });
    const peer = await UdpPeer.create(listener.url);
    for (const size of [0, 1, 100, 255]) peer.requestOpen(size);
    await delay(SILENCE_MS);
    assert.equal(peer.received.length, 0, "open requests under 256 bytes get no answer at all");
    assert.equal(io.engine.clientsCount, 0, "and open no session");

    peer.requestOpen(256);
    const first = await peer.nextDatagram();
    assert.ok(first.bytes.length <= 256);
    // Repeated: the same session's answer again (it may have been lost), never a larger one.
    peer.requestOpen(300);
    const second = await peer.nextDatagram();
    assert.deepEqual(second.bytes, first.bytes);
    // Repeated but too short: nothing. A datagram naming an unknown sid under 6 bytes: nothing.
    peer.requestOpen(255);
    peer.requestOpen(10);
    peer.sendRaw(Buffer.from([2, 0x78, 0x79, 0, 0]));
    await delay(SILENCE_MS); // four heartbeat rounds and resends meanwhile
    assert.equal(peer.received.length, 2, texts(peer.received).join(" | "));
    assert.equal(io.engine.clientsCount, 1, "one session for the address, not one per request");

    // A 6-byte datagram naming an unknown sid gets the 6-byte close packet: not more.
    peer.sendRaw(Buffer.from([2, 0x78, 0x79, 0, 0, 0]));
    assert.deepEqual((await peer.nextDatagram()).bytes, CLOSE_DATAGRAM);
    await delay(SILENCE_MS);
    assert.equal(peer.received.length, 3);
    for (const datagram of peer.received) assert.ok(datagram.bytes.length <= 256);
    assert.ok(
      peer.bytesReceived <= peer.bytesSent,
      `${peer.bytesReceived} bytes received for ${peer.bytesSent} sent, all unverified`,
    );
  });

  it("gives a repeated open request from the same port the same sid, and another port a new one", async () => {
    const { io, listener } = await serveUdp();
    const peer = await UdpPeer.create(listener.url);
    const { sid } = await peer.handshake();
    const again = await peer.handshake();
    assert.equal(again.sid, sid);
    const other = await UdpPeer.create(listener.url);
    assert.notEqual((await other.handshake()).sid, sid);
    assert.equal(io.engine.clientsCount, 2);
  });

  it("sends nothing but open before a datagram carrying the sid; then what it held, then the app's emits", async () => {
    const { io, listener } = await serveUdp({ pingInterval: 80, pingTimeout: 2000 });
    io.on("connection", (socket) => socket.emit("welcome", socket.id));
    const peer = await UdpPeer.create(listener.url, { autoPong: false });
    await peer.handshake();
    await delay(300); // heartbeat rounds: their pings wait
    assert.deepEqual(
      peer.received.map((datagram) => datagram.frames[0]),
      [`0${JSON.stringify({ ...peer.open })}`],
      "only the open packet before verification",
    );

    peer.sendPacket(0, "/", undefined, undefined); // carries the sid: the address is verified
    const connect = await peer.nextPacket((packet) => packet.type === 0);
    const id = (connect.data as { sid: string }).sid;
    const welcome = await peer.nextEvent("welcome");
    assert.deepEqual(welcome.args, [id]);
    assert.ok(peer.received.slice(1).every((datagram) => datagram.afterVerify));
    // The held pings came first (the peer answers now), and at most 32 datagrams were held.
    const heldPings = texts(peer.received).filter((text) => text === "2").length;
    assert.ok(heldPings >= 1 && heldPings <= 32, `${heldPings} pings held`);
  });

  it("lets a new session from the same port replace the old one: nothing of the old one reaches it", async () => {
    // A client bound to a fixed port starts over (a restart, say): server → client datagrams
    // name no session, so whatever the old one still sent would be taken for the new one's.
    const { io, listener } = await serveUdp();
    const peer = await UdpPeer.create(listener.url);
    await peer.handshake();
    const oldId = await peer.join();
    const oldSocket = io.sockets.sockets.get(oldId)!;
    void oldSocket.join("room");
    await peer.handshake(); // from the same port
    const newId = await peer.join();
    const mark = peer.received.length;
    io.to("room").emit("stale", 1);
    io.sockets.sockets.get(newId)!.emit("fresh", 2);
    assert.deepEqual((await peer.nextEvent("fresh")).args, [2]);
    await delay(50);
    const since = peer.received.slice(mark);
    assert.deepEqual(
      texts(since).filter((text) => text.includes("stale")),
      [],
      "the old session's broadcast",
    );
    assert.ok(!since.some((datagram) => datagram.bytes.equals(CLOSE_DATAGRAM)), "the old session's close packet");
    assert.equal(oldSocket.connected, false, "the old session is over once the new one is verified");
  });

  it("expires an address that never proves itself, without sending it anything more", async () => {
    const { io, listener } = await serveUdp({ pingInterval: 50, pingTimeout: 100 });
    const peer = await UdpPeer.create(listener.url);
    await peer.handshake();
    assert.equal(io.engine.clientsCount, 1);
    await until(() => io.engine.clientsCount === 0, 2000);
    await delay(100);
    assert.equal(peer.received.length, 1, "no close packet to an unverified address either");
    // The sid is forgotten: using it now is an unknown sid (a close answer of 6 bytes).
    peer.sendFrames(["3"]);
    assert.deepEqual((await peer.nextDatagram()).bytes, CLOSE_DATAGRAM);
  });
});

describe("joining over udp", () => {
  it("joins with auth: handshake.auth, the transport name and the address", async () => {
    const { io, listener } = await serveUdp();
    const connections = once<[Socket]>(io, "connection");
    const { peer, id } = await UdpPeer.joined(listener.url, { auth: { token: "x", n: 1 } });
    const [socket] = await connections;
    assert.equal(socket.id, id);
    assert.deepEqual(socket.handshake.auth, { token: "x", n: 1 });
    assert.equal(socket.conn.transport.name, "udp");
    assert.equal(socket.handshake.address, "127.0.0.1");
    assert.equal(socket.handshake.secure, false);
    assert.equal(peer.framingError, undefined);
  });

  it("joins a namespace, and carries its events", async () => {
    const { io, listener } = await serveUdp();
    const admin = io.of("/admin");
    const connections = once<[Socket]>(admin, "connection");
    const peer = await UdpPeer.opened(listener.url);
    const id = await peer.join("/admin", { role: "root" });
    const [socket] = await connections;
    assert.equal(socket.id, id);
    assert.equal(socket.nsp.name, "/admin");
    assert.deepEqual(socket.handshake.auth, { role: "root" });
    const heard = once<[number]>(socket, "ping-admin");
    peer.emitTo("/admin", "ping-admin", 7);
    assert.deepEqual(await heard, [7]);
    socket.emit("hello-admin", "x");
    const packet = await peer.nextPacket((candidate) => candidate.type === 2);
    assert.equal(packet.raw, '2/admin,["hello-admin","x"]');
  });

  it("answers a CONNECT that middleware refuses with CONNECT_ERROR 44{message, data}", async () => {
    const { io, listener } = await serveUdp();
    io.use((socket, next) => {
      if (socket.handshake.auth.token === "good") return next();
      next(Object.assign(new Error("not allowed"), { data: { code: 7 } }));
    });
    const peer = await UdpPeer.opened(listener.url);
    peer.sendFrames(['40{"token":"bad"}']);
    assert.equal(await peer.nextText((text) => text.startsWith("4")), '44{"message":"not allowed","data":{"code":7}}');
    await assert.rejects(peer.join("/", { token: "bad" }), ConnectRefused);
    assert.equal(io.sockets.sockets.size, 0);
    const id = await peer.join("/", { token: "good" });
    assert.deepEqual([...io.sockets.sockets.keys()], [id]);
  });

  it("answers a repeated CONNECT with the same answer again, and no second connection", async () => {
    const { io, listener } = await serveUdp();
    let connections = 0;
    io.on("connection", () => connections++);
    const peer = await UdpPeer.opened(listener.url);
    const id = await peer.join();
    // The client resends its CONNECT when the answer is lost: the server answers again.
    peer.sendFrames(["40"]);
    peer.sendFrames(["40"]);
    const answers: string[] = [];
    for (let i = 0; i < 2; i++) answers.push(await peer.nextText((text) => text.startsWith("40")));
    assert.deepEqual(answers, [`40{"sid":"${id}"}`, `40{"sid":"${id}"}`]);
    await delay(50);
    assert.equal(connections, 1);
    assert.deepEqual([...io.sockets.sockets.keys()], [id]);
    assert.ok(io.sockets.sockets.get(id)!.connected, "a repeated CONNECT is no violation over UDP");
  });

  it("ignores a CONNECT repeated while middleware still runs: one answer, one connection", async () => {
    const { io, listener } = await serveUdp();
    let connections = 0;
    io.use((_socket, next) => void setTimeout(next, 100));
    io.on("connection", () => connections++);
    const peer = await UdpPeer.opened(listener.url);
    peer.sendFrames(["40"]);
    peer.sendFrames(["40"]);
    await peer.nextText((text) => text.startsWith("40"));
    await delay(200);
    assert.equal(connections, 1);
    assert.equal(peer.queued.filter((frame) => typeof frame === "string" && frame.startsWith("40")).length, 0);
  });
});

describe("events over udp", () => {
  it("carries events and acks both ways", async () => {
    const { io, listener } = await serveUdp();
    const heard = handleNotesAndSums(io);
    const { peer, socket } = await joinedUdp(io, listener);
    await checkEventsAndAcks(peer, socket, heard);
  });

  it("puts a packet and its attachments in one datagram, both ways, acks included", async () => {
    const { io, listener } = await serveUdp();
    io.on("connection", (socket) => {
      socket.on("echo", (value: unknown, ack: (value: unknown) => void) => ack(value));
    });
    const { peer, socket } = await joinedUdp(io, listener);

    // Server → peer: one datagram, the 45x text frame then the binary frames.
    const before = peer.received.length;
    socket.emit("file", Buffer.from([1, 2, 3]), "meta", Buffer.from([4]));
    await peer.nextEvent("file");
    assert.equal(peer.received.length, before + 1);
    assert.deepEqual(peer.received[before]!.frames, [
      '452-["file",{"_placeholder":true,"num":0},"meta",{"_placeholder":true,"num":1}]',
      Buffer.from([1, 2, 3]),
      Buffer.from([4]),
    ]);

    // Peer → server: the text and both attachments in one datagram; the handler gets Buffers.
    const uploaded = once<[unknown, unknown, unknown]>(socket, "upload");
    peer.sendFrames([
      '452-["upload",{"_placeholder":true,"num":0},"name",{"_placeholder":true,"num":1}]',
      Buffer.from([9, 8, 7]),
      Buffer.from([]),
    ]);
    const [bytes, name, empty] = await uploaded;
    assert.ok(Buffer.isBuffer(bytes), "a binary attachment must reach the handler as a Buffer");
    assert.deepEqual(bytes, Buffer.from([9, 8, 7]));
    assert.equal(name, "name");
    assert.deepEqual(empty, Buffer.alloc(0));

    await checkBinaryAcks(peer, socket);
  });

  it("ignores a datagram with a valid sid from another port (no event, no answer, no close)", async () => {
    const { io, listener } = await serveUdp();
    const spoofed: unknown[] = [];
    io.on("connection", (socket) => socket.on("spoof", (...args: unknown[]) => spoofed.push(args)));
    const { peer, socket } = await joinedUdp(io, listener);
    const other = await UdpPeer.create(listener.url);
    other.sendRaw(sessionDatagram(peer.sid!, ['42["spoof",1]']));
    other.sendRaw(sessionDatagram(peer.sid!, ["1"])); // a close packet: must not close the session
    other.sendRaw(sessionDatagram(peer.sid!, [Buffer.from([0xff])])); // nor a malformed one
    other.sendRaw(
      Buffer.concat([Buffer.from([peer.sid!.length]), Buffer.from(peer.sid!), Buffer.from([0, 0, 0, 9, 7])]),
    );
    await delay(SILENCE_MS);
    assert.deepEqual(spoofed, []);
    assert.equal(other.received.length, 0);
    assert.ok(socket.connected);
    const heard = once<[number]>(socket, "real");
    peer.emit("real", 2);
    assert.deepEqual(await heard, [2]);
  });

  it("answers a datagram naming an unknown sid with a 6-byte close packet", async () => {
    const { listener } = await serveUdp();
    const peer = await UdpPeer.create(listener.url);
    peer.sendRaw(sessionDatagram("no-such-session", ['42["x"]']));
    const answer = await peer.nextDatagram();
    assert.deepEqual(answer.bytes, CLOSE_DATAGRAM);
    assert.deepEqual(answer.frames, ["1"]);
    assert.equal(answer.from.port, portOf(listener.url));
  });

  it("drops a datagram over maxDatagramBytes, and takes one of exactly that size", async () => {
    const { io, listener } = await serveUdp({}, { maxDatagramBytes: 300 });
    const sizes: number[] = [];
    io.on("connection", (socket) => socket.on("pad", (text: string) => sizes.push(text.length)));
    const { peer, socket } = await joinedUdp(io, listener);
    const datagramOf = (padding: number): Buffer => sessionDatagram(peer.sid!, [`42["pad","${"x".repeat(padding)}"]`]);
    const padding = 300 - datagramOf(0).length;
    assert.equal(datagramOf(padding).length, 300);
    peer.sendRaw(datagramOf(padding + 1));
    peer.sendRaw(Buffer.alloc(301)); // an oversize open request: no session either
    await delay(SILENCE_MS);
    assert.deepEqual(sizes, []);
    assert.ok(socket.connected, "an oversize datagram is dropped, not a violation");
    peer.sendRaw(datagramOf(padding));
    await until(() => sizes.length === 1, 2000);
    assert.deepEqual(sizes, [padding]);
    assert.equal(io.engine.clientsCount, 1);
  });
});

describe("closing udp sessions", () => {
  /** A datagram of `sid` whose frames are these bytes, as they are. */
  const withBytes = (sid: string, ...bytes: number[]): Buffer =>
    Buffer.concat([sessionDatagram(sid, []), Buffer.from(bytes)]);
  const MALFORMED: [string, (sid: string) => Buffer][] = [
    ["a frame header cut short", (sid) => withBytes(sid, 0, 0, 0)],
    ["a payload cut short", (sid) => withBytes(sid, 0, 0, 0, 5, 0, 0x34)],
    ["an unknown kind", (sid) => Buffer.concat([sessionDatagram(sid, []), frame('42["x"]', 7)])],
    ["a text frame that is not UTF-8", (sid) => withBytes(sid, 0, 0, 0, 2, 0, 0x34, 0xff)],
    ["a text frame that is not an Engine.IO packet", (sid) => sessionDatagram(sid, ["9nope"])],
    ["a good frame, then a bad one", (sid) => Buffer.concat([sessionDatagram(sid, ['42["early"]']), frame("4", 9)])],
  ];

  it("closes only the session that sent a malformed datagram, as a parse error", async () => {
    const { io, listener } = await serveUdp();
    const early: unknown[] = [];
    io.on("connection", (socket) => {
      socket.on("early", () => early.push(socket.id));
      socket.on("ask", (ack: (answer: string) => void) => ack("still here"));
    });
    const { peer: bystander, socket: bystanderSocket } = await joinedUdp(io, listener);
    for (const [label, make] of MALFORMED) {
      const { peer, socket } = await joinedUdp(io, listener);
      const disconnected = once<[string, unknown]>(socket, "disconnect");
      peer.sendRaw(make(peer.sid!));
      const [reason, description] = await disconnected;
      assert.equal(reason, "parse error", label);
      assert.ok(description instanceof ProtocolError, `${label}: ${String(description)}`);
      // A verified peer is told: the close packet.
      await peer.waitFor(
        () => peer.received.some((datagram) => datagram.bytes.equals(CLOSE_DATAGRAM)),
        1000,
        `${label}: close`,
      );
      assert.ok(bystanderSocket.connected, `${label}: the other session goes on`);
    }
    assert.deepEqual(early, [], "a datagram with a bad frame is refused whole");
    bystander.sendPacket(2, "/", 1, ["ask"]);
    const answer = await bystander.nextPacket((packet) => packet.type === 3);
    assert.deepEqual(answer.data, ["still here"]);
    assert.equal(io.engine.clientsCount, 1);
  });
});

describe("the udp heartbeat", () => {
  it("expires a silent peer (ping timeout) and tells it with a close packet", async () => {
    const { io, listener } = await serveUdp({ pingInterval: 100, pingTimeout: 200 });
    const { peer, socket } = await joinedUdp(io, listener, { autoPong: false });
    const disconnected = once<[string]>(socket, "disconnect", 3000);
    assert.equal((await disconnected)[0], "ping timeout");
    assert.ok(peer.pings >= 2, `the ping was resent while unanswered (${peer.pings} pings)`);
    await peer.waitFor(() => peer.received.some((datagram) => datagram.bytes.equals(CLOSE_DATAGRAM)), 1000, "close");
    assert.equal(io.engine.clientsCount, 0);
  });

  it("resends an unanswered ping every pingTimeout/8, and stops once anything comes back", async () => {
    // Rounds 1.5 s apart, resends every 100 ms: the pings between rounds are resends, and the
    // silence after the pong is checked 600 ms before the next round (room for a busy machine).
    const { io, listener } = await serveUdp({ pingInterval: 1500, pingTimeout: 800 });
    const { peer, socket } = await joinedUdp(io, listener, { autoPong: false });
    await peer.waitFor(() => peer.pings >= 1, 3000, "first ping");
    const firstPingAt = Date.now();
    await delay(500);
    const unanswered = peer.pings;
    assert.ok(unanswered >= 3, `1 ping and at least 2 resends in 500 ms, got ${unanswered}`);
    peer.sendFrames(["3"]); // the pong
    await delay(100); // a resend the server sent before reading the pong may still come
    const answered = peer.pings;
    assert.ok(answered <= unanswered + 1);
    await delay(Math.max(0, firstPingAt + 900 - Date.now())); // over a resend period, before the next round
    assert.equal(peer.pings, answered, "no resend once the pong came back");
    assert.ok(socket.connected, "answered within pingTimeout: the session lives");
    // The next round is answered at once: the session outlives its check (1500 + 800 ms).
    peer.autoPong = true;
    await delay(Math.max(0, firstPingAt + 2500 - Date.now()));
    assert.ok(socket.connected);
    assert.equal(io.engine.clientsCount, 1);
  });
});

describe("the udp rate limit", () => {
  it("maxNewSessionsPerSecond: 3 → a 4th new address gets no answer, and one a second later", async () => {
    const { io, listener } = await serveUdp({}, { maxNewSessionsPerSecond: 3 });
    const peers = await Promise.all([0, 1, 2].map(() => UdpPeer.create(listener.url)));
    const sids = await Promise.all(peers.map((peer) => peer.handshake()));
    const answeredAt = Date.now(); // the server's one-second window started before this
    assert.equal(new Set(sids.map((open) => open.sid)).size, 3);
    const fourth = await UdpPeer.create(listener.url);
    fourth.requestOpen();
    await delay(SILENCE_MS);
    assert.equal(fourth.received.length, 0, "over the limit: dropped, not answered");
    assert.equal(io.engine.clientsCount, 3);
    // A known address's repeated request is still answered: it opens nothing new.
    peers[0]!.requestOpen();
    assert.equal((await peers[0]!.nextDatagram()).frames[0], `0${JSON.stringify(sids[0])}`);
    await delay(Math.max(0, answeredAt + 1050 - Date.now()));
    const open = await fourth.handshake();
    assert.match(open.sid, /^[\w-]{10,}$/);
    assert.equal(io.engine.clientsCount, 4);
  });

  it("gives one host at most 16 sessions awaiting their address proof; a proof frees a place", async () => {
    const { io, listener } = await serveUdp();
    const peers = await Promise.all(Array.from({ length: 16 }, () => UdpPeer.opened(listener.url, { verify: false })));
    const extra = await UdpPeer.create(listener.url);
    extra.requestOpen();
    await delay(SILENCE_MS);
    assert.equal(extra.received.length, 0, "a 17th unverified session of 127.0.0.1: dropped, not answered");
    assert.equal(io.engine.clientsCount, 16);
    peers[0]!.sendFrames(["6"]); // one proves its address
    await delay(50);
    assert.match((await extra.handshake()).sid, /^[\w-]{10,}$/);
    assert.equal(io.engine.clientsCount, 17);
  });
});

describe("datagram size limits", () => {
  it("throws ENCHUFE_ERR_MESSAGE_TOO_LARGE from an emit that does not fit, and sends nothing", async () => {
    const { io, listener } = await serveUdp({}, { maxDatagramBytes: 300 });
    const { peer, socket } = await joinedUdp(io, listener);
    const before = peer.received.length;
    assert.throws(() => socket.emit("big", "x".repeat(400)), isTooLarge);
    assert.throws(() => socket.emit("big", Buffer.alloc(300)), isTooLarge);
    await assert.rejects(async () => socket.timeout(100).emitWithAck("big", "x".repeat(400)), isTooLarge);
    socket.emit("small", "x".repeat(100));
    await peer.nextEvent("small");
    assert.equal(peer.received.length, before + 1, "nothing of the refused emits went out");
    assert.ok(socket.connected);
  });

  it("throws ENCHUFE_ERR_MESSAGE_TOO_LARGE from an acknowledgement that does not fit; a smaller one still answers", async () => {
    const { io, listener } = await serveUdp({}, { maxDatagramBytes: 300 });
    const { peer, socket } = await joinedUdp(io, listener);
    socket.on("question", (ack: (answer: string) => void) => {
      assert.throws(() => ack("x".repeat(400)), isTooLarge);
      ack("small");
    });
    assert.deepEqual(await peer.emitWithAck("question"), ["small"]);
  });

  it("skips UDP clients of a broadcast too large for them, with one process warning, and reaches the others", async () => {
    const { io, port } = await startServer();
    const listener = await io.listen("udp://127.0.0.1:0", { maxDatagramBytes: 300 });
    io.on("connection", (socket) => void socket.join("room"));
    const ws = await connected(`http://127.0.0.1:${port}`);
    const { peer: first } = await UdpPeer.joined(listener.url);
    const { peer: second } = await UdpPeer.joined(listener.url);
    await until(() => io.sockets.adapter.rooms.get("room")?.size === 3, 2000);
    const warnings: (Error & { code?: string })[] = [];
    const onWarning = (warning: Error & { code?: string }): void => {
      if (warning.code === ErrorCode.MESSAGE_TOO_LARGE) warnings.push(warning);
    };
    process.on("warning", onWarning);
    try {
      const big = "x".repeat(1000);
      const wsGot = once<[string]>(ws, "big");
      io.to("room").emit("big", big);
      io.to("room").emit("after", 1);
      assert.deepEqual(await wsGot, [big]);
      for (const peer of [first, second]) {
        const after = await peer.nextPacket((packet) => packet.type === 2);
        assert.deepEqual(after.data, ["after", 1], "the UDP peer gets the next broadcast, not the big one");
      }
      await delay(50); // warnings are emitted on the next tick
      assert.equal(warnings.length, 1, "one warning for one packet, not one per UDP recipient");
      assert.match(warnings[0]!.message, /udp/);
    } finally {
      process.off("warning", onWarning);
    }
  });

  it("resolves a broadcast ack with the answers of the clients it reached, without waiting for the timeout", async () => {
    const { io, port } = await startServer();
    const listener = await io.listen("udp://127.0.0.1:0", { maxDatagramBytes: 300 });
    io.on("connection", (socket) => void socket.join("room"));
    const ws = await connected(`http://127.0.0.1:${port}`);
    ws.on("ask", (_data: string, ack: (answer: string) => void) => ack("from websocket"));
    const { peer } = await UdpPeer.joined(listener.url);
    await until(() => io.sockets.adapter.rooms.get("room")?.size === 2, 2000);
    const onWarning = (): void => undefined;
    process.on("warning", onWarning);
    try {
      const startedAt = Date.now();
      const answers = (await io.to("room").timeout(3000).emitWithAck("ask", "y".repeat(1000))) as unknown[];
      assert.deepEqual(answers, ["from websocket"]);
      assert.ok(Date.now() - startedAt < 1500, `resolved after ${Date.now() - startedAt} ms`);
      // A small one reaches both and waits for both.
      const both = io.to("room").timeout(3000).emitWithAck("ask", "small") as Promise<unknown[]>;
      const { id } = await peer.nextEvent("ask");
      peer.ack(id!, "from udp");
      assert.deepEqual([...(await both)].sort(), ["from udp", "from websocket"]);
    } finally {
      process.off("warning", onWarning);
    }
  });
});

describe("udp with other transports", () => {
  it("reaches a WebSocket client, a TCP stream peer and a UDP peer in one room, once each", async () => {
    const { io, port } = await startServer();
    const udp = await io.listen("udp://127.0.0.1:0");
    const tcp = await io.listen("tcp://127.0.0.1:0");
    io.on("connection", (socket) => void socket.join("room"));
    const ws = await connected(`http://127.0.0.1:${port}`);
    const wsHeard: unknown[] = [];
    ws.on("news", (...args: unknown[]) => wsHeard.push(args));
    const { peer: stream } = await StreamPeer.joined(tcp.url);
    const { peer: datagram } = await UdpPeer.joined(udp.url);
    await until(() => io.sockets.adapter.rooms.get("room")?.size === 3, 2000);
    const transports = [...io.sockets.sockets.values()].map((socket) => socket.conn.transport.name).sort();
    assert.deepEqual(transports, ["tcp", "udp", "websocket"]);

    io.to("room").emit("news", "one", Buffer.from([1]));
    io.to("room").emit("end");
    assert.deepEqual((await stream.nextEvent("news")).args, ["one", Buffer.from([1])]);
    assert.deepEqual((await datagram.nextEvent("news")).args, ["one", Buffer.from([1])]);
    await stream.nextEvent("end");
    await datagram.nextEvent("end");
    await until(() => wsHeard.length === 1, 2000);
    await delay(50);
    assert.equal(wsHeard.length, 1);
    assert.deepEqual(wsHeard[0], ["one", Buffer.from([1])]);
    const udpNews = texts(datagram.received).filter((text) => text.includes('"news"'));
    assert.equal(udpNews.length, 1, "one datagram per broadcast");
  });
});

describe("closing a udp listener", () => {
  it("io.close() sends each UDP peer a close packet, and resolves", async () => {
    const io = new Server();
    const listener = await io.listen("udp://127.0.0.1:0");
    const { peer } = await UdpPeer.joined(listener.url);
    const other = await UdpPeer.opened(listener.url); // an Engine.IO session only, verified by a noop
    await delay(50); // the noop has no answer: let it arrive
    const startedAt = Date.now();
    await io.close();
    assert.ok(Date.now() - startedAt < 1500, `closed in ${Date.now() - startedAt} ms`);
    for (const candidate of [peer, other]) {
      await candidate.waitFor(
        () => candidate.received.some((datagram) => datagram.bytes.equals(CLOSE_DATAGRAM)),
        1000,
        "close packet",
      );
    }
    // The socket is closed: nothing answers any more (not even the unknown-sid close).
    const late = await UdpPeer.create(listener.url);
    late.requestOpen();
    await delay(SILENCE_MS);
    assert.equal(late.received.length, 0);
  });

  it("forgets a session an engine listener closes as it opens: close() does not wait for it", async () => {
    const { io, listener } = await serveUdp();
    io.engine.on("connection", (session) => session.close()); // a blocklist, say
    const peer = await UdpPeer.create(listener.url);
    peer.requestOpen();
    await delay(SILENCE_MS);
    assert.equal(io.engine.clientsCount, 0);
    const startedAt = Date.now();
    await io.close();
    assert.ok(Date.now() - startedAt < 1500, `closed in ${Date.now() - startedAt} ms`);
  });

  it("listener.close() stops new sessions; the open one goes on, and close resolves once it is gone", async () => {
    const { io, listener } = await serveUdp();
    io.on("connection", (socket) => socket.on("ask", (ack: (answer: string) => void) => ack("yes")));
    const { peer, socket } = await joinedUdp(io, listener);
    let isClosed = false;
    const closing = listener.close().then(() => (isClosed = true));
    const late = await UdpPeer.create(listener.url);
    late.requestOpen();
    await delay(SILENCE_MS);
    assert.equal(late.received.length, 0, "no new session after close()");
    assert.deepEqual(await peer.emitWithAck("ask"), ["yes"]);
    assert.equal(isClosed, false, "close() waits for the open session");
    socket.disconnect(true);
    await until(() => isClosed, 2000);
    await closing;
    assert.ok(peer.received.some((datagram) => datagram.bytes.equals(CLOSE_DATAGRAM)));
  });

  it("rejects a port in use, and invalid options with ENCHUFE_ERR_OPTION_INVALID", async () => {
    const io = rawServer();
    const taken = createSocket("udp4");
    await new Promise<void>((resolve) => taken.bind(0, "127.0.0.1", resolve));
    try {
      const { port } = taken.address();
      await assert.rejects(io.listen(`udp://127.0.0.1:${port}`), (error: NodeJS.ErrnoException) => {
        assert.equal(error.code, "EADDRINUSE");
        return true;
      });
      // A failed bind must not keep its socket: counted where the system shows descriptors (Linux).
      const openDescriptors = (): number => (existsSync("/proc/self/fd") ? readdirSync("/proc/self/fd").length : 0);
      const before = openDescriptors();
      for (let i = 0; i < 20; i++) await assert.rejects(io.listen(`udp://127.0.0.1:${port}`));
      assert.ok(
        openDescriptors() - before < 10,
        `${openDescriptors() - before} descriptors more after 20 failed listens`,
      );
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
    await assert.rejects(
      io.listen("udp://127.0.0.1:0", { maxDatagramBytes: 100 }),
      isOptionInvalid(/maxDatagramBytes/),
    );
    await assert.rejects(io.listen("udp://127.0.0.1:0", { maxDatagramBytes: 255 }), isOptionInvalid(/256/));
    await assert.rejects(io.listen("udp://127.0.0.1:0", { maxDatagramBytes: 65_508 }), isOptionInvalid(/65507/));
    await assert.rejects(io.listen("udp://127.0.0.1:0", { maxDatagramBytes: 1000.5 }), isOptionInvalid(/integer/));
    await assert.rejects(io.listen("udp://127.0.0.1:0", { maxNewSessionsPerSecond: 0 }), isOptionInvalid(/maxNew/));
    await assert.rejects(io.listen("udp://127.0.0.1:0", { mode: "line" }), isOptionInvalid(/mode "line"/));
    await assert.rejects(io.listen("tcp://127.0.0.1:0", { maxDatagramBytes: 1200 }), isOptionInvalid(/udp:\/\//));
    await assert.rejects(io.listen("tcp://127.0.0.1:0", { maxNewSessionsPerSecond: 5 }), isOptionInvalid(/udp:\/\//));
    // The smallest and largest sizes are taken.
    const smallest = await io.listen("udp://127.0.0.1:0", { maxDatagramBytes: 256 });
    const largest = await io.listen("udp://127.0.0.1:0", { maxDatagramBytes: 65_507, mode: "engine.io" });
    assert.equal((await (await UdpPeer.create(smallest.url)).handshake()).maxPayload, 256);
    assert.equal((await (await UdpPeer.create(largest.url)).handshake()).maxPayload, 65_507);
  });
});

describe("udp over IPv6", () => {
  it("listens on [::1]: handshake, join, events, and the peer's address", async () => {
    const { io, listener } = await serveUdp({}, {}, "::1");
    assert.match(listener.url, /^udp:\/\/\[::1\]:\d+$/);
    io.on("connection", (socket) => socket.on("sum", (a: number, b: number, ack: (sum: number) => void) => ack(a + b)));
    const { peer, socket } = await joinedUdp(io, listener);
    assert.equal(socket.conn.transport.name, "udp");
    assert.equal(socket.handshake.address, "::1");
    assert.deepEqual(await peer.emitWithAck("sum", 20, 22), [42]);
    assert.ok(peer.bytesReceived > 0 && peer.received.every((datagram) => datagram.from.address === "::1"));
  });
});
