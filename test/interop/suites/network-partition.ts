// A network partition (a proxy that stops forwarding, nobody closes anything):
// both sides find out through the heartbeat and report "ping timeout".
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import type { Socket } from "../../../src/index.js";
import { connected, once, startServer } from "../../helpers/peers.js";
import { startTcpProxy } from "../../helpers/tcp-proxy.js";

/** Runs these tests over the transports the runner file chose (useClientTransports). */
export function networkPartitionSuite(): void {
  describe("network partition", () => {
    it("ends in 'ping timeout' on the server and on socket.io-client", async () => {
      const { io, port } = await startServer({ pingInterval: 100, pingTimeout: 100 });
      const proxy = await startTcpProxy(port);
      after(() => proxy.close());
      const serverSide = once<[Socket]>(io, "connection");
      const client = await connected(`http://127.0.0.1:${proxy.port}`);
      const [socket] = await serverSide;
      await once(client.io, "ping"); // the heartbeat crosses the proxy
      const serverReason = once<[string]>(socket, "disconnect", 3000);
      const clientReason = once<[string]>(client, "disconnect", 3000);
      proxy.freeze();
      assert.equal((await serverReason)[0], "ping timeout");
      assert.equal((await clientReason)[0], "ping timeout");
      assert.equal(io.engine.clientsCount, 0);
    });
  });
}
