// Terminal users (`nc`) on the line-mode listener, in the same rooms as browsers.
import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import { DEMO_LIMITS } from "../../src/demo/index.js";
import { chatUser, closeDemos, namedTerminal, say, startTestDemo, terminal, until } from "./helpers.js";

afterEach(closeDemos);

describe("demo chat for terminal users", { timeout: 20_000 }, () => {
  it("asks for a nickname, then joins #general with its history and who is there", async () => {
    const demo = await startTestDemo();
    assert.match(demo.lineUrl ?? "", /^tcp:\/\/127\.0\.0\.1:\d+$/);
    const ana = await chatUser(demo, { nick: "ana" });
    await say(ana, "earlier <b>message</b>");
    const user = await terminal(demo);
    await user.waitFor("your nickname?");
    user.type("not valid!");
    await user.waitFor("a nickname is");
    user.type("ana");
    await user.waitFor("* ana is taken: you are ana2");
    await user.waitFor("[general] ana: earlier <b>message</b>");
    await user.waitFor("* in #general: ana, ana2 (tcp)");
  });

  it("talks with a browser user both ways", async () => {
    const demo = await startTestDemo();
    const web = await chatUser(demo, { nick: "ana" });
    assert.deepEqual(web.welcome.terminal, { port: Number(demo.lineUrl?.split(":").pop()), tls: false });
    const nc = await namedTerminal(demo, "tom");
    await until(() => web.events<{ text: string }>("notice").some((notice) => notice.text === "tom joined #general"));
    nc.type("hello from the terminal");
    await until(() => web.events("chat").length === 1, 2000);
    assert.deepEqual(
      web.events<{ nick: string; text: string; via: string }>("chat").map(({ nick, text, via }) => [nick, text, via]),
      [["tom", "hello from the terminal", "tcp"]],
    );
    assert.equal((await say(web, "hola, tom\x1b[2J")).ok, true);
    // Control characters (an escape sequence here) reach a terminal as spaces.
    await nc.waitFor("[general] ana: hola, tom [2J");
  });

  it("keeps a Latin-1 terminal connected: its accents arrive as U+FFFD", async () => {
    const demo = await startTestDemo();
    const web = await chatUser(demo, { nick: "ana" });
    const nc = await namedTerminal(demo, "tom");
    nc.socket.write(Buffer.from("café\n", "latin1"));
    await until(() => web.events("chat").length === 1, 2000);
    assert.equal(web.events<{ text: string }>("chat")[0]!.text, "caf\uFFFD");
    nc.type("still here");
    await until(() => web.events("chat").length === 2, 2000);
  });

  it("has /join, /nick, /who, /rooms, /help and /quit", async () => {
    const demo = await startTestDemo();
    const web = await chatUser(demo, { nick: "ana", room: "dev" });
    const nc = await namedTerminal(demo, "tom");
    nc.type("/join dev");
    await nc.waitFor("* you are tom in #dev");
    await nc.waitFor("* in #dev: ana, tom (tcp)");
    nc.type("/nick tomas");
    await nc.waitFor("* you are now tomas");
    await until(() => web.events<{ text: string }>("notice").some((notice) => notice.text === "tom is now tomas"));
    nc.type("/who");
    await nc.waitFor("* in #dev: ana, tomas (tcp)");
    nc.type("/rooms");
    await nc.waitFor(/^\* rooms: #general \(0\), #dev \(2\)$/);
    nc.type("/help");
    await nc.waitFor("*   /quit        leave");
    nc.type("/dance");
    await nc.waitFor("* unknown command /dance");
    nc.type("/join BAD NAME!");
    await nc.waitFor("* usage: /join ROOM");
    nc.type("/quit");
    await nc.waitFor("* bye");
    await nc.closed;
  });

  it("tells terminal users about files shared by browsers", async () => {
    const demo = await startTestDemo();
    const web = await chatUser(demo, { nick: "ana" });
    const nc = await namedTerminal(demo, "tom");
    const answer = (await web.socket.timeout(2000).emitWithAck("file:start", { name: "notes.txt", size: 2048 })) as {
      ok: boolean;
    };
    assert.equal(answer.ok, true);
    await nc.waitFor(/^\* ana shares notes\.txt \(2\.0 KB\); open http:\/\/127\.0\.0\.1:\d+ in a browser/);
  });

  it("refuses oversized messages, and rate-limits a flood of lines", async () => {
    const demo = await startTestDemo();
    const web = await chatUser(demo, { nick: "ana" });
    const nc = await namedTerminal(demo, "tom");
    nc.type("y".repeat(DEMO_LIMITS.maxMessageLength + 1));
    await nc.waitFor("* message too long");
    for (let n = 0; n < DEMO_LIMITS.rateBurst + 3; n++) nc.type(`line ${n}`);
    await nc.waitFor("* slow down");
    await until(() => web.events("chat").length >= DEMO_LIMITS.rateBurst - 1);
    assert.ok(web.events("chat").length <= DEMO_LIMITS.rateBurst + 1);
    for (let n = 0; n < DEMO_LIMITS.maxStrikes + 5; n++) nc.type(`more ${n}`);
    await nc.waitFor("* disconnected: more than");
    await nc.closed;
  });

  it("can be turned off", async () => {
    const demo = await startTestDemo({ linePort: false });
    assert.equal(demo.lineUrl, undefined);
    assert.equal((await chatUser(demo, { nick: "ana" })).welcome.terminal, null);
  });
});
