// The raw listeners (`io.listen("tcp://…" | "tls://…" | "ipc://…")`) seen from a peer
// that writes the frames of docs/protocol.md by hand: the session, events and acks
// both ways, binary attachments, middleware, heartbeat, rooms shared with
// WebSocket clients, hostile bytes, TLS (server and client certificates), close,
// and listen errors. The certificates are made at run time by openssl in a temp
// directory: no key is committed.
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { mkdtempSync, rmSync } from "node:fs";
import { createConnection, type Socket as NetSocket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TLSSocket } from "node:tls";
import { after, afterEach, before, describe, it } from "node:test";
import { ArgumentError, ProtocolError, type Server, type ServerOptions, type Socket } from "../../src/index.js";
import type { RawListener, RawListenOptions, RawListenUrl } from "../../src/server/raw-listener.js";
import { makeCertificates, type Certificates } from "../helpers/certificates.js";
import { within } from "../helpers/honest-peer.js";
import { closeAll, connected, delay, once, startServer, until } from "../helpers/peers.js";
import {
  checkBinaryAcks,
  checkEventsAndAcks,
  handleNotesAndSums,
  withServerSocket,
} from "../helpers/raw-peer-checks.js";
import {
  cleanupStreamPeers,
  ConnectRefused,
  frame,
  Kind,
  rawServer,
  StreamPeer,
  tempSocketPath,
  type StreamPeerOptions,
} from "../helpers/stream-peer.js";

afterEach(async () => {
  await cleanupStreamPeers();
  await closeAll();
});

// ---------------------------------------------------------------------------------------------
let certDir: string;
let certs: Certificates;

before(() => {
  certDir = mkdtempSync(join(tmpdir(), "enchufe-certs-"));
  certs = makeCertificates(certDir);
});

after(() => rmSync(certDir, { recursive: true, force: true }));

// ---------------------------------------------------------------------------------------------

type TransportName = "tcp" | "ipc" | "tls";
const TRANSPORTS: TransportName[] = ["tcp", "ipc", "tls"];

function serverTls(): RawListenOptions {
  return { key: certs.serverKey, cert: certs.serverCert };
}

/** A server without HTTP, listening on a fresh address of `transport`. */
async function serve(
  transport: TransportName,
  options: ServerOptions = {},
  tlsOptions: RawListenOptions = {},
): Promise<{ io: Server; listener: RawListener }> {
  const io = rawServer(options);
  const url: RawListenUrl = transport === "ipc" ? `ipc://${tempSocketPath()}` : `${transport}://127.0.0.1:0`;
  const listener = await io.listen(url, transport === "tls" ? { ...serverTls(), ...tlsOptions } : {});
  return { io, listener };
}

/** The client options that let a peer reach a listener of `transport` (the CA for TLS). */
function peerOptions(transport: RawListener["transport"], extra: StreamPeerOptions = {}): StreamPeerOptions {
  return transport === "tls" ? { ...extra, tls: { ca: certs.ca, ...extra.tls } } : extra;
}

/** Joins "/" with a new peer and returns it with its server-side socket. */
async function joinedPeer(
  io: Server,
  listener: RawListener,
  options: StreamPeerOptions & { auth?: Record<string, unknown> } = {},
): Promise<{ peer: StreamPeer; socket: Socket }> {
  return withServerSocket(
    io,
    await StreamPeer.joined(listener.url, { ...peerOptions(listener.transport), ...options }),
  );
}

