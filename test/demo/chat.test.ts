// The chat between browsers (enchufe client sockets): rooms, acknowledgements,
// history, presence, typing, and what the server refuses.
import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import { DEMO_LIMITS } from "../../src/demo/index.js";
import { chatUser, closeDemos, delay, once, say, startTestDemo, until, type ChatUser } from "./helpers.js";

afterEach(closeDemos);

type Message = { id: number; nick: string; text: string; room: string; via: string };

describe("demo chat", { timeout: 20_000 }, () => {
  it("lets two users of a room talk, each message acknowledged and seen by the other", async () => {
    const demo = await startTestDemo();
    const ana = await chatUser(demo, { nick: "ana", room: "lobby" });
    const bob = await chatUser(demo, { nick: "bob", room: "lobby" });
    assert.equal(ana.welcome.room, "lobby");
    const answer = await say(ana, "hola, bob");
    assert.equal(answer.ok, true);
    assert.equal(typeof answer.id, "number");
    await until(() => bob.events("chat").length === 1, 2000);
    const [message] = bob.events<Message>("chat");
    assert.deepEqual([message?.nick, message?.text, message?.room, message?.via], ["ana", "hola, bob", "lobby", "web"]);
    assert.equal((await say(bob, "hola, ana")).ok, true);
    await until(() => ana.events("chat").length === 1, 2000);
    assert.equal(ana.events<Message>("chat")[0]?.text, "hola, ana");
    assert.equal(bob.events("chat").length, 1, "a sender does not get its own message back");
  });

  it("keeps rooms apart", async () => {
    const demo = await startTestDemo();
    const ana = await chatUser(demo, { nick: "ana", room: "one" });
    const bob = await chatUser(demo, { nick: "bob", room: "two" });
    const carla = await chatUser(demo, { nick: "carla", room: "one" });
    await say(ana, "for room one");
    await until(() => carla.events("chat").length === 1, 2000);
    await delay(50);
    assert.equal(bob.events("chat").length, 0);
  });

  it("sends the last 50 messages of a room to whoever joins, oldest first", async () => {
    const demo = await startTestDemo();
    // Several senders, each within its own rate limit (a burst each).
    const senders: ChatUser[] = [];
    for (let n = 0; n < 6; n++) senders.push(await chatUser(demo, { nick: `sender${n}` }));
    const total = DEMO_LIMITS.historySize + 5;
    for (let n = 1; n <= total; n++) {
      const answer = await say(senders[n % senders.length]!, `message ${n}`);
      assert.equal(answer.ok, true, `message ${n}: ${answer.error}`);
    }
    const bob = await chatUser(demo, { nick: "bob" });
    const texts = bob.welcome.history.map((message) => message.text);
    assert.equal(texts.length, DEMO_LIMITS.historySize);
    assert.equal(texts[0], "message 6");
    assert.equal(texts.at(-1), `message ${DEMO_LIMITS.historySize + 5}`);
  });

  it("announces joins and leaves, and keeps the who's-online list and the room list current", async () => {
    const demo = await startTestDemo();
    const ana = await chatUser(demo, { nick: "ana" });
    const bob = await chatUser(demo, { nick: "bob" });
    assert.deepEqual(
      bob.welcome.members.map((member) => member.nick),
      ["ana", "bob"],
    );
    await until(() => ana.events<{ text: string }>("notice").some((notice) => notice.text === "bob joined #general"));
    await until(() => ana.events<{ members: unknown[] }>("members").at(-1)?.members.length === 2);

    const joined: unknown = await bob.socket.timeout(2000).emitWithAck("join", "#Random");
    assert.deepEqual(joined, { ok: true, room: "random" });
    await until(() => ana.events<{ text: string }>("notice").some((notice) => notice.text === "bob left #general"));
    await until(() => {
      const rooms = ana.events<{ name: string; count: number }[]>("rooms").at(-1) ?? [];
      return rooms.some((room) => room.name === "random" && room.count === 1);
    });
    const welcome = bob.events<{ room: string; members: { nick: string }[] }>("welcome").at(-1);
    assert.equal(welcome?.room, "random");
    assert.deepEqual(
      welcome?.members.map((member) => member.nick),
      ["bob"],
    );

    bob.socket.disconnect();
    await until(() => {
      const rooms = ana.events<{ name: string }[]>("rooms").at(-1) ?? [];
      return !rooms.some((room) => room.name === "random");
    });
  });

  it("suffixes a nickname that is taken, and renames on request", async () => {
    const demo = await startTestDemo();
    await chatUser(demo, { nick: "ana" });
    const other = await chatUser(demo, { nick: "ANA" });
    assert.equal(other.welcome.nick, "ANA2");
    assert.deepEqual(await other.socket.timeout(2000).emitWithAck("nick", "carla"), { ok: true, nick: "carla" });
    const refused = (await other.socket.timeout(2000).emitWithAck("nick", "no spaces please")) as { ok: boolean };
    assert.equal(refused.ok, false);
    const guest = await chatUser(demo, { nick: "<script>" });
    assert.match(guest.welcome.nick, /^guest\d{4}$/);
  });

  it("gives a returning client (same tab key) its nickname back, letting its old socket go", async () => {
    const demo = await startTestDemo();
    const before = await chatUser(demo, { nick: "ana", key: "tab-1" });
    const gone = once<[string]>(before.socket, "disconnect", 2000);
    const after = await chatUser(demo, { nick: "ana", key: "tab-1" });
    assert.equal(after.welcome.nick, "ana");
    assert.equal((await gone)[0], "io server disconnect");
    const stranger = await chatUser(demo, { nick: "ana", key: "tab-2" });
    assert.equal(stranger.welcome.nick, "ana2");
  });

  it("relays typing to the others in the room", async () => {
    const demo = await startTestDemo();
    const ana = await chatUser(demo, { nick: "ana" });
    const bob = await chatUser(demo, { nick: "bob" });
    ana.socket.emit("typing", true);
    ana.socket.emit("typing", false);
    await until(() => bob.events("typing").length === 2, 2000);
    assert.deepEqual(bob.events("typing"), [
      { nick: "ana", typing: true },
      { nick: "ana", typing: false },
    ]);
    assert.equal(ana.events("typing").length, 0);
  });

  it("bounds typing relays: a stop needs a start, and alternating the two cannot flood the room", async () => {
    const demo = await startTestDemo();
    const ana = await chatUser(demo, { nick: "ana" });
    const bob = await chatUser(demo, { nick: "bob" });
    ana.socket.emit("typing", false); // nothing shown: nothing to stop
    for (let n = 0; n < 500; n++) ana.socket.emit("typing", n % 2 === 0);
    assert.equal((await say(ana, "done")).ok, true); // after every typing event, in order
    await until(() => bob.events("chat").length === 1, 2000);
    const relayed = bob.events<{ typing: boolean }>("typing");
    assert.ok(relayed.length > 0 && relayed.length <= 8, `at most 8 relays, got ${relayed.length}`);
    assert.equal(relayed[0]!.typing, true, "the first relay is a start");
  });

  it("stores HTML as the text it is: the page, not the server, escapes it", async () => {
    const demo = await startTestDemo();
    const ana = await chatUser(demo, { nick: "ana" });
    const bob = await chatUser(demo, { nick: "bob" });
    const html = `<img src=x onerror="alert(1)"> & <b>bold</b>`;
    await say(ana, html);
    await until(() => bob.events("chat").length === 1);
    assert.equal(bob.events<Message>("chat")[0]?.text, html);
    const late = await chatUser(demo, { nick: "carla" });
    assert.equal(late.welcome.history[0]?.text, html);
  });

  it("refuses empty and oversized messages, and arguments of the wrong type, with a reason", async () => {
    const demo = await startTestDemo();
    const ana = await chatUser(demo, { nick: "ana" });
    const bob = await chatUser(demo, { nick: "bob" });
    // A handler that throws does not crash the server (enchufe reports it): watch for it here.
    const thrown: Error[] = [];
    const anaOnServer = demo.io.sockets.sockets.get(ana.socket.id!);
    assert.ok(anaOnServer, "ana's socket on the server");
    anaOnServer.on("error", (error) => thrown.push(error));
    assert.deepEqual(await say(ana, "   "), { ok: false, error: "empty message not sent" });
    const long = await say(ana, "x".repeat(DEMO_LIMITS.maxMessageLength + 1));
    assert.equal(long.ok, false);
    assert.match(long.error ?? "", /too long/);
    assert.equal((await say(ana, { text: "not a string" })).ok, false);
    // Without an acknowledgement the refusal comes as a notice.
    ana.socket.emit("chat", "");
    await until(() => ana.events<{ kind: string }>("notice").some((notice) => notice.kind === "error"));
    // Hostile shapes: no crash, no relay.
    for (const args of [[], [null], [42, "cid"], [["a"]], [{ toString: 1 }]]) ana.socket.emit("chat", ...args);
    for (const event of ["join", "nick", "typing", "file:start", "file:chunk", "file:cancel"]) {
      ana.socket.emit(event, { length: 1e9 }, 12);
      ana.socket.emit(event);
    }
    assert.equal((await say(ana, "still fine")).ok, true);
    await until(() => bob.events("chat").length === 1);
    assert.equal(bob.events<Message>("chat")[0]?.text, "still fine");
    assert.deepEqual(thrown, [], "no handler threw on a hostile shape");
  });

  it("stores a message sent again with the same id once (a retry after a lost acknowledgement)", async () => {
    const demo = await startTestDemo();
    const ana = await chatUser(demo, { nick: "ana" });
    const bob = await chatUser(demo, { nick: "bob" });
    const first = await say(ana, "only once", "cid-1");
    const again = await say(ana, "only once", "cid-1");
    assert.equal(again.id, first.id);
    await delay(100);
    assert.equal(bob.events("chat").length, 1);
  });

  it("rate-limits a flood: a burst passes, the rest is refused with a notice, and persisting disconnects", async () => {
    const demo = await startTestDemo();
    const ana = await chatUser(demo, { nick: "ana" });
    const answers = await Promise.all(
      Array.from({ length: DEMO_LIMITS.rateBurst + 5 }, (_, n) => say(ana, `flood ${n}`)),
    );
    const accepted = answers.filter((answer) => answer.ok).length;
    assert.ok(accepted >= DEMO_LIMITS.rateBurst && accepted <= DEMO_LIMITS.rateBurst + 1, `accepted ${accepted}`);
    const refused = answers.find((answer) => !answer.ok);
    assert.equal(refused?.error, "slow down: too many messages");
    assert.ok((refused?.retryMs ?? 0) > 0);
    await until(() => ana.events<{ text: string }>("notice").some((notice) => notice.text.startsWith("slow down")));

    const disconnected = once<[string]>(ana.socket, "disconnect", 3000);
    for (let n = 0; n < DEMO_LIMITS.maxStrikes + 5; n++) ana.socket.emit("chat", `more ${n}`);
    assert.equal((await disconnected)[0], "io server disconnect");
  });

  it("keeps each user's rate apart: one flooding does not silence another", async () => {
    const demo = await startTestDemo();
    const ana: ChatUser = await chatUser(demo, { nick: "ana" });
    const bob = await chatUser(demo, { nick: "bob" });
    for (let n = 0; n < DEMO_LIMITS.rateBurst + 3; n++) ana.socket.emit("chat", `flood ${n}`);
    assert.equal((await say(bob, "calm")).ok, true);
  });
});
