// Disconnect reasons as each side reports them, with socket.io-client 4.8 (npm)
// and raw Engine.IO peers: the exact Socket.IO strings applications switch on.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Socket } from "../../../src/index.js";
import { connected, once, RawClient, startServer, until, type ClientSocket } from "../../helpers/peers.js";

async function pair(
  options: Parameters<typeof startServer>[0] = {},
): Promise<{ socket: Socket; client: ClientSocket } & Awaited<ReturnType<typeof startServer>>> {
  const server = await startServer(options);
  const serverSide = once<[Socket]>(server.io, "connection");
  const client = await connected(server.url);
  const [socket] = await serverSide;
  return { ...server, socket, client };
}

/** Runs these tests over the transports the runner file chose (useClientTransports). */
export function disconnectSuite(): void {
  describe("disconnect reasons", () => {
    it("client disconnect(): 'client namespace disconnect' on the server", async () => {
      const { socket, client } = await pair();
      const serverReason = once<[string]>(socket, "disconnect");
      const clientReason = once<[string]>(client, "disconnect");
      client.disconnect();
      assert.equal((await serverReason)[0], "client namespace disconnect");
      assert.equal((await clientReason)[0], "io client disconnect");
      assert.equal(socket.connected, false);
      assert.equal(socket.disconnected, true);
    });

    it("client transport closed: 'transport close' on the server", async () => {
      const { socket, client } = await pair();
      const serverReason = once<[string]>(socket, "disconnect");
      client.io.engine.close();
      assert.equal((await serverReason)[0], "transport close");
    });

    it("server socket.disconnect(): 'io server disconnect' on the client, no reconnection", async () => {
      const { socket, client } = await pair();
      const serverReason = once<[string]>(socket, "disconnect");
      const clientReason = once<[string]>(client, "disconnect");
      socket.disconnect();
      assert.equal((await serverReason)[0], "server namespace disconnect");
      assert.equal((await clientReason)[0], "io server disconnect");
      assert.equal(client.active, false, "socket.io-client does not reconnect after a server disconnect");
    });

    it("server socket.disconnect(true) closes every namespace of the connection", async () => {
      const { io, url } = await startServer();
      io.of("/other");
      const serverSide = once<[Socket]>(io, "connection");
      const client = await connected(url, { forceNew: false });
      const [socket] = await serverSide;
      const other = await connected(`${url}/other`, { forceNew: false });
      assert.equal(other.io, client.io);
      const mainReason = once<[string]>(client, "disconnect");
      const otherReason = once<[string]>(other, "disconnect");
      socket.disconnect(true);
      assert.equal((await mainReason)[0], "io server disconnect");
      assert.equal((await otherReason)[0], "io server disconnect");
      await until(() => io.engine.clientsCount === 0);
    });

    it("io.close(): 'server shutting down' on the server, 'io server disconnect' on clients, HTTP server closed", async () => {
      const { io, httpServer, socket, client } = await pair();
      const serverReason = once<[string]>(socket, "disconnect");
      const clientReason = once<[string]>(client, "disconnect");
      await io.close();
      assert.equal((await serverReason)[0], "server shutting down");
      assert.equal((await clientReason)[0], "io server disconnect");
      assert.equal(httpServer.listening, false);
    });

    it("a peer that never answers pings: 'ping timeout' on the server", async () => {
      const { io, port } = await startServer({ pingInterval: 50, pingTimeout: 50 });
      const serverSide = once<[Socket]>(io, "connection");
      const { client } = await RawClient.connected(port); // RawClient never sends a pong
      const [socket] = await serverSide;
      const started = Date.now();
      const [reason] = await once<[string]>(socket, "disconnect", 2000);
      assert.equal(reason, "ping timeout");
      assert.ok(Date.now() - started < 1000);
      await client.closed;
    });

    it("a peer that answers pings stays connected", async () => {
      const { io, port } = await startServer({ pingInterval: 30, pingTimeout: 30 });
      const { client } = await RawClient.connected(port);
      for (let i = 0; i < 5; i++) {
        assert.equal(await client.nextMatching((message) => message === "2"), "2");
        client.send("3");
      }
      assert.equal(io.sockets.sockets.size, 1);
    });

    it("an Engine.IO close packet from the peer: 'transport close'", async () => {
      const { io, port } = await startServer();
      const serverSide = once<[Socket]>(io, "connection");
      const { client } = await RawClient.connected(port);
      const [socket] = await serverSide;
      const reason = once<[string]>(socket, "disconnect");
      client.send("1");
      assert.equal((await reason)[0], "transport close");
    });
  });
}