for (const transport of TRANSPORTS) {
  describe(`a session over ${transport}`, () => {
    it("starts with the server's open packet: a sid, no upgrades, the heartbeat and the payload limit", async () => {
      const { listener } = await serve(transport, { pingInterval: 4000, pingTimeout: 3000, maxHttpBufferSize: 5000 });
      assert.equal(listener.transport, transport);
      const peer = await StreamPeer.connect(listener.url, peerOptions(transport));
      const first = await peer.next();
      assert.equal(typeof first, "string");
      const open = JSON.parse((first as string).slice(1)) as Record<string, unknown>;
      assert.equal((first as string)[0], "0");
      assert.match(open.sid as string, /^[\w-]{10,}$/);
      assert.deepEqual(
        { ...open, sid: "" },
        { sid: "", upgrades: [], pingInterval: 4000, pingTimeout: 3000, maxPayload: 5000 },
      );
    });

    it("joins with auth: handshake.auth, the transport name, the address and `secure`", async () => {
      const { io, listener } = await serve(transport);
      const connections = once<[Socket]>(io, "connection");
      const { peer, id } = await StreamPeer.joined(listener.url, {
        ...peerOptions(transport),
        auth: { token: "x", n: 1 },
      });
      const [socket] = await connections;
      assert.equal(socket.id, id);
      assert.deepEqual(socket.handshake.auth, { token: "x", n: 1 });
      assert.equal(socket.conn.transport.name, transport);
      assert.equal(socket.handshake.secure, transport === "tls");
      assert.equal(socket.handshake.certificate, undefined, "no client certificate was asked for");
      if (transport !== "ipc") assert.equal(socket.handshake.address, peer.socket.localAddress);
      assert.equal(io.engine.clientsCount, 1);
    });

    it("carries events and acks both ways", async () => {
      const { io, listener } = await serve(transport);
      const heard = handleNotesAndSums(io);
      const { peer, socket } = await joinedPeer(io, listener);

      // Peer → server, first the bytes of docs/protocol.md's example; then the rest, both ways.
      const hi = once(socket, "hi");
      peer.sendRaw(Buffer.from("00000008" + "00" + "34325b226869225d", "hex"));
      await hi;
      await checkEventsAndAcks(peer, socket, heard);
    });

    it("carries binary both ways: a kind-1 frame after its 45x packet, a Buffer in the handler", async () => {
      const { io, listener } = await serve(transport);
      io.on("connection", (socket) => {
        socket.on("echo", (value: unknown, ack: (value: unknown) => void) => ack(value));
      });
      const { peer, socket } = await joinedPeer(io, listener);

      // Server → peer: the exact frames.
      socket.emit("file", Buffer.from([1, 2, 3]), "meta");
      assert.equal(await peer.next(), '451-["file",{"_placeholder":true,"num":0},"meta"]');
      assert.deepEqual(await peer.next(), Buffer.from([1, 2, 3]));

      // Peer → server: the handler gets a Buffer.
      const uploaded = once<[unknown, unknown]>(socket, "upload");
      peer.emit("upload", Buffer.from([9, 8, 7]), "name");
      const [bytes, name] = await uploaded;
      assert.ok(Buffer.isBuffer(bytes), "a binary attachment must reach the handler as a Buffer");
      assert.deepEqual(bytes, Buffer.from([9, 8, 7]));
      assert.equal(name, "name");

      await checkBinaryAcks(peer, socket);
    });
  });
}

describe("joining over tcp", () => {
  it("refuses a CONNECT that middleware refuses, with CONNECT_ERROR 44{message, data}", async () => {
    const { io, listener } = await serve("tcp");
    io.use((socket, next) => {
      if (socket.handshake.auth.token === "good") return next();
      next(Object.assign(new Error("not allowed"), { data: { code: 7 } }));
    });
    const refused = await StreamPeer.opened(listener.url);
    refused.send('40{"token":"bad"}');
    assert.equal(await refused.nextText(), '44{"message":"not allowed","data":{"code":7}}');
    await assert.rejects(refused.join("/", { token: "bad" }), ConnectRefused);
    assert.equal(io.sockets.sockets.size, 0);

    const { id } = await StreamPeer.joined(listener.url, { auth: { token: "good" } });
    assert.deepEqual([...io.sockets.sockets.keys()], [id]);
  });

  it("answers a CONNECT to an unknown namespace with 44 Invalid namespace", async () => {
    const { listener } = await serve("tcp");
    const peer = await StreamPeer.opened(listener.url);
    await assert.rejects(peer.join("/nowhere"), (error: unknown) => {
      assert.ok(error instanceof ConnectRefused);
      assert.deepEqual(error.data, { message: "Invalid namespace" });
      return true;
    });
  });

  it("joins another namespace over the same connection", async () => {
    const { io, listener } = await serve("tcp");
    io.of("/chat").on("connection", (socket) => {
      socket.on("say", (text: string, ack: (text: string) => void) => ack(`chat: ${text}`));
    });
    const { peer } = await StreamPeer.joined(listener.url);
    const chatId = await peer.join("/chat", { room: 1 });
    assert.equal(io.of("/chat").sockets.get(chatId)?.handshake.auth.room, 1);
    peer.sendPacket(2, "/chat", 9, ["say", "hi"]);
    const answer = await peer.nextPacket((packet) => packet.type === 3 && packet.id === 9);
    assert.equal(answer.namespace, "/chat");
    assert.deepEqual(answer.data, ["chat: hi"]);
  });

  it("closes a peer that never joins once connectTimeout passes", async () => {
    const { io, listener } = await serve("tcp", { connectTimeout: 100 });
    const started = Date.now();
    const peer = await StreamPeer.opened(listener.url);
    await within(peer.closed, 2000, "the close of a peer that never joined");
    assert.ok(Date.now() - started >= 80, "not before connectTimeout");
    assert.equal(peer.isEndedByServer, true);
    await until(() => io.engine.clientsCount === 0, 1000);
  });
});

