// Files between pages and the dashboard, in headless Chromium against the demo
// started in-process; screenshots go to test-artifacts/e2e/ (not committed).
// With E2E_UPDATE_DOCS=1 the README's screenshot (docs/images/chat.png) is
// written too: it is committed, so a plain test run leaves it alone.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { Page } from "playwright-core";
import { namedTerminal } from "../demo/helpers.js";
import { skipWithoutChromium } from "../helpers/chromium.js";
import {
  artifactPath,
  eventually,
  openPage,
  repoRoot,
  send,
  useDemoInChromium,
  waitForMembers,
  waitForMessage,
  waitForNotice,
  waitForText,
  type Person,
} from "./helpers.js";

const PASSWORD = "e2e-dashboard-secret";

/** `size` bytes that are not all alike (a repeating pattern would hide a misplaced chunk). */
function generatedBytes(size: number): Buffer {
  const bytes = Buffer.alloc(size);
  let seed = 0x2545f491;
  for (let i = 0; i < size; i++) {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    bytes[i] = seed & 0xff;
  }
  return bytes;
}

const sha256 = (bytes: Buffer): string => createHash("sha256").update(bytes).digest("hex");

/** Records every data-progress a file card shows (call before the file is offered). */
async function recordProgress(page: Page): Promise<void> {
  await page.evaluate(() => {
    const log: string[] = [];
    (window as unknown as { progressLog: string[] }).progressLog = log;
    new MutationObserver((records) => {
      for (const record of records) {
        const target = record.target;
        if (target instanceof Element && target.getAttribute("data-testid") === "file-card") {
          log.push(target.getAttribute("data-progress") ?? "");
        }
      }
    }).observe(document.getElementById("messages")!, {
      subtree: true,
      attributes: true,
      attributeFilter: ["data-progress"],
    });
  });
}

/** Waits until the page shows a finished file card for `name`, and returns what it shows. */
async function finishedCard(page: Page, name: string, timeout = 15_000): Promise<{ status: string; value: number }> {
  const card = page.locator('#messages [data-testid="file-card"][data-state="done"][data-progress="100"]', {
    has: page.locator('[data-testid="file-name"]', { hasText: name }),
  });
  try {
    await card.waitFor({ timeout });
  } catch {
    const cards = await page.$$eval('[data-testid="file-card"]', (items) =>
      items.map(
        (item) => `${item.getAttribute("data-state")} ${item.getAttribute("data-progress")}: ${item.textContent}`,
      ),
    );
    throw new Error(`no finished card for ${name} within ${timeout} ms; cards: ${JSON.stringify(cards)}`);
  }
  const status = (await card.locator('[data-testid="file-status"]').textContent()) ?? "";
  const value = await card.locator('[data-testid="file-progress"]').evaluate((bar) => {
    const progress = bar as HTMLProgressElement;
    return progress.value / progress.max;
  });
  return { status, value };
}

/** The counts a list of the dashboard (`#by-transport`, `#by-namespace`) shows, by data-key. */
function pairs(page: Page, selector: string): Promise<Record<string, string>> {
  return page.$$eval(`${selector} li[data-key]`, (items): Record<string, string> =>
    Object.fromEntries(
      items.map((item) => [item.getAttribute("data-key") ?? "", item.querySelector("strong")?.textContent ?? ""]),
    ),
  );
}

