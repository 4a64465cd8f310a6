// withCredentials in Node: the client keeps the server's cookies (a load balancer's
// sticky-session cookie; enchufe's `cookie` option) and sends them back on every
// request of the session. Against enchufe's server, which sets `io=<sid>`.
import assert from "node:assert/strict";
import type { IncomingMessage } from "node:http";
import { describe, it } from "node:test";
import { connectedClient, finalTransport, startPeer, until, type Setup } from "../../helpers/client-peers.js";

/** The Cookie header of every request of a session (the handshake has no sid yet). */
function sessionCookies(request: IncomingMessage, into: (string | undefined)[]): void {
  if (request.url?.includes("sid=") === true) into.push(request.headers.cookie);
}

export function cookieSuite(setup: Setup): void {
  describe("withCredentials", () => {
    it("sends the server's cookie back on every request after the handshake", async () => {
      const peer = await startPeer("enchufe", { cookie: true });
      const cookies: (string | undefined)[] = [];
      peer.httpServer.prependListener("request", (request: IncomingMessage) => sessionCookies(request, cookies));
      peer.httpServer.prependListener("upgrade", (request: IncomingMessage) => sessionCookies(request, cookies));
      peer.server.on("connection", (socket) =>
        socket.on("echo", (value: unknown, ack: (v: unknown) => void) => ack(value)),
      );
      const client = await connectedClient(setup, peer.url, { withCredentials: true });
      assert.equal(await client.timeout(2000).emitWithAck("echo", 1), 1);
      await until(() => client.io.engine!.transport.name === finalTransport(setup), 3000);
      const sid = client.io.engine!.id!;
      assert.ok(cookies.length >= 2, `only ${cookies.length} requests seen`);
      for (const cookie of cookies) assert.equal(cookie, `io=${sid}`);
    });

    it("sends no cookie without withCredentials", async () => {
      const peer = await startPeer("enchufe", { cookie: true });
      const cookies: (string | undefined)[] = [];
      peer.httpServer.prependListener("request", (request: IncomingMessage) => sessionCookies(request, cookies));
      peer.httpServer.prependListener("upgrade", (request: IncomingMessage) => sessionCookies(request, cookies));
      const client = await connectedClient(setup, peer.url);
      await until(() => client.io.engine!.transport.name === finalTransport(setup), 3000);
      assert.ok(cookies.length >= 1);
      for (const cookie of cookies) assert.equal(cookie, undefined);
    });
  });
}