describe("heartbeat over tcp (pingInterval 60, pingTimeout 400)", () => {
  // Short pings, and a timeout long enough that a busy machine's pause is not a dead peer.
  const options = { pingInterval: 60, pingTimeout: 400 };

  it("keeps a peer that answers pings connected", async () => {
    const { io, listener } = await serve("tcp", options);
    io.on("connection", (socket) => socket.on("echo", (value: unknown, ack: (v: unknown) => void) => ack(value)));
    const { peer, socket } = await joinedPeer(io, listener);
    const reasons: string[] = [];
    socket.on("disconnect", (reason) => reasons.push(reason));
    // Nine rounds (540 ms at least): past the check of the first at 60 + 400 ms, which closes a
    // session whose pong did not come; counted, not timed, for a busy machine.
    await until(() => peer.pings >= 9, 3000);
    assert.deepEqual(reasons, []);
    assert.equal(socket.connected, true);
    assert.deepEqual(await peer.emitWithAck("echo", "alive"), ["alive"]);
  });

  it('disconnects a peer that does not answer, with "ping timeout"', async () => {
    const { io, listener } = await serve("tcp", options);
    const { peer, socket } = await joinedPeer(io, listener, { autoPong: false });
    const [reason] = await once<[string]>(socket, "disconnect", 1000);
    assert.equal(reason, "ping timeout");
    await within(peer.closed, 1000, "the close of the silent peer");
    assert.ok(peer.pings >= 1);
    assert.equal(await peer.next().catch(() => "none"), "2", "the ping it did not answer");
    await until(() => io.engine.clientsCount === 0, 1000);
  });
});

describe("rooms shared by WebSocket and TCP clients", () => {
  it("broadcasts to both, and relays between them", async () => {
    const { io, url } = await startServer();
    const listener = await io.listen("tcp://127.0.0.1:0");
    io.on("connection", (socket) => {
      void socket.join("room");
      socket.on("relay", (text: string) => socket.to("room").emit("relayed", text));
    });
    const ws = await connected(url);
    const { peer, socket } = await joinedPeer(io, listener);
    assert.equal(socket.conn.transport.name, "tcp");
    await until(() => io.sockets.adapter.rooms.get("room")?.size === 2);

    const wsNews = once<[string, Buffer]>(ws, "news");
    io.to("room").emit("news", "for everyone", Buffer.from([4, 2]));
    assert.deepEqual(await wsNews, ["for everyone", Buffer.from([4, 2])]);
    assert.deepEqual((await peer.nextEvent("news")).args, ["for everyone", Buffer.from([4, 2])]);

    const wsRelayed = once<[string]>(ws, "relayed");
    peer.emit("relay", "from tcp");
    assert.deepEqual(await wsRelayed, ["from tcp"]);
    ws.emit("relay", "from websocket");
    // The next "relayed" the peer sees is the WebSocket client's: its own relay skipped it.
    assert.deepEqual((await peer.nextEvent("relayed")).args, ["from websocket"]);
  });
});

// ---------------------------------------------------------------------------------------------

const MAX = 1000;

/** A frame header alone: u32 BE length, kind. */
function header(length: number, kind: number): Buffer {
  const bytes = Buffer.alloc(5);
  bytes.writeUInt32BE(length, 0);
  bytes[4] = kind;
  return bytes;
}

interface Fixture {
  io: Server;
  listener: RawListener;
  honest: StreamPeer;
}

/** A tcp server with maxHttpBufferSize 1000 and an honest peer joined before anything hostile. */
async function hostileFixture(): Promise<Fixture> {
  const { io, listener } = await serve("tcp", { maxHttpBufferSize: MAX });
  io.on("connection", (socket) => socket.on("echo", (value: unknown, ack: (v: unknown) => void) => ack(value)));
  const { peer: honest } = await joinedPeer(io, listener);
  return { io, listener, honest };
}

