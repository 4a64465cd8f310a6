// Connection-state recovery, against socket.io 4.8 (enchufe's server does not offer
// it yet): after an abnormal close the client resumes its session, with the same
// id, and receives what the server broadcast while it was away.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { nextConnection, once, pair, record, until, withTimeout, type Setup } from "../../helpers/client-peers.js";

export function recoverySuite(setup: Setup): void {
  describe("connection-state recovery", () => {
    it("resumes the session after the server closes the connection, with the missed events", async () => {
      const { peer, client, socket } = await pair(
        setup,
        { reconnection: true, reconnectionDelay: 100, randomizationFactor: 0 },
        { connectionStateRecovery: {} },
      );
      assert.equal(client.recovered, false);
      const news = record<[number, ...unknown[]]>(client, "news");
      peer.server.emit("news", 1); // a broadcast: it carries an offset
      await until(() => news.length === 1, 3000);
      const firstId = client.id;
      // "forced close" is a recoverable reason on socket.io (RECOVERABLE_DISCONNECT_REASONS).
      socket.on("disconnect", () => {
        peer.server.emit("news", 2);
        peer.server.emit("news", 3);
      });
      const serverSide = withTimeout(nextConnection(peer.server), "recovered connection");
      const reason = once<[string]>(client, "disconnect", 3000);
      socket.conn.close();
      assert.equal((await reason)[0], "transport close");
      await once(client, "connect", 3000);
      const recovered = await serverSide;
      assert.equal(client.recovered, true);
      assert.equal(recovered.recovered, true);
      assert.equal(client.id, firstId);
      assert.equal(recovered.id, firstId);
      await until(() => news.length === 3, 3000);
      assert.deepEqual(
        news.map(([value]) => value),
        [1, 2, 3],
      );
      // Each broadcast carried its offset as a last argument.
      assert.ok(news.every((args) => typeof args[1] === "string"));
    });

    it("does not resume after the server's own disconnect", async () => {
      const { peer, client, socket } = await pair(
        setup,
        { reconnection: true, reconnectionDelay: 50, randomizationFactor: 0 },
        { connectionStateRecovery: {} },
      );
      peer.server.emit("news", 1);
      await once(client, "news", 3000);
      const firstId = client.id;
      const reason = once<[string]>(client, "disconnect", 3000);
      socket.disconnect();
      assert.equal((await reason)[0], "io server disconnect");
      // By hand, as an application would.
      client.connect();
      await once(client, "connect", 3000);
      assert.equal(client.recovered, false);
      assert.notEqual(client.id, firstId);
    });
  });
}
