// Rooms and broadcasts with real socket.io-client peers: to/in/except, socket.to
// and socket.broadcast, broadcast acknowledgements, and the cluster-style
// operations (fetchSockets, socketsJoin, socketsLeave, disconnectSockets).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ArgumentError, TimeoutError, type Server, type Socket } from "../../../src/index.js";
import { connect, connected, delay, once, startServer, until, type ClientSocket } from "../../helpers/peers.js";

interface Peer {
  client: ClientSocket;
  socket: Socket;
  /** Every "news" event the client received, in order. */
  news: unknown[];
}

/** Starts a server and connects `count` clients that record "news" events. */
async function group(count: number): Promise<{ io: Server; peers: Peer[] }> {
  const { io, url } = await startServer();
  const peers: Peer[] = [];
  for (let i = 0; i < count; i++) {
    const serverSide = once<[Socket]>(io, "connection");
    const client = await connected(url);
    const [socket] = await serverSide;
    const news: unknown[] = [];
    client.on("news", (value: unknown) => news.push(value));
    peers.push({ client, socket, news });
  }
  return { io, peers };
}

/** Lets every peer finish reading: a round trip to each proves earlier frames arrived. */
async function settle(peers: Peer[]): Promise<void> {
  await Promise.all(
    peers.map(async ({ socket, client }) => {
      client.on("sync", (ack: () => void) => ack());
      await socket.timeout(2000).emitWithAck("sync");
    }),
  );
}