async function assertHonestServed(fixture: Fixture, sessions: number): Promise<void> {
  assert.deepEqual(await fixture.honest.emitWithAck("echo", "still here"), ["still here"]);
  await until(() => fixture.io.engine.clientsCount === sessions, 1000);
  const { peer } = await joinedPeer(fixture.io, fixture.listener);
  assert.deepEqual(await peer.emitWithAck("echo", 1), [1]);
}

const HOSTILE: { name: string; send: (peer: StreamPeer) => void }[] = [
  { name: "an unknown kind byte (7)", send: (peer) => peer.sendRaw(frame("42", 7)) },
  {
    name: `a length over maxHttpBufferSize (${MAX + 1}), refused from its header`,
    send: (peer) => peer.sendRaw(Buffer.concat([header(MAX + 1, Kind.TEXT), Buffer.from("42")])),
  },
  { name: "a length of 2^32 - 1", send: (peer) => peer.sendRaw(header(0xffffffff, Kind.BINARY)) },
  {
    name: "invalid UTF-8 in a text frame",
    send: (peer) => peer.sendRaw(frame(Buffer.from([0x34, 0x32, 0x5b, 0x22, 0xff, 0x22, 0x5d]), Kind.TEXT)),
  },
  {
    name: "a stream that ends inside a frame's payload",
    send: (peer) => {
      peer.sendRaw(frame('42["echo","x"]').subarray(0, 9));
      peer.end();
    },
  },
  {
    name: "a stream that ends inside a frame's header",
    send: (peer) => {
      peer.sendRaw(Buffer.from([0, 0, 0]));
      peer.end();
    },
  },
  { name: 'a text frame that is not an Engine.IO packet ("x")', send: (peer) => peer.send("x") },
  { name: "an empty text frame", send: (peer) => peer.send("") },
  { name: 'an Engine.IO ping from the peer ("2")', send: (peer) => peer.send("2") },
  { name: 'a garbage Socket.IO packet ("4xyz")', send: (peer) => peer.send("4xyz") },
  { name: 'truncated Socket.IO JSON ("42[")', send: (peer) => peer.send("42[") },
  { name: "a binary frame with no binary packet pending", send: (peer) => peer.send(Buffer.from([1, 2])) },
  {
    name: "a text frame while an attachment is awaited",
    send: (peer) => {
      peer.send('451-["a",{"_placeholder":true,"num":0}]');
      peer.send('42["b"]');
    },
  },
];

describe("malformed input over tcp: only that connection closes, with parse error", () => {
  for (const { name, send } of HOSTILE) {
    it(name, async () => {
      const fixture = await hostileFixture();
      const { peer, socket } = await joinedPeer(fixture.io, fixture.listener);
      const disconnected = once<[string, unknown]>(socket, "disconnect", 2000);
      send(peer);
      const [reason, description] = await disconnected;
      assert.equal(reason, "parse error");
      assert.ok(description instanceof ProtocolError, `expected a ProtocolError, got ${String(description)}`);
      await within(peer.closed, 2000, "the hostile peer's close");
      await assertHonestServed(fixture, 1);
    });
  }

  it("closes a session whose very first frame is bad, before any CONNECT", async () => {
    const fixture = await hostileFixture();
    const peer = await StreamPeer.opened(fixture.listener.url);
    assert.equal(fixture.io.engine.clientsCount, 2);
    peer.sendRaw(frame("40", 9));
    await within(peer.closed, 2000, "the hostile peer's close");
    assert.equal(fixture.io.sockets.sockets.size, 1);
    await assertHonestServed(fixture, 1);
  });

  it("accepts a frame of exactly maxHttpBufferSize bytes", async () => {
    const fixture = await hostileFixture();
    const filler = "y".repeat(MAX - '421["echo",""]'.length);
    const packet = `421["echo","${filler}"]`;
    assert.equal(Buffer.byteLength(packet), MAX);
    fixture.honest.send(packet);
    const answer = await fixture.honest.nextPacket((candidate) => candidate.type === 3 && candidate.id === 1);
    assert.deepEqual(answer.data, [filler]);
  });

  const BAD_FRAMES: { name: string; bytes: Buffer }[] = [
    { name: "a text frame that is no packet", bytes: frame("x") },
    { name: "a frame of unknown kind", bytes: frame("x", 3) },
  ];
  for (const bad of BAD_FRAMES) {
    it(`delivers the frames before ${bad.name} in the same write, and nothing after it`, async () => {
      const fixture = await hostileFixture();
      const { peer, socket } = await joinedPeer(fixture.io, fixture.listener);
      const events: string[] = [];
      socket.onAny((event: string) => events.push(event));
      const disconnected = once<[string]>(socket, "disconnect", 2000);
      peer.sendRaw(Buffer.concat([frame('42["before"]'), bad.bytes, frame('42["after"]')]));
      assert.equal((await disconnected)[0], "parse error");
      assert.deepEqual(events, ["before"]);
      await assertHonestServed(fixture, 1);
    });
  }

  it("reads frames split across writes at any byte", async () => {
    const fixture = await hostileFixture();
    // One frame carrying '421["echo","split"]', written a byte at a time.
    for (const byte of frame('421["echo","split"]')) {
      fixture.honest.sendRaw(Buffer.from([byte]));
      await delay(1);
    }
    const answer = await fixture.honest.nextPacket((candidate) => candidate.type === 3 && candidate.id === 1);
    assert.deepEqual(answer.data, ["split"]);
  });
});

