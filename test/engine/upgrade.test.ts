// The upgrade from polling to WebSocket by hand (engine.io-protocol-v4.md ›
// "Upgrade"): a polling session, then a WebSocket with its sid; 2probe answered
// 3probe, GETs answered with noop, 5 moving the session over with nothing lost or
// duplicated; the upgrades refused, aborted, timed out and abandoned, after which
// the session goes on polling.
import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import type { ServerOptions } from "../../src/index.js";
import { within } from "../helpers/honest-peer.js";
import { delay, once, startServer, until, type TestServer } from "../helpers/peers.js";
import {
  assertRefused,
  assertStillPolling,
  cleanUpPollingTest,
  heldGet,
  call,
  connectionCount,
  joinPolling,
  pollingHandshake,
  WebSocketPeer,
  type PollingPeer,
} from "../helpers/polling.js";
import { exchange, parseResponse, upgradeRequest } from "../helpers/raw-tcp.js";

afterEach(cleanUpPollingTest);

interface Fixture {
  server: TestServer;
  peer: PollingPeer;
}

/** A server and a polling session joined to "/". */
async function setup(options: ServerOptions = {}): Promise<Fixture> {
  const server = await startServer(options);
  return { server, peer: await joinPolling(server) };
}

/** Opens the upgrade's WebSocket for the session. */
function openUpgrade({ server, peer }: Fixture): Promise<WebSocketPeer> {
  return WebSocketPeer.open(server.port, `EIO=4&transport=websocket&sid=${peer.client.sid}`);
}

/** Sends 2probe and checks the 3probe answer. */
async function probe(ws: WebSocketPeer): Promise<void> {
  ws.send("2probe");
  assert.equal(await ws.next(), "3probe");
}

/** Sends the upgrade packet and waits for the session to switch. */
async function completeUpgrade(ws: WebSocketPeer, session: object): Promise<void> {
  const upgraded = once(session, "upgrade", 2000);
  ws.send("5");
  await upgraded;
}

/** Sends an upgrade request for the session by hand and returns the parsed answer. */
async function rawUpgrade(fixture: Fixture): Promise<ReturnType<typeof parseResponse> & { closedByServer: boolean }> {
  const target = `/socket.io/?EIO=4&transport=websocket&sid=${fixture.peer.client.sid}`;
  const { data, closedByServer } = await exchange(fixture.server.port, upgradeRequest(target), 2000);
  return { ...parseResponse(data), closedByServer };
}

/** The session is on polling, not upgrading, and still works over it. */
async function assertStillOnPolling({ server, peer }: Fixture): Promise<void> {
  assert.equal(peer.socket.conn.transport.name, "polling");
  assert.equal(peer.socket.conn.upgrading, false);
  await assertStillPolling(peer);
  assert.equal(server.io.engine.clientsCount, 1);
}

/** A GET is held (not answered with a noop) until the server sends something. */
async function assertGetHeld(peer: PollingPeer): Promise<void> {
  const get = await heldGet(peer);
  await delay(100);
  assert.equal(get.isSettled, false, "a GET must be held again, not answered with a noop");
  peer.socket.emit("after", 1);
  assert.equal((await get.within()).text, '42["after",1]');
}

describe("upgrade probe", () => {
  it("answers 2probe with 3probe and a GET waiting at that moment with a noop", async () => {
    const fixture = await setup();
    const get = await heldGet(fixture.peer);
    const ws = await openUpgrade(fixture);
    await delay(50);
    assert.equal(get.isSettled, false, "the WebSocket alone does not release the GET");
    await probe(ws);
    const answer = await get.within();
    assert.equal(answer.status, 200);
    assert.equal(answer.text, "6");
    assert.equal(fixture.peer.socket.conn.transport.name, "polling");
  });

  it("answers a GET sent after the probe at once with a noop", async () => {
    const fixture = await setup();
    const ws = await openUpgrade(fixture);
    await probe(ws);
    const answer = await fixture.peer.client.get().within(1000);
    assert.equal(answer.status, 200);
    assert.equal(answer.text, "6");
  });

  it("takes a POST while the upgrade is pending", async () => {
    const fixture = await setup();
    const ws = await openUpgrade(fixture);
    await probe(ws);
    const received = once<[string]>(fixture.peer.socket, "during", 2000);
    assert.equal((await fixture.peer.client.post('42["during","upgrade"]')).text, "ok");
    assert.deepEqual(await received, ["upgrade"]);
    await completeUpgrade(ws, fixture.peer.socket.conn);
    assert.equal(fixture.peer.socket.conn.transport.name, "websocket");
  });

  it("emits upgrading on the session when the client probes", async () => {
    const fixture = await setup();
    let upgradingEvents = 0;
    fixture.peer.socket.conn.on("upgrading", () => upgradingEvents++);
    const ws = await openUpgrade(fixture);
    assert.equal(fixture.peer.socket.conn.upgrading, true);
    assert.equal(upgradingEvents, 0, "not on the WebSocket handshake: on the probe");
    const upgrading = once(fixture.peer.socket.conn, "upgrading", 2000);
    await probe(ws);
    await upgrading;
    assert.equal(upgradingEvents, 1);
  });
});

