// Helpers for the CLI's tests: the compiled `enchufe` binary run as a real child
// process, its output read line by line (or JSON record by record), and cleanup of
// every process a test started, by PID. Every wait is bounded.
import { spawn, type ChildProcess } from "node:child_process";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Lines } from "../simple/helpers.js";

export { freePort, Lines, plainPeer, tempDir } from "../simple/helpers.js";

/** The CLI under test: this file runs from <build dir>/test/cli/, the CLI is <build dir>/src/cli/main.js. */
export const CLI = resolve(dirname(fileURLToPath(import.meta.url)), "../../src/cli/main.js");

/** The repository's root, where `enchufe serve` finds its pages. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

/** How long any single wait may take, in ms. */
export const WAIT_MS = 5000;

/** A JSON record printed by `--json`. */
export type JsonRecord = { type: string } & Record<string, unknown>;

export interface Cli {
  child: ChildProcess;
  stdout: Lines;
  /** Everything written to stderr so far. */
  stderr: () => string;
  /** Resolves with the exit code (or the signal's name). */
  exited: Promise<number | string>;
  /** Writes a line to its stdin. */
  send: (line: string) => void;
  /** Closes its stdin. */
  end: () => void;
}

const children = new Set<ChildProcess>();

/** Starts `node <CLI> ...args` with a piped stdin, and NO_COLOR unset (its stdout is no TTY anyway). */
export function startCli(args: string[], env: Record<string, string> = {}): Cli {
  const inherited = { ...process.env };
  delete inherited.NO_COLOR;
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    env: { ...inherited, ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  children.add(child);
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  child.stdin.on("error", () => {}); // a child that exited early closes its stdin under our writes
  const exited = new Promise<number | string>((done) =>
    child.once("close", (code, signal) => {
      children.delete(child);
      done(code ?? signal ?? "unknown");
    }),
  );
  return {
    child,
    stdout: new Lines(child.stdout),
    stderr: () => stderr,
    exited,
    send: (line) => void child.stdin.write(`${line}\n`),
    end: () => void child.stdin.end(),
  };
}

/** Runs the CLI to its end with `input` on stdin: its exit code and output. Killed past `timeoutMs`. */
export async function runCli(
  args: string[],
  {
    input = "",
    env = {},
    timeoutMs = WAIT_MS,
  }: { input?: string; env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<{ code: number | string; stdout: string[]; stderr: string }> {
  const cli = startCli(args, env);
  cli.child.stdin!.end(input);
  const code = await exitOf(cli, timeoutMs);
  return { code, stdout: cli.stdout.all, stderr: cli.stderr() };
}

/** The exit code of `cli`; it is killed (and the test fails) when it outlives `timeoutMs`. */
export async function exitOf(cli: Cli, timeoutMs = WAIT_MS): Promise<number | string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      cli.child.kill("SIGKILL");
      reject(new Error(`the CLI did not exit within ${timeoutMs} ms; stdout: ${JSON.stringify(cli.stdout.all)}`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([cli.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The next line that `test` accepts (skipping the others); rejects when none comes in `timeoutMs`. */
export async function nextLine(lines: Lines, test: (line: string) => boolean, timeoutMs = WAIT_MS): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const line = await lines.next(Math.max(1, deadline - Date.now()));
    if (test(line)) return line;
  }
}

/** The next JSON record of `type` (matching `test`, if given), skipping the others. */
export async function nextRecord(
  lines: Lines,
  type: string,
  test: (record: JsonRecord) => boolean = () => true,
  timeoutMs = WAIT_MS,
): Promise<JsonRecord> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const line = await lines.next(Math.max(1, deadline - Date.now()));
    const record = JSON.parse(line) as JsonRecord; // every line of --json is one JSON object
    if (record.type === type && test(record)) return record;
  }
}

/** Reads records until `count` of them pass `test`, and returns those, whatever came between or in which order. */
export async function collectRecords(
  lines: Lines,
  test: (record: JsonRecord) => boolean,
  count: number,
  timeoutMs = WAIT_MS,
): Promise<JsonRecord[]> {
  const deadline = Date.now() + timeoutMs;
  const found: JsonRecord[] = [];
  while (found.length < count) {
    const record = JSON.parse(await lines.next(Math.max(1, deadline - Date.now()))) as JsonRecord;
    if (test(record)) found.push(record);
  }
  return found;
}

/** Every line printed so far, parsed as JSON records. */
export function recordsOf(lines: Lines): JsonRecord[] {
  return lines.all.map((line) => JSON.parse(line) as JsonRecord);
}

/** Starts `enchufe listen <url> --json …` and resolves with it and the URL it listens on. */
export async function startListen(url: string, more: string[] = []): Promise<Cli & { url: string }> {
  const cli = startCli(["listen", url, "--json", ...more]);
  try {
    const listening = await nextRecord(cli.stdout, "listening");
    return { ...cli, url: listening.url as string };
  } catch (error) {
    throw new Error(`enchufe listen ${url} did not start (stderr: ${cli.stderr()})`, { cause: error });
  }
}

/** Kills every process a test started, by its PID, and waits for each to be gone. */
export async function killAll(): Promise<void> {
  await Promise.all(
    [...children].map(
      (child) =>
        new Promise<void>((done) => {
          if (child.exitCode !== null || child.signalCode !== null) return done();
          child.once("close", () => done());
          process.kill(child.pid!, "SIGKILL");
        }),
    ),
  );
  children.clear();
}