// ---------------------------------------------------------------------------------------------

describe("tls", () => {
  it("refuses a peer that does not trust the CA, and keeps serving", async () => {
    const { io, listener } = await serve("tls");
    await assert.rejects(StreamPeer.connect(listener.url, { tls: {} }), (error: NodeJS.ErrnoException) => {
      assert.match(String(error.code), /CERT|SIGNATURE|SELF_SIGNED|ISSUER/);
      return true;
    });
    assert.equal(io.engine.clientsCount, 0);
    const { peer, socket } = await joinedPeer(io, listener);
    assert.equal(socket.handshake.secure, true);
    assert.equal(io.engine.clientsCount, 1);
    peer.emit("still", "fine");
  });

  it("checks the server's name: a peer asking for another host is refused", async () => {
    const { listener } = await serve("tls");
    await assert.rejects(
      StreamPeer.connect(listener.url, { tls: { ca: certs.ca, servername: "example.com" } }),
      (error: NodeJS.ErrnoException) => {
        assert.equal(error.code, "ERR_TLS_CERT_ALTNAME_INVALID");
        return true;
      },
    );
  });

  describe("with requestCert and rejectUnauthorized", () => {
    const mutual = (): RawListenOptions => ({ ca: certs.ca, requestCert: true, rejectUnauthorized: true });

    it("accepts a client whose certificate the CA signed, and shows it in handshake.certificate", async () => {
      const { io, listener } = await serve("tls", {}, mutual());
      const { socket } = await joinedPeer(io, listener, {
        tls: { ca: certs.ca, key: certs.clientKey, cert: certs.clientCert },
      });
      const tlsSocket = socket.request.socket as TLSSocket;
      assert.equal(tlsSocket.authorized, true);
      assert.equal(tlsSocket.getPeerCertificate().subject.CN, "enchufe test client");
      assert.equal(socket.handshake.certificate?.subject.CN, "enchufe test client");
      assert.equal(socket.handshake.certificate.issuer.CN, "enchufe test CA");
    });

    /** True when the peer could not connect, or was closed before the server said anything. */
    async function isRefused(url: string, options: StreamPeerOptions): Promise<boolean> {
      let peer: StreamPeer;
      try {
        peer = await StreamPeer.connect(url, options);
      } catch {
        return true;
      }
      // TLS 1.3: the client's handshake ends before the server checks its certificate.
      await within(peer.closed, 2000, "the refused client's close");
      return peer.queued.length === 0;
    }

    it("refuses a client without a certificate, or with one the CA did not sign, and keeps serving", async () => {
      const { io, listener } = await serve("tls", {}, mutual());
      const sessions: string[] = [];
      io.engine.on("connection", (session) => sessions.push(session.id));
      assert.equal(await isRefused(listener.url, { tls: { ca: certs.ca } }), true);
      assert.equal(
        await isRefused(listener.url, { tls: { ca: certs.ca, key: certs.strangerKey, cert: certs.strangerCert } }),
        true,
      );
      assert.deepEqual(sessions, [], "no session for a refused client");
      await joinedPeer(io, listener, { tls: { ca: certs.ca, key: certs.clientKey, cert: certs.clientCert } });
      assert.equal(sessions.length, 1);
    });
  });
});

// ---------------------------------------------------------------------------------------------

