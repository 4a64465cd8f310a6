// What the end-to-end tests share: a suite's headless Chromium and a fresh demo
// per test (useDemoInChromium), people on the chat page (one browser context
// each, so each has its own storage, as two people on two computers would),
// and where screenshots go; terminal users come from test/demo/helpers.ts.
// Without Chromium the suites are skipped, saying why; under CI=true they fail
// instead (test/helpers/chromium.ts, scripts/run-tests.mjs).
import assert from "node:assert/strict";
import { existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { after, afterEach, beforeEach } from "node:test";
import { fileURLToPath } from "node:url";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { startDemo, type DemoServer } from "../../src/demo/index.js";
import { closeTerminals } from "../demo/helpers.js";
import { useChromium } from "../helpers/chromium.js";

/** How long a step may take before the test says what it was waiting for. */
export const STEP_MS = 5000;

/** The repository's root (the compiled tests run from a build directory below it). */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error("package.json not found above the tests");
    dir = parent;
  }
  return dir;
}

/** test-artifacts/e2e/NAME (the directory is created; it is not committed). */
export function artifactPath(name: string): string {
  const dir = join(repoRoot(), "test-artifacts", "e2e");
  mkdirSync(dir, { recursive: true });
  return join(dir, name);
}

/** A person on the chat page. */
export interface Person {
  context: BrowserContext;
  page: Page;
  /** Uncaught errors of the page's scripts (a test expects none). */
  errors: string[];
}

const contexts = new Set<BrowserContext>();

/** Opens a new context on `path` of the demo; the page's errors are collected. */
export async function openPage(
  browser: Browser,
  url: string,
  options: { viewport?: { width: number; height: number } } = {},
): Promise<Person> {
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1100, height: 720 } });
  contexts.add(context);
  context.setDefaultTimeout(STEP_MS);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(url);
  return { context, page, errors };
}

/** Opens the chat, answers the nickname dialog and waits until it is online. */
export async function joinChat(
  browser: Browser,
  url: string,
  nick: string,
  options: { viewport?: { width: number; height: number } } = {},
): Promise<Person> {
  const person = await openPage(browser, url, options);
  const { page } = person;
  await page.locator("#nick-dialog").waitFor({ state: "visible" });
  await page.fill("#nick-input", nick);
  await page.click("#nick-submit");
  await page.locator("#nick-dialog").waitFor({ state: "hidden" });
  await page.locator('#status[data-state="online"]').waitFor();
  await waitForText(page, "#nick-button", nick);
  return person;
}

/** A suite's Chromium, this test's demo, and the people on it (see useDemoInChromium). */
export interface DemoInChromium {
  /** The suite's browser, launched before its first test. */
  readonly browser: Browser;
  /** This test's demo: a fresh one each test, so nicknames, rooms and histories start empty. */
  readonly demo: DemoServer;
  /** Opens the chat as `nick` (joinChat()); its page's errors are checked after the test. */
  person: (nick: string, viewport?: { width: number; height: number }) => Promise<Person>;
  /** Checks the page errors of someone opened otherwise (openPage()) after the test too. */
  watch: (someone: Person) => Person;
}

/**
 * Registers a suite's hooks (call it in the describe's body): Chromium launched once,
 * a demo with `adminPassword` started before each test, and after each: the terminals,
 * pages and demo closed, and no uncaught error in the pages of the people watched.
 */
export function useDemoInChromium(adminPassword: string): DemoInChromium {
  let demo: DemoServer | undefined;
  let people: Person[] = [];

  beforeEach(async () => {
    demo = await startDemo({ port: 0, linePort: 0, host: "127.0.0.1", adminPassword });
  });

  afterEach(async () => {
    const errors = people.flatMap((someone) => someone.errors);
    people = [];
    closeTerminals();
    await closePages();
    await demo?.close();
    demo = undefined;
    assert.deepEqual(errors, [], "no uncaught errors in the pages");
  });

  after(async () => {
    await closePages();
    await demo?.close();
  });

  const browser = useChromium(); // closed after the pages and the demo
  const session: DemoInChromium = {
    get browser() {
      return browser();
    },
    get demo() {
      if (demo === undefined) throw new Error("no demo: only inside a test");
      return demo;
    },
    person: async (nick, viewport) => {
      const options = viewport === undefined ? {} : { viewport };
      return session.watch(await joinChat(session.browser, session.demo.url, nick, options));
    },
    watch: (someone) => {
      people.push(someone);
      return someone;
    },
  };
  return session;
}

/** Closes every context opened since the last call. */
export async function closePages(): Promise<void> {
  const open = [...contexts];
  contexts.clear();
  await Promise.all(open.map((context) => context.close().catch(() => undefined)));
}