/** Runs these tests over the transports the runner file chose (useClientTransports). */
export function roomsSuite(): void {
  describe("rooms", () => {
    it("joins and leaves rooms, one or several at a time", async () => {
      const { peers } = await group(1);
      const { socket } = peers[0]!;
      assert.deepEqual([...socket.rooms], [socket.id]);
      await socket.join("a");
      await socket.join(["b", "c"]);
      assert.deepEqual([...socket.rooms].sort(), [socket.id, "a", "b", "c"].sort());
      await socket.leave("b");
      assert.deepEqual([...socket.rooms].sort(), [socket.id, "a", "c"].sort());
    });

    it("broadcasts to a room only its members", async () => {
      const { io, peers } = await group(3);
      await peers[0]!.socket.join("room");
      await peers[1]!.socket.join("room");
      io.to("room").emit("news", "for the room");
      await settle(peers);
      assert.deepEqual(
        peers.map((peer) => peer.news),
        [["for the room"], ["for the room"], []],
      );
    });

    it("reaches a socket in two targeted rooms once", async () => {
      const { io, peers } = await group(2);
      await peers[0]!.socket.join(["x", "y"]);
      await peers[1]!.socket.join("y");
      io.to("x").to("y").emit("news", 1);
      io.in(["x", "y"]).emit("news", 2);
      await settle(peers);
      assert.deepEqual(peers[0]!.news, [1, 2]);
      assert.deepEqual(peers[1]!.news, [1, 2]);
    });

    it("leaves out the sockets of except() rooms, and a socket's own room", async () => {
      const { io, peers } = await group(3);
      await peers[0]!.socket.join("muted");
      io.except("muted").emit("news", "a");
      io.except(peers[1]!.socket.id).emit("news", "b");
      io.to("muted").except("muted").emit("news", "nobody");
      await settle(peers);
      assert.deepEqual(
        peers.map((peer) => peer.news),
        [["b"], ["a"], ["a", "b"]],
      );
    });

    it("reaches one socket through its own room", async () => {
      const { io, peers } = await group(2);
      io.to(peers[1]!.socket.id).emit("news", "private");
      await settle(peers);
      assert.deepEqual(
        peers.map((peer) => peer.news),
        [[], ["private"]],
      );
    });

    it("sends socket.to() and socket.broadcast to everyone but the sender", async () => {
      const { peers } = await group(3);
      const [sender] = peers;
      for (const peer of peers) await peer.socket.join("chat");
      sender!.socket.to("chat").emit("news", "to others in chat");
      sender!.socket.broadcast.emit("news", "to all others");
      await settle(peers);
      assert.deepEqual(
        peers.map((peer) => peer.news),
        [[], ["to others in chat", "to all others"], ["to others in chat", "to all others"]],
      );
    });

    it("shows the rooms in 'disconnecting' and clears them after", async () => {
      const { io, peers } = await group(1);
      const { socket, client } = peers[0]!;
      await socket.join("kept");
      const disconnecting = once<[string]>(socket, "disconnecting");
      let roomsWhileLeaving: string[] = [];
      socket.on("disconnecting", () => (roomsWhileLeaving = [...socket.rooms]));
      client.disconnect();
      await disconnecting;
      assert.deepEqual(roomsWhileLeaving.sort(), [socket.id, "kept"].sort());
      await until(() => !io.sockets.adapter.rooms.has("kept"));
      assert.equal(socket.rooms.size, 0);
    });

    it("delivers broadcasts of binary data", async () => {
      const { io, peers } = await group(2);
      const received = peers.map((peer) => once<[Buffer]>(peer.client, "blob"));
      io.emit("blob", Buffer.from([1, 2, 3]));
      for (const [data] of await Promise.all(received)) assert.deepEqual([...data], [1, 2, 3]);
    });
  });

  describe("broadcast acknowledgements", () => {
    it("collects one answer per client", async () => {
      const { io, peers } = await group(3);
      peers.forEach(({ client }, index) => client.on("vote", (ack: (value: number) => void) => ack(index)));
      const answers = (await io.timeout(2000).emitWithAck("vote")) as number[];
      assert.deepEqual(answers.sort(), [0, 1, 2]);
    });

    it("answers at once with an empty list when no client is targeted", async () => {
      const { io } = await group(1);
      assert.deepEqual(await io.to("empty-room").timeout(2000).emitWithAck("vote"), []);
    });

    it("fails with a TimeoutError carrying the answers that came", async () => {
      const { io, peers } = await group(2);
      peers[0]!.client.on("vote", (ack: (value: string) => void) => ack("yes"));
      const [error, answers] = await new Promise<unknown[]>((resolve) =>
        io.timeout(100).emit("vote", (...args: unknown[]) => resolve(args)),
      );
      assert.ok(error instanceof TimeoutError);
      assert.deepEqual(answers, ["yes"]);
      await assert.rejects(io.timeout(50).emitWithAck("vote"), (rejection: unknown) => {
        assert.ok(rejection instanceof TimeoutError);
        assert.deepEqual((rejection as TimeoutError & { responses: unknown[] }).responses, ["yes"]);
        return true;
      });
    });

    it("refuses a broadcast acknowledgement without timeout()", async () => {
      const { io } = await group(1);
      assert.throws(() => io.emit("vote", () => undefined), ArgumentError);
    });

    it("collects answers from a room broadcast sent by a socket", async () => {
      const { peers } = await group(3);
      for (const peer of peers) await peer.socket.join("team");
      peers.forEach(({ client }, index) => client.on("ready?", (ack: (value: string) => void) => ack(`p${index}`)));
      const answers = (await peers[0]!.socket.to("team").timeout(2000).emitWithAck("ready?")) as string[];
      assert.deepEqual(answers.sort(), ["p1", "p2"]);
    });
  });

  describe("socket-set operations", () => {
    it("fetches the sockets of a room, with their data", async () => {
      const { io, peers } = await group(3);
      peers[1]!.socket.data = { name: "bea" };
      await peers[1]!.socket.join("r");
      await peers[2]!.socket.join("r");
      const fetched = await io.in("r").fetchSockets();
      assert.deepEqual(fetched.map((socket) => socket.id).sort(), [peers[1]!.socket.id, peers[2]!.socket.id].sort());
      assert.deepEqual(fetched.find((socket) => socket.id === peers[1]!.socket.id)?.data, { name: "bea" });
      assert.equal((await io.fetchSockets()).length, 3);
      assert.deepEqual([...(await io.in("r").allSockets())].sort(), fetched.map((socket) => socket.id).sort());
    });

    it("makes matching sockets join and leave rooms", async () => {
      const { io, peers } = await group(2);
      await peers[0]!.socket.join("old");
      io.in("old").socketsJoin(["new1", "new2"]);
      assert.deepEqual([...peers[0]!.socket.rooms].sort(), [peers[0]!.socket.id, "new1", "new2", "old"].sort());
      assert.deepEqual([...peers[1]!.socket.rooms], [peers[1]!.socket.id]);
      io.socketsLeave("new1");
      assert.equal(peers[0]!.socket.rooms.has("new1"), false);
    });

    it("disconnects matching sockets; with close, their connections too", async () => {
      const { io, peers } = await group(3);
      await peers[0]!.socket.join("gone");
      const reason = once<[string]>(peers[0]!.client, "disconnect");
      io.in("gone").disconnectSockets();
      assert.equal((await reason)[0], "io server disconnect");
      const closed = once<[string]>(peers[1]!.client, "disconnect");
      io.except(peers[2]!.socket.id).disconnectSockets(true);
      assert.equal((await closed)[0], "io server disconnect");
      // socket.io-client closes a connection once its last namespace is gone, so only peer 2's remains.
      await until(() => io.engine.clientsCount === 1);
      await delay(20);
      assert.equal(peers[2]!.client.connected, true);
      assert.equal(io.engine.clientsCount, 1);
    });
  });

  describe("volatile and compress", () => {
    it("delivers volatile emits to a client that keeps up", async () => {
      const { io, peers } = await group(1);
      // Over polling, volatile packets get through only while a GET waits (as in Socket.IO).
      await until(() => peers[0]!.socket.conn.transport.writable);
      io.volatile.emit("news", 1);
      peers[0]!.socket.volatile.emit("news", 2);
      io.compress(false).emit("news", 3);
      peers[0]!.socket.compress(true).emit("news", 4);
      await settle(peers);
      assert.deepEqual(peers[0]!.news, [1, 2, 3, 4]);
    });
  });

  describe("rooms and acknowledgements after review", () => {
    it("forgets rooms joined by a socket the middleware refused, or after it left", async () => {
      const { io, url } = await startServer();
      io.use((socket, next) => {
        void socket.join("joined-then-refused");
        next(new Error("no"));
      });
      await once(connect(url), "connect_error");
      assert.equal(io.sockets.adapter.rooms.has("joined-then-refused"), false);

      const other = io.of("/late");
      other.on("connection", async (socket) => {
        await delay(30);
        void socket.join("joined-after-leaving");
      });
      const client = await connected(`${url}/late`);
      client.disconnect();
      await delay(60);
      assert.equal(other.adapter.rooms.has("joined-after-leaving"), false);
    });

    it("lists each socket's own room in adapter.rooms and its rooms in adapter.sids, as Socket.IO does", async () => {
      const { io, peers } = await group(2);
      const [a, b] = peers.map((peer) => peer.socket.id) as [string, string];
      await peers[0]!.socket.join("public");
      const { rooms, sids } = io.sockets.adapter;
      assert.deepEqual([...rooms.get(a)!], [a]);
      assert.deepEqual([...rooms.get("public")!], [a]);
      assert.equal(rooms.size, 3);
      assert.deepEqual([...rooms.keys()].sort(), [a, b, "public"].sort());
      assert.deepEqual([...sids.get(a)!].sort(), [a, "public"].sort());
      assert.equal(sids.has(b), true);
      const publicRooms = [...rooms.keys()].filter((room) => !sids.has(room));
      assert.deepEqual(publicRooms, ["public"]);
    });

    it("releases pending broadcast acks of children when a parent's broadcast times out", async () => {
      const { io, url } = await startServer({ maxPendingAcks: 2 });
      const parent = io.of(/^\/kids-\d+$/);
      await connected(`${url}/kids-1`); // never answers "vote"
      for (let round = 0; round < 4; round++) {
        await assert.rejects(parent.timeout(20).emitWithAck("vote"), TimeoutError);
      }
      const [child] = [...parent.children];
      const [socket] = [...child!.sockets.values()];
      assert.doesNotThrow(() => socket!.emit("still-room-for-acks", () => undefined));
    });

    it("keeps acknowledgement ids apart between a parent's broadcast and a child's own emits", async () => {
      const { io, url } = await startServer();
      const parent = io.of(/^\/ids-\d+$/);
      const joined = once<[Socket]>(parent, "connection");
      const client = await connected(`${url}/ids-1`);
      const [socket] = await joined;
      client.on("q1", (ack: (value: string) => void) => setTimeout(() => ack("answer-to-q1"), 20));
      client.on("q2", (ack: (value: string) => void) => ack("answer-to-q2"));
      const first = socket.timeout(2000).emitWithAck("q1");
      const all: unknown = await parent.timeout(2000).emitWithAck("q2");
      assert.deepEqual(all, ["answer-to-q2"]);
      assert.equal(await first, "answer-to-q1");
    });

    it("reports, never throws, a broadcast ack callback that fails", async () => {
      const { io } = await group(1);
      const errors: string[] = [];
      io.sockets.on("error", (error) => errors.push(error.message));
      io.to("nobody")
        .timeout(1000)
        .emit("vote", () => {
          throw new Error("on completion");
        });
      io.timeout(20).emit("vote", () => {
        throw new Error("on timeout");
      });
      await until(() => errors.length === 2);
      assert.deepEqual(errors.sort(), ["on completion", "on timeout"]);
    });
  });
}
