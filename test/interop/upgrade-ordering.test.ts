// Issue #4: no packet lost, duplicated or reordered while messages flow both ways
// across the upgrade from polling to WebSocket, with socket.io-client's defaults.
import assert from "node:assert/strict";
import { createServer, type Server as HttpServer } from "node:http";
import { afterEach, describe, it } from "node:test";
import type { Socket } from "../../src/index.js";
import { closeAll, connected, delay, once, startServer, until, useClientTransports } from "../helpers/peers.js";

useClientTransports(undefined); // polling, then the upgrade
const UPGRADE_DELAY_MS = 150;
afterEach(closeAll);

/**
 * Sends numbered events until `isUpgraded()` has held for `after` more events (at
 * most `limit`); returns how many were sent, and how many before the upgrade.
 */
async function stream(send: (n: number) => void, isUpgraded: () => boolean, after = 200, limit = 20_000) {
  let sent = 0;
  let beforeUpgrade = -1;
  while (sent < limit && (beforeUpgrade === -1 || sent - beforeUpgrade < after)) {
    if (beforeUpgrade === -1 && isUpgraded()) beforeUpgrade = sent;
    send(sent++);
    if (sent % 5 === 0) await delay(1); // let both sides' I/O run, so the upgrade happens mid-stream
  }
  return { sent, beforeUpgrade };
}

/**
 * An HTTP server that hands WebSocket handshakes on after a delay, as a slow proxy
 * would, so that both sides are streaming over polling when the upgrade happens
 * (on loopback the client would otherwise finish upgrading before its first emit).
 */
function slowUpgradeServer(): HttpServer {
  const server = createServer();
  const emit = server.emit.bind(server) as (event: string, ...args: unknown[]) => boolean;
  server.emit = ((event: string, ...args: unknown[]) => {
    if (event !== "upgrade") return emit(event, ...args);
    setTimeout(() => emit(event, ...args), UPGRADE_DELAY_MS);
    return true;
  }) as HttpServer["emit"];
  return server;
}

function isSequence(values: readonly number[], count: number): boolean {
  return values.length === count && values.every((value, index) => value === index);
}

describe("upgrade ordering", () => {
  for (const binary of [false, true]) {
    it(`keeps ${binary ? "binary " : ""}numbered events in order both ways while the client upgrades`, async () => {
      const { io, url } = await startServer({}, slowUpgradeServer());
      const toServer: number[] = [];
      const toClient: number[] = [];
      const serverSide = once<[Socket]>(io, "connection");
      const client = await connected(url);
      const [socket] = await serverSide;
      assert.equal(socket.conn.transport.name, "polling", "the client starts on polling");
      const payload = (n: number): unknown => (binary ? { n, bytes: Buffer.from([n & 255]) } : { n });
      const read = (value: { n: number; bytes?: Buffer }): number => {
        if (binary) assert.equal(value.bytes?.[0], value.n & 255);
        return value.n;
      };
      socket.on("up", (value: { n: number; bytes?: Buffer }) => toServer.push(read(value)));
      client.on("down", (value: { n: number; bytes?: Buffer }) => toClient.push(read(value)));

      const [up, down] = await Promise.all([
        stream(
          (n) => client.emit("up", payload(n)),
          () => client.io.engine.transport.name === "websocket",
        ),
        stream(
          (n) => socket.emit("down", payload(n)),
          () => socket.conn.transport.name === "websocket",
        ),
      ]);
      await until(() => toServer.length === up.sent && toClient.length === down.sent, 10_000);

      assert.equal(socket.conn.transport.name, "websocket");
      // Each side sent some events over polling and the rest over the WebSocket.
      assert.ok(up.beforeUpgrade > 0, "the client sent events before it switched");
      assert.ok(down.beforeUpgrade > 0, "the server sent events before it switched");
      assert.ok(isSequence(toServer, up.sent), `client to server: ${up.sent} sent, received out of order or lost`);
      assert.ok(isSequence(toClient, down.sent), `server to client: ${down.sent} sent, received out of order or lost`);
    });
  }
});