/** Waits until `selector`'s textContent (trimmed) equals `text`, or includes it with `{ includes: true }`. */
export async function waitForText(
  page: Page,
  selector: string,
  text: string,
  { includes = false, timeout = STEP_MS } = {},
): Promise<void> {
  try {
    await page.waitForFunction(
      ([selector, text, includes]) => {
        const actual = document.querySelector(selector)?.textContent?.trim();
        return actual !== undefined && (includes ? actual.includes(text) : actual === text);
      },
      [selector, text, includes] as const,
      { timeout },
    );
  } catch {
    const actual = await page.evaluate((selector) => document.querySelector(selector)?.textContent, selector);
    throw new Error(`${selector} shows ${JSON.stringify(actual)}, not ${JSON.stringify(text)}, after ${timeout} ms`);
  }
}

/** What a message in #messages shows. */
export interface ShownMessage {
  nick: string;
  text: string;
  tick: string | null;
  cid: string;
}

/** The messages a page shows, in order. */
export function shownMessages(page: Page): Promise<ShownMessage[]> {
  return page.$$eval('#messages [data-testid="message"]', (items) =>
    items.map((item) => ({
      nick: item.querySelector('[data-testid="message-nick"]')?.textContent ?? "",
      text: item.querySelector('[data-testid="message-text"]')?.textContent ?? "",
      tick: item.querySelector('[data-testid="tick"]')?.getAttribute("data-state") ?? null,
      cid: item.getAttribute("data-cid") ?? "",
    })),
  );
}

/** Waits until the page shows a message `text` from `nick`. */
export async function waitForMessage(page: Page, nick: string, text: string, timeout = STEP_MS): Promise<void> {
  try {
    await page.waitForFunction(
      ([nick, text]) =>
        [...document.querySelectorAll('#messages [data-testid="message"]')].some(
          (item) =>
            item.querySelector('[data-testid="message-nick"]')?.textContent === nick &&
            item.querySelector('[data-testid="message-text"]')?.textContent === text,
        ),
      [nick, text] as const,
      { timeout },
    );
  } catch {
    const shown = await shownMessages(page);
    throw new Error(
      `no message ${JSON.stringify(text)} from ${nick} within ${timeout} ms; shown: ${JSON.stringify(shown)}`,
    );
  }
}

/** Waits until the page shows a notice of `kind` whose text includes `text`. */
export async function waitForNotice(page: Page, kind: string, text: string, timeout = STEP_MS): Promise<void> {
  try {
    await page.waitForFunction(
      ([kind, text]) =>
        [...document.querySelectorAll('#messages [data-testid="notice"]')].some(
          (item) => item.getAttribute("data-kind") === kind && (item.textContent ?? "").includes(text),
        ),
      [kind, text] as const,
      { timeout },
    );
  } catch {
    const notices = await page.$$eval('#messages [data-testid="notice"]', (items) =>
      items.map((item) => `${item.getAttribute("data-kind")}: ${item.textContent}`),
    );
    throw new Error(
      `no ${kind} notice with ${JSON.stringify(text)} within ${timeout} ms; shown: ${JSON.stringify(notices)}`,
    );
  }
}

/** Types `text` in the composer, as a person does (so typing is announced), and sends it with Enter. */
export async function send(page: Page, text: string): Promise<void> {
  await page.fill("#message-input", text);
  await page.press("#message-input", "Enter");
}

/** The nicknames in the who's-online list, sorted. */
export function members(page: Page): Promise<string[]> {
  return page.$$eval("#member-list li", (items) => items.map((item) => item.getAttribute("data-nick") ?? "").sort());
}

/** Waits until the who's-online list has exactly these nicknames. */
export async function waitForMembers(page: Page, nicks: string[], timeout = STEP_MS): Promise<void> {
  const expected = [...nicks].sort();
  try {
    await page.waitForFunction(
      (expected) =>
        JSON.stringify(
          [...document.querySelectorAll("#member-list li")].map((li) => li.getAttribute("data-nick")).sort(),
        ) === JSON.stringify(expected) &&
        document.querySelector("#member-count")?.textContent === String(expected.length),
      expected,
      { timeout },
    );
  } catch {
    throw new Error(
      `members ${JSON.stringify(await members(page))}, not ${JSON.stringify(expected)}, after ${timeout} ms`,
    );
  }
}

/** Polls `check` (which throws while not yet true) until it passes or `timeoutMs` runs out; rethrows its last error. */
export async function eventually(check: () => Promise<void> | void, timeoutMs = STEP_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