describe("upgrade completion", () => {
  it('moves the session to the WebSocket on 5 and emits "upgrade"', async () => {
    const fixture = await setup();
    const { socket } = fixture.peer;
    const ws = await openUpgrade(fixture);
    await probe(ws);
    await completeUpgrade(ws, socket.conn);
    assert.equal(socket.conn.transport.name, "websocket");
    assert.equal(socket.conn.upgraded, true);
    assert.equal(socket.conn.upgrading, false);
    // Both ways over the WebSocket now.
    const received = once<[string]>(socket, "hello", 2000);
    ws.send('42["hello","ws"]');
    assert.deepEqual(await received, ["ws"]);
    socket.emit("back", 1);
    assert.equal(await ws.next(), '42["back",1]');
    assert.deepEqual(fixture.peer.reasons, []);
  });

  it("sends what the server emitted during the upgrade on the WebSocket, in order, once each", async () => {
    const fixture = await setup();
    const { socket, client } = fixture.peer;
    const ws = await openUpgrade(fixture);
    // Before the probe, polling still carries everything.
    const get = await heldGet(fixture.peer);
    socket.emit("e", 1);
    assert.equal((await get.within()).text, '42["e",1]');
    await probe(ws);
    // Probed: the client sends no more GETs; these wait for the upgrade.
    socket.emit("e", 2);
    socket.emit("e", 3);
    await new Promise((resolve) => setImmediate(resolve)); // the next one in a later turn
    socket.emit("e", 4);
    await completeUpgrade(ws, socket.conn);
    socket.emit("e", 5);
    const messages = [await ws.next(), await ws.next(), await ws.next(), await ws.next()];
    assert.deepEqual(messages, ['42["e",2]', '42["e",3]', '42["e",4]', '42["e",5]']);
    await delay(100);
    assert.deepEqual(ws.received, ["3probe", ...messages], "nothing may be duplicated");
    assert.equal(client.sid, socket.conn.id);
  });

  it("answers every GET after the probe with a noop, and sends what follows the upgrade on the WebSocket", async () => {
    const fixture = await setup();
    const { socket } = fixture.peer;
    const ws = await openUpgrade(fixture);
    await probe(ws);
    // A client that polls anyway after the probe gets noops, never packets meant for the WebSocket.
    assert.equal((await fixture.peer.client.get().within(1000)).text, "6");
    assert.equal((await fixture.peer.client.get().within(1000)).text, "6");
    await completeUpgrade(ws, socket.conn);
    socket.emit("e", 1);
    assert.equal(await ws.next(), '42["e",1]');
  });
});

describe("upgrade refusals", () => {
  it("refuses polling GET and POST with the sid of an upgraded session with 400 code 3", async () => {
    const fixture = await setup();
    const ws = await openUpgrade(fixture);
    await probe(ws);
    await completeUpgrade(ws, fixture.peer.socket.conn);
    assertRefused(await fixture.peer.client.get().within());
    assertRefused(await fixture.peer.client.post("3"));
    assert.equal(fixture.peer.socket.connected, true, "refusing stray polling requests leaves the session open");
  });

  it("refuses a second WebSocket for an upgraded session", async () => {
    const fixture = await setup();
    const ws = await openUpgrade(fixture);
    await probe(ws);
    await completeUpgrade(ws, fixture.peer.socket.conn);
    const answer = await rawUpgrade(fixture);
    assertRefused(answer);
    assert.equal(answer.closedByServer, true);
    fixture.peer.socket.emit("still", "there");
    assert.equal(await ws.next(), '42["still","there"]');
  });

  it("refuses a second WebSocket while an upgrade is pending, and the first one completes", async () => {
    const fixture = await setup();
    const ws = await openUpgrade(fixture);
    const answer = await rawUpgrade(fixture);
    assertRefused(answer);
    assert.equal(answer.closedByServer, true);
    await probe(ws);
    await completeUpgrade(ws, fixture.peer.socket.conn);
    assert.equal(fixture.peer.socket.conn.transport.name, "websocket");
  });

  it("refuses the upgrade request with allowUpgrades false", async () => {
    const server = await startServer({ allowUpgrades: false });
    const { client, open } = await pollingHandshake(server.port);
    assert.deepEqual(open.upgrades, []);
    const target = `/socket.io/?EIO=4&transport=websocket&sid=${client.sid}`;
    const { data, closedByServer } = await exchange(server.port, upgradeRequest(target), 2000);
    const answer = parseResponse(data);
    assertRefused(answer);
    assert.equal(closedByServer, true);
    assert.equal(server.io.engine.sessions.get(client.sid)?.transport.name, "polling");
  });

  it("refuses a polling GET with transport=websocket and the sid of a polling session", async () => {
    const fixture = await setup();
    const answer = await call(fixture.server.port, `EIO=4&transport=websocket&sid=${fixture.peer.client.sid}`).within();
    assertRefused(answer);
    await assertStillOnPolling(fixture);
  });
});

