// The chat as people use it: two browser pages (headless Chromium) and a
// terminal user on the demo started in-process, asserting what they would see.
// Each test gets a fresh demo, so nicknames, rooms and histories start empty.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Page } from "playwright-core";
import { namedTerminal } from "../demo/helpers.js";
import { skipWithoutChromium } from "../helpers/chromium.js";
import {
  send,
  shownMessages,
  STEP_MS,
  useDemoInChromium,
  waitForMembers,
  waitForMessage,
  waitForNotice,
  waitForText,
} from "./helpers.js";

/** Records every state a message's tick shows, from the moment it appears (call before sending). */
async function recordTicks(page: Page): Promise<void> {
  await page.evaluate(() => {
    const log: string[] = [];
    (window as unknown as { tickLog: string[] }).tickLog = log;
    const note = (tick: Element): void => {
      log.push(`${tick.closest("li")?.getAttribute("data-cid")} ${tick.getAttribute("data-state")}`);
    };
    new MutationObserver((records) => {
      for (const record of records) {
        if (record.type === "attributes" && record.target instanceof Element) note(record.target);
        for (const node of record.addedNodes) {
          if (node instanceof Element) node.querySelectorAll('[data-testid="tick"]').forEach(note);
        }
      }
    }).observe(document.getElementById("messages")!, {
      childList: true,
      subtree: true,
      attributes: true,
      attributeFilter: ["data-state"],
    });
  });
}

/** The states the tick of the message `text` went through, without repeats. */
async function tickStates(page: Page, text: string): Promise<string[]> {
  const mine = (await shownMessages(page)).filter((message) => message.text === text);
  assert.equal(mine.length, 1, `the sender shows ${JSON.stringify(text)} once`);
  const log = await page.evaluate(() => (window as unknown as { tickLog: string[] }).tickLog);
  const states = log.filter((line) => line.startsWith(`${mine[0]!.cid} `)).map((line) => line.split(" ")[1]!);
  return states.filter((state, index) => state !== states[index - 1]);
}

/** Waits until the sender's tick of `text` shows `state`. */
async function waitForTick(page: Page, text: string, state: string, timeout = STEP_MS): Promise<void> {
  await page.waitForFunction(
    ([text, state]) =>
      [...document.querySelectorAll('#messages [data-testid="message"]')].some(
        (item) =>
          item.querySelector('[data-testid="message-text"]')?.textContent === text &&
          item.querySelector('[data-testid="tick"]')?.getAttribute("data-state") === state,
      ),
    [text, state] as const,
    { timeout },
  );
}