describe("the demo's files and dashboard in Chromium", { skip: skipWithoutChromium, timeout: 60_000 }, () => {
  const session = useDemoInChromium(PASSWORD);
  const { person } = session;

  it("sends a file from one page to another: progress to 100% on both, and the download is the same bytes", async () => {
    const ana = await person("ana");
    const bob = await person("bob");
    await send(ana.page, "sending you the recording");
    await waitForMessage(bob.page, "ana", "sending you the recording");

    const bytes = generatedBytes(300 * 1024 + 123); // five 64 KiB chunks and a short one
    await recordProgress(bob.page);
    await ana.page.setInputFiles("#file-input", {
      name: "recording.bin",
      mimeType: "application/octet-stream",
      buffer: bytes,
    });

    const received = await finishedCard(bob.page, "recording.bin");
    assert.equal(received.status, "received");
    assert.equal(received.value, 1, "the receiver's bar is full");
    const sent = await finishedCard(ana.page, "recording.bin");
    assert.equal(sent.status, "sent to the room");
    assert.equal(sent.value, 1, "the sender's bar is full");
    assert.equal(
      await ana.page.locator('#messages [data-testid="file-download"]').count(),
      0,
      "no link for the sender",
    );

    // The receiver's bar went up in steps, ending at 100.
    const steps = (await bob.page.evaluate(() => (window as unknown as { progressLog: string[] }).progressLog)).map(
      Number,
    );
    assert.ok(steps.length >= 3, `progress in steps: ${JSON.stringify(steps)}`);
    assert.deepEqual(
      steps,
      [...steps].sort((a, b) => a - b),
      "the progress never goes back",
    );
    assert.equal(steps.at(-1), 100);

    // bob downloads it: the same name, the same bytes.
    const [download] = await Promise.all([
      bob.page.waitForEvent("download"),
      bob.page.click('#messages [data-testid="file-download"]'),
    ]);
    assert.equal(download.suggestedFilename(), "recording.bin");
    const path = await download.path();
    const downloaded = readFileSync(path);
    assert.equal(downloaded.length, bytes.length);
    assert.equal(sha256(downloaded), sha256(bytes));

    // Mid-conversation, with the finished card: the artifacts.
    await send(bob.page, "got it, thanks!");
    await waitForMessage(ana.page, "bob", "got it, thanks!");
    await ana.page.screenshot({ path: artifactPath("chat-sender.png") });
    await bob.page.screenshot({ path: artifactPath("chat-receiver.png") });
  });

  it("the dashboard: refuses a wrong password, counts pages and terminals, lists rooms, disconnects a socket", async () => {
    const admin = await openPage(session.browser, `${session.demo.url}/admin`, {
      viewport: { width: 1280, height: 1000 },
    });
    session.watch(admin);
    const { page } = admin;

    await page.fill("#password-input", "not the password");
    await page.click("#login-button");
    await waitForText(page, "#login-error", "wrong password", { includes: true });
    assert.ok(await page.locator("#dashboard").isHidden(), "no dashboard without the password");
    assert.ok(await page.locator("#login-form").isVisible());

    await page.fill("#password-input", PASSWORD);
    await page.click("#login-button");
    await page.locator("#dashboard").waitFor({ state: "visible" });
    await page.locator('#status[data-state="online"]').waitFor();
    assert.ok(await page.locator("#login-form").isHidden());

    // Two pages (ana moves to #lab) and a terminal user in #general.
    const ana = await person("ana");
    const bob = await person("bob");
    await namedTerminal(session.demo, "tom");
    await ana.page.fill("#new-room-input", "lab");
    await ana.page.click("#new-room-button");
    await waitForText(ana.page, "#room-title", "#lab");
    await waitForMembers(bob.page, ["bob", "tom"]);

    // The counts: the dashboard's own connection is one of the WebSockets.
    await eventually(async () => {
      assert.equal(await page.textContent("#total-connections"), "4");
      const byTransport = await pairs(page, "#by-transport");
      assert.equal(byTransport.websocket, "3", JSON.stringify(byTransport));
      assert.equal(byTransport.tcp, "1", JSON.stringify(byTransport));
      assert.equal(byTransport.polling, "0", JSON.stringify(byTransport));
      const byNamespace = await pairs(page, "#by-namespace");
      assert.deepEqual([byNamespace["/"], byNamespace["/admin"]], ["3", "1"], JSON.stringify(byNamespace));
      const rooms = await page.$$eval("#rooms-table tr[data-room]", (rows): Record<string, string> =>
        Object.fromEntries(
          rows.map((row) => [row.getAttribute("data-room") ?? "", row.querySelectorAll("td")[1]?.textContent ?? ""]),
        ),
      );
      assert.deepEqual(rooms, { general: "2", lab: "1" });
      assert.equal(await page.locator('#sockets-table [data-testid="socket-row"]').count(), 3);
    }, 8000);
    const bobId = await bob.page.evaluate(
      () => (window as unknown as { chat: { socket: { id: string } } }).chat.socket.id,
    );
    const bobRow = page.locator(`#sockets-table tr[data-socket-id="${bobId}"]`);
    assert.match((await bobRow.textContent()) ?? "", /bob.*websocket.*#general/s);
    await page.screenshot({ path: artifactPath("dashboard.png"), fullPage: true });

    // Disconnecting bob: his page leaves "online", the others stay, the counts follow.
    await page.click(`[data-testid="kick-${bobId}"]`);
    await bob.page.waitForFunction(() => document.getElementById("status")?.getAttribute("data-state") !== "online");
    await waitForNotice(bob.page, "error", "disconnected by an administrator");
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(await bob.page.getAttribute("#status", "data-state"), "offline", "bob stays disconnected");
    assert.equal(await ana.page.getAttribute("#status", "data-state"), "online");
    await eventually(async () => {
      assert.equal(await page.textContent("#total-connections"), "3");
      assert.equal(await page.locator(`#sockets-table tr[data-socket-id="${bobId}"]`).count(), 0);
      assert.equal(await page.locator('#sockets-table [data-testid="socket-row"]').count(), 2);
    }, 5000);
  });

  it("takes the README's screenshot: a conversation between two people with a file shared", async () => {
    const viewport = { width: 1280, height: 800 };
    const lucia = await person("lucia", viewport);
    const mateo = await person("mateo", viewport);
    await waitForMembers(lucia.page, ["lucia", "mateo"]);

    const conversation: [Person, string, string][] = [
      [mateo, "mateo", "hola! is the new build up?"],
      [lucia, "lucia", "yes, deployed five minutes ago"],
      [mateo, "mateo", "my laptop slept and the chat reconnected by itself, no message lost"],
      [lucia, "lucia", "that's the outbox: messages wait until the server acks them"],
      [lucia, "lucia", "here are last night's load-test numbers"],
    ];
    for (const [who, nick, text] of conversation) {
      await send(who.page, text);
      await waitForMessage(who === lucia ? mateo.page : lucia.page, nick, text);
    }
    await lucia.page.setInputFiles("#file-input", {
      name: "load-test-results.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(
        Array.from({ length: 6000 }, (_, i) => `${i},${(1000 + ((i * 7919) % 997)).toString()},ok\n`).join(""),
      ),
    });
    await finishedCard(mateo.page, "load-test-results.csv");
    await finishedCard(lucia.page, "load-test-results.csv");
    await send(mateo.page, "got it, opening it now");
    await waitForMessage(lucia.page, "mateo", "got it, opening it now");
    await mateo.page.fill("#message-input", "50k connections on one core? nice");
    await waitForText(lucia.page, "#typing", "mateo is typing…");
    await lucia.page
      .locator('#messages [data-testid="tick"]:not([data-state="delivered"])')
      .first()
      .waitFor({ state: "detached" });

    // lucia's view: her ticks, the file she shared, mateo typing.
    await lucia.page.locator("#message-input").blur();
    await lucia.page.screenshot({ path: artifactPath("readme-chat.png") });
    if (process.env.E2E_UPDATE_DOCS === "1") {
      const dir = join(repoRoot(), "docs", "images");
      mkdirSync(dir, { recursive: true });
      await lucia.page.screenshot({ path: join(dir, "chat.png") });
    }
  });
});
