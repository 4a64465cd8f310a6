// Helpers for the simple API's tests: the examples of examples/simple/ run as real
// child processes (from the repo root, so that `enchufe/simple` resolves to dist/),
// line readers for their output and for plain TCP peers,
// and cleanup of everything a test opened. Every wait is bounded.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, connect as netConnect, type AddressInfo, type Socket as NetSocket } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import type { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import type { Connection, SimpleServer } from "../../src/simple/index.js";

/** The repository's root: this file runs from <build dir>/test/simple/. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

/** How long any single wait may take, in ms. */
export const WAIT_MS = 5000;

/** Fails with a clear message when dist/ is missing: the examples import `enchufe/simple` from it. */
export function assertBuilt(): void {
  if (!existsSync(join(ROOT, "dist/simple/index.js"))) {
    throw new Error("dist/simple/index.js is missing: run `npm run build` first (the examples import enchufe/simple)");
  }
}

/** The lines of a stream, read in order or waited for. */
export class Lines {
  readonly all: string[] = [];
  #cursor = 0;
  #isEnded = false;
  #wake: (() => void) | undefined;

  constructor(stream: Readable) {
    let rest = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      const parts = (rest + chunk).split("\n");
      rest = parts.pop()!;
      this.all.push(...parts);
      this.#wake?.();
    });
    stream.on("close", () => {
      if (rest !== "") this.all.push(rest);
      this.#isEnded = true;
      this.#wake?.();
    });
  }

  /** The next line; rejects when the stream ends or `timeoutMs` pass first. */
  async next(timeoutMs = WAIT_MS): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (this.#cursor >= this.all.length) {
      const left = deadline - Date.now();
      if (this.#isEnded || left <= 0) {
        throw new Error(
          `${this.#isEnded ? "stream ended" : "timed out"} waiting for a line; got ${JSON.stringify(this.all)}`,
        );
      }
      await new Promise<void>((wake) => {
        const timer = setTimeout(wake, left);
        this.#wake = () => {
          clearTimeout(timer);
          wake();
        };
      });
      this.#wake = undefined;
    }
    return this.all[this.#cursor++]!;
  }

  /** Skips lines up to the first that equals `line`; rejects when it does not come in time. */
  async until(line: string, timeoutMs = WAIT_MS): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ((await this.next(Math.max(1, deadline - Date.now()))) !== line);
  }
}

export interface Example {
  child: ChildProcess;
  stdout: Lines;
  /** Everything written to stderr so far. */
  stderr: () => string;
  /** Resolves with the exit code (or the signal's name). */
  exited: Promise<number | string>;
}

const children = new Set<ChildProcess>();

/** Starts `node examples/simple/<name> ...args` from the repo root. */
export function startExample(name: string, args: string[] = [], env: Record<string, string> = {}): Example {
  return startProgram(join("examples/simple", name), args, env);
}

/** Starts `node <path> ...args` from the repo root (`path` relative to it); cleanup() kills it if still running. */
export function startProgram(path: string, args: string[] = [], env: Record<string, string> = {}): Example {
  const child = spawn(process.execPath, [path, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | string>((done) =>
    child.once("close", (code, signal) => {
      children.delete(child);
      done(code ?? signal ?? "unknown");
    }),
  );
  return { child, stdout: new Lines(child.stdout), stderr: () => stderr, exited };
}

/** Starts a server example on `url` and resolves with it and the URL it printed first. */
export async function startServerExample(
  name: string,
  url: string,
  more: string[] = [],
  env: Record<string, string> = {},
): Promise<Example & { url: string }> {
  const example = startExample(name, [url, ...more], env);
  try {
    return { ...example, url: await example.stdout.next() };
  } catch (error) {
    throw new Error(`${name} printed no URL (stderr: ${example.stderr()})`, { cause: error });
  }
}

/** How a program ended, and everything it printed. */
export interface Run {
  code: number | string;
  stdout: string[];
  stderr: string;
}

/** Waits for a started program to end (killing it after `timeoutMs`): its exit code and output. */
export async function finish(program: Example, timeoutMs = WAIT_MS): Promise<Run> {
  const timer = setTimeout(() => program.child.kill("SIGKILL"), timeoutMs);
  const code = await program.exited;
  clearTimeout(timer);
  return { code, stdout: program.stdout.all, stderr: program.stderr() };
}

/** Runs a client example to its end: its exit code and output. Killed when it outlives `timeoutMs`. */
export function runExample(
  name: string,
  args: string[] = [],
  env: Record<string, string> = {},
  timeoutMs = WAIT_MS,
): Promise<Run> {
  return finish(startExample(name, args, env), timeoutMs);
}

const connections = new Set<Connection>();
const servers = new Set<SimpleServer>();
const peers = new Set<NetSocket>();

/** Closes the connection and server in an afterEach hook (returns what it is given). */
export function track<T extends Connection | SimpleServer>(value: T): T {
  if ("accept" in value) servers.add(value);
  else connections.add(value);
  return value;
}

/** Kills every child process and closes every connection, server and TCP peer a test opened. */
export async function cleanup(): Promise<void> {
  for (const connection of connections) connection.close();
  connections.clear();
  for (const peer of peers) peer.destroy();
  peers.clear();
  await Promise.all([...servers].map((server) => server.close()));
  servers.clear();
  await Promise.all(
    [...children].map(
      (child) =>
        new Promise<void>((done) => {
          child.once("close", () => done());
          child.kill("SIGKILL");
        }),
    ),
  );
}

/** A plain TCP peer, as `nc host port` is: raw bytes in, lines out. */
export async function plainPeer(url: string): Promise<{ socket: NetSocket; lines: Lines }> {
  const { hostname, port } = new URL(url.replace(/^tcp:/, "http:"));
  const socket = netConnect(Number(port), hostname);
  peers.add(socket);
  const lines = new Lines(socket);
  await new Promise<void>((done, fail) => {
    socket.once("connect", done);
    socket.once("error", fail);
  });
  return { socket, lines };
}

/** A loopback port nothing listens on (it was free a moment ago). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

/** A temporary directory, removed by the returned function. */
export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
