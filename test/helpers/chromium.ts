// Headless Chromium for the tests that need a real browser (test/browser/, test/e2e/):
// Debian's, driven by playwright-core. Without it those suites are skipped, saying
// why; under CI=true they run, and fail at launch instead (scripts/run-tests.mjs).
import { existsSync } from "node:fs";
import { after, before } from "node:test";
import { chromium, type Browser } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const hasChromium = existsSync(CHROMIUM);

/** A suite's `skip` option: false, or why it is skipped (never under CI=true). */
export const skipWithoutChromium =
  hasChromium || process.env.CI === "true"
    ? false
    : `no Chromium at ${CHROMIUM} (scripts/install-browser.sh installs it)`;

/** Launches headless Chromium; throws when there is none (a suite that was not skipped: CI=true). */
export function launchChromium(): Promise<Browser> {
  if (!hasChromium) throw new Error(`CI=true and no Chromium at ${CHROMIUM}: run scripts/install-browser.sh`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    timeout: 30_000,
  });
}

/**
 * Launches Chromium before a suite's tests and closes it after them (call it in the
 * describe's body, after any `after` hook that must run while the browser is open).
 * The function returned gives the browser, from the first test on.
 */
export function useChromium(): () => Browser {
  let browser: Browser | undefined;
  before(async () => {
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });
  return () => {
    if (browser === undefined) throw new Error("no browser: the suite's before() has not run");
    return browser;
  };
}