describe("the demo's chat in Chromium", { skip: skipWithoutChromium, timeout: 60_000 }, () => {
  const session = useDemoInChromium("e2e-secret");
  const { person } = session;

  it("two pages chat in #general, see each other typing, then move to a new room", async () => {
    const ana = await person("ana");
    const bob = await person("bob");

    // Both in #general, both listed, and ana saw bob arrive.
    for (const { page } of [ana, bob]) {
      await waitForText(page, "#room-title", "#general");
      await page.locator('#room-list [data-testid="room-general"].active').waitFor();
      await waitForMembers(page, ["ana", "bob"]);
    }
    await waitForNotice(ana.page, "join", "bob joined #general");

    // ana writes: bob reads it under her name; her tick goes from pending to delivered.
    await recordTicks(ana.page);
    await send(ana.page, "hola, bob");
    await waitForMessage(bob.page, "ana", "hola, bob");
    await waitForTick(ana.page, "hola, bob", "delivered");
    assert.deepEqual(await tickStates(ana.page, "hola, bob"), ["pending", "delivered"]);
    assert.equal(await ana.page.inputValue("#message-input"), "", "the composer is emptied");

    // bob types: ana sees it; he sends: the indicator goes away.
    await bob.page.fill("#message-input", "hi an");
    await waitForText(ana.page, "#typing", "bob is typing…");
    await bob.page.fill("#message-input", "hi ana!");
    await bob.page.press("#message-input", "Enter");
    await waitForMessage(ana.page, "bob", "hi ana!");
    await waitForText(ana.page, "#typing", "");

    // ana creates #lab from the sidebar: she moves there, bob sees her leave and the new room listed.
    await ana.page.fill("#new-room-input", "Lab");
    await ana.page.click("#new-room-button");
    await waitForText(ana.page, "#room-title", "#lab");
    await ana.page.locator('#room-list [data-testid="room-lab"].active').waitFor();
    await waitForMembers(ana.page, ["ana"]);
    assert.deepEqual(await shownMessages(ana.page), [], "a new room starts empty");
    await waitForNotice(bob.page, "leave", "ana left #general");
    await waitForMembers(bob.page, ["bob"]);

    // bob follows by clicking the room; ana sees him join; they talk there.
    await bob.page.click('#room-list [data-testid="room-lab"]');
    await waitForText(bob.page, "#room-title", "#lab");
    await bob.page.locator('#room-list [data-testid="room-lab"].active').waitFor();
    await waitForNotice(ana.page, "join", "bob joined #lab");
    for (const { page } of [ana, bob]) await waitForMembers(page, ["ana", "bob"]);
    await send(ana.page, "welcome to the lab");
    await waitForMessage(bob.page, "ana", "welcome to the lab");
    await send(bob.page, "nice and quiet here");
    await waitForMessage(ana.page, "bob", "nice and quiet here");
    assert.deepEqual(
      (await shownMessages(bob.page)).map(({ nick, text }) => `${nick}: ${text}`),
      ["ana: welcome to the lab", "bob: nice and quiet here"],
      "#general's messages stay in #general",
    );

    // bob goes back to #general: ana sees him leave; #general still has its history.
    await bob.page.click('#room-list [data-testid="room-general"]');
    await waitForText(bob.page, "#room-title", "#general");
    await waitForNotice(ana.page, "leave", "bob left #lab");
    await waitForMembers(ana.page, ["ana"]);
    await waitForMessage(bob.page, "ana", "hola, bob");
    await waitForMessage(bob.page, "bob", "hi ana!");
  });

  it("a terminal user (TCP, line mode) joins the room and talks with the pages", async () => {
    const ana = await person("ana");
    const bob = await person("bob");
    await send(ana.page, "anyone on a terminal?");
    await waitForMessage(bob.page, "ana", "anyone on a terminal?");

    const tom = await namedTerminal(session.demo, "tom");
    assert.ok(tom.lines.includes("[general] ana: anyone on a terminal?"), "the terminal gets the room's history");

    // The pages see tom arrive, marked as a terminal user.
    for (const { page } of [ana, bob]) {
      await waitForNotice(page, "join", "tom joined #general");
      await waitForMembers(page, ["ana", "bob", "tom"]);
      await page.locator('#member-list li[data-nick="tom"][data-via="tcp"]').waitFor();
    }

    // A line from the terminal appears on both pages under tom's name.
    tom.type("hello from a terminal");
    for (const { page } of [ana, bob]) await waitForMessage(page, "tom", "hello from a terminal");
    const badge = await ana.page
      .locator('#messages [data-testid="message"]', { hasText: "hello from a terminal" })
      .locator(".badge")
      .textContent();
    assert.equal(badge, "terminal");

    // A page's message reaches the terminal as `[room] nick: text`.
    await send(bob.page, "hi tom, from a browser");
    assert.equal(await tom.waitFor("bob: hi tom", STEP_MS), "[general] bob: hi tom, from a browser");
    assert.ok(!tom.lines.some((line) => line.includes("hello from a terminal")), "tom is not sent his own line");

    // tom quits: the pages see him leave.
    tom.type("/quit");
    for (const { page } of [ana, bob]) {
      await waitForNotice(page, "leave", "tom left #general");
      await waitForMembers(page, ["ana", "bob"]);
    }
  });

  it("shows HTML in a message as the text typed: no element is created, no script runs", async () => {
    const ana = await person("ana");
    const bob = await person("bob");
    const dialogs: string[] = [];
    for (const { page } of [ana, bob]) {
      page.on("dialog", (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      });
    }
    const evil = "<img src=x onerror=alert(1)><b>bold</b>";
    await send(ana.page, evil);
    await waitForMessage(bob.page, "ana", evil);
    await waitForTick(ana.page, evil, "delivered");
    for (const { page } of [ana, bob]) {
      const texts = await page.$$eval('#messages [data-testid="message-text"]', (items) =>
        items.map((item) => ({ text: item.textContent, children: item.children.length })),
      );
      assert.deepEqual(texts, [{ text: evil, children: 0 }]);
      assert.equal(await page.locator("#messages img, #messages b").count(), 0, "no <img> or <b> in #messages");
    }
    await new Promise((resolve) => setTimeout(resolve, 200)); // an onerror would have fired by now
    assert.deepEqual(dialogs, [], "no alert");
  });

  it("delivers a message typed while offline once the page is back online, exactly once", async () => {
    const ana = await person("ana");
    const bob = await person("bob");
    await send(ana.page, "before the tunnel");
    await waitForMessage(bob.page, "ana", "before the tunnel");
    await recordTicks(ana.page);

    // The network goes away (a person's Wi-Fi drops): Chromium's offline mode stops new
    // connections, and closing the engine stands for the open WebSocket dying with it.
    await ana.context.setOffline(true);
    await ana.page.evaluate(() =>
      (window as unknown as { chat: { socket: { io: { engine: { close(): void } } } } }).chat.socket.io.engine.close(),
    );
    await ana.page.locator('#status:is([data-state="reconnecting"], [data-state="offline"])').waitFor();

    const text = "typed in the tunnel";
    await send(ana.page, text);
    await waitForTick(ana.page, text, "pending");
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.ok(!(await shownMessages(bob.page)).some((message) => message.text === text), "not sent while offline");
    assert.equal(await ana.page.getAttribute("#status", "data-state"), "reconnecting", "still trying to reconnect");

    await ana.context.setOffline(false);
    await ana.page.locator('#status[data-state="online"]').waitFor({ timeout: 15_000 });
    await waitForMessage(bob.page, "ana", text);
    await waitForTick(ana.page, text, "delivered");
    assert.deepEqual(await tickStates(ana.page, text), ["pending", "delivered"]);

    // Once, on both sides, and in order, even after a moment for any duplicate to arrive.
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (const { page } of [ana, bob]) {
      const texts = (await shownMessages(page)).map((message) => message.text);
      assert.deepEqual(texts.filter((shown) => shown === text).length, 1, `shown once: ${JSON.stringify(texts)}`);
      assert.ok(texts.indexOf("before the tunnel") < texts.indexOf(text));
    }
    await waitForText(ana.page, "#nick-button", "ana");
    await waitForMembers(bob.page, ["ana", "bob"]);
  });
});