describe("io.close()", () => {
  for (const transport of TRANSPORTS) {
    it(`disconnects ${transport} peers, closes the listener, and frees the address`, async () => {
      const { io, listener } = await serve(transport);
      const peers = await Promise.all([joinedPeer(io, listener), joinedPeer(io, listener)]);
      const reasons: string[] = [];
      for (const { socket } of peers) socket.on("disconnect", (reason) => reasons.push(reason));
      await within(io.close(), 3000, "io.close()");
      for (const { peer } of peers) {
        const disconnect = await peer.nextPacket();
        assert.equal(disconnect.raw, "1", "a DISCONNECT for the namespace first");
        await within(peer.closed, 1000, "the peer's close");
        assert.equal(peer.isEndedByServer, true);
      }
      assert.deepEqual(reasons, ["server shutting down", "server shutting down"]);
      await assert.rejects(StreamPeer.connect(listener.url, peerOptions(transport)));

      // The same address again.
      const again = rawServer();
      const url = listener.url as RawListenUrl;
      const reopened = await again.listen(url, transport === "tls" ? serverTls() : {});
      assert.equal(reopened.url, listener.url);
      await joinedPeer(again, reopened);
    });
  }

  it("does not wait for a peer that never closes its side", async () => {
    const { io, listener } = await serve("tcp");
    const port = Number(/:(\d+)$/.exec(listener.url)![1]);
    const stubborn: NetSocket = createConnection({ port, host: "127.0.0.1", allowHalfOpen: true });
    stubborn.on("error", () => undefined);
    try {
      await once(stubborn, "data");
      await until(() => io.engine.clientsCount === 1);
      await within(io.close(), 3500, "io.close() with a half-open peer");
    } finally {
      stubborn.destroy();
    }
  });

  it("does not wait for a TLS peer that never finishes its handshake", async () => {
    const { io, listener } = await serve("tls");
    const port = Number(/:(\d+)$/.exec(listener.url)![1]);
    const silent: NetSocket = createConnection({ port, host: "127.0.0.1" });
    silent.on("error", () => undefined);
    try {
      await once(silent, "connect");
      await delay(20);
      await within(io.close(), 3500, "io.close() with a TLS handshake pending");
    } finally {
      silent.destroy();
    }
  });

  it("listener.close() stops accepting, keeps its sessions, and resolves once they are gone", async () => {
    const io = rawServer();
    io.on("connection", (socket) => socket.on("echo", (value: unknown, ack: (v: unknown) => void) => ack(value)));
    const first = await io.listen("tcp://127.0.0.1:0");
    const second = await io.listen(`ipc://${tempSocketPath()}`);
    const { peer } = await joinedPeer(io, first);
    let isClosed = false;
    const closing = first.close().then(() => (isClosed = true));
    await assert.rejects(StreamPeer.connect(first.url));
    // The session accepted before goes on, and so does the other listener.
    assert.deepEqual(await peer.emitWithAck("echo", 1), [1]);
    const { peer: other } = await joinedPeer(io, second);
    assert.deepEqual(await other.emitWithAck("echo", 2), [2]);
    assert.equal(isClosed, false);
    peer.leave();
    peer.end();
    await within(closing, 2000, "listener.close() once its last session is gone");
    await until(() => io.engine.clientsCount === 1, 1000);
  });
});

describe("listen errors", () => {
  it("rejects with EADDRINUSE for a port in use, and for a socket path in use", async () => {
    const { listener } = await serve("tcp");
    await assert.rejects(rawServer().listen(listener.url as RawListenUrl), { code: "EADDRINUSE" });
    const { listener: ipc } = await serve("ipc");
    await assert.rejects(rawServer().listen(ipc.url as RawListenUrl), { code: "EADDRINUSE" });
  });

  for (const url of ["tcp://nohost", "udp://:99999", "tcp://:99999", "tls://", "ipc://relative.sock", "http://x:1"]) {
    it(`rejects "${url}" with ArgumentError`, async () => {
      await assert.rejects(rawServer().listen(url as RawListenUrl), ArgumentError);
    });
  }

  it('listens on "tcp://:0" (every interface) and reports the port it got', async () => {
    const io = rawServer();
    const listener = await io.listen("tcp://:0");
    assert.match(listener.url, /^tcp:\/\/.+:\d+$/);
    assert.doesNotMatch(listener.url, /:0$/);
    await joinedPeer(io, listener);
  });
});