describe("aborted upgrades", () => {
  const wrongPackets: { name: string; packets: string[] }[] = [
    { name: "a message before the probe", packets: ['42["early"]'] },
    { name: "a ping without probe", packets: ["2"] },
    { name: "an upgrade before the probe", packets: ["5"] },
    { name: "a message after the probe", packets: ["2probe", '42["early"]'] },
    { name: "a second probe", packets: ["2probe", "2probe"] },
  ];
  for (const { name, packets } of wrongPackets) {
    it(`closes the WebSocket on ${name} and the session keeps polling`, async () => {
      const fixture = await setup();
      const early: unknown[] = [];
      fixture.peer.socket.on("early", () => early.push("early"));
      const ws = await openUpgrade(fixture);
      for (const packet of packets) ws.send(packet);
      await within(ws.closed, 2000, "the close of the WebSocket");
      await until(() => !fixture.peer.socket.conn.upgrading, 2000);
      assert.deepEqual(early, [], "a packet of an aborted upgrade must not reach the application");
      await assertGetHeld(fixture.peer);
      await assertStillOnPolling(fixture);
    });
  }

  it("closes a WebSocket that does not send 5 within upgradeTimeout, and the session keeps polling", async () => {
    const fixture = await setup({ upgradeTimeout: 300 });
    const started = Date.now();
    const ws = await openUpgrade(fixture);
    await probe(ws);
    assert.equal((await fixture.peer.client.get().within(1000)).text, "6");
    await within(ws.closed, 2000, "the close of the WebSocket");
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 290, `closed after ${elapsed} ms, before upgradeTimeout`);
    await until(() => !fixture.peer.socket.conn.upgrading, 2000);
    await assertGetHeld(fixture.peer);
    await assertStillOnPolling(fixture);
  });

  it("closes a WebSocket that never probes within upgradeTimeout", async () => {
    const fixture = await setup({ upgradeTimeout: 300 });
    const ws = await openUpgrade(fixture);
    await within(ws.closed, 2000, "the close of the WebSocket");
    await assertStillOnPolling(fixture);
  });

  it("leaves no open socket after an upgrade abandoned by the client, and holds GETs again", async () => {
    const fixture = await setup();
    const { server, peer } = fixture;
    const get = await heldGet(peer);
    const ws = await openUpgrade(fixture);
    await probe(ws);
    assert.equal((await get.within()).text, "6");
    ws.ws.close();
    await within(ws.closed, 2000, "the close of the WebSocket");
    await until(() => !peer.socket.conn.upgrading, 2000);
    // The WebSocket's TCP connection is gone on the server too; no polling request is open.
    for (let attempt = 0; (await connectionCount(server)) !== 0; attempt++) {
      assert.ok(attempt < 200, "the server still holds a connection after the abandoned upgrade");
      await delay(10);
    }
    assert.equal(server.io.engine.clientsCount, 1);
    await assertGetHeld(peer);
    await assertStillOnPolling(fixture);
  });

  it("accepts a new upgrade after an aborted one", async () => {
    const fixture = await setup();
    const first = await openUpgrade(fixture);
    first.send("5");
    await within(first.closed, 2000, "the close of the first WebSocket");
    await until(() => !fixture.peer.socket.conn.upgrading, 2000);
    const second = await openUpgrade(fixture);
    await probe(second);
    await completeUpgrade(second, fixture.peer.socket.conn);
    fixture.peer.socket.emit("on", "ws");
    assert.equal(await second.next(), '42["on","ws"]');
  });
});
