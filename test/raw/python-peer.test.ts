// examples/python/enchufe_peer.py and enchufe_udp_peer.py, peers in Python's
// standard library, run with python3 against a tcp:// and a udp:// listener: each
// joins with auth, gets its ack, answers pings, receives a broadcast and leaves.
// Checked by what they print and by what the server saw. Under CI=true a missing
// python3 fails the run instead of skipping.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { dirname, resolve } from "node:path";
import { afterEach, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import type { Server, Socket } from "../../src/index.js";
import { until } from "../helpers/peers.js";
import { cleanupStreamPeers, rawServer } from "../helpers/stream-peer.js";

afterEach(cleanupStreamPeers);

// This file runs from .test-build*/test/raw/; the example is in the repository.
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const SCRIPT = resolve(ROOT, "examples/python/enchufe_peer.py");
const UDP_SCRIPT = resolve(ROOT, "examples/python/enchufe_udp_peer.py");
const RUN_TIMEOUT_MS = 10_000;

const hasPython = spawnSync("python3", ["--version"], { timeout: 5000 }).status === 0;
const skip = hasPython || process.env.CI === "true" ? false : "python3 is not installed";

interface Run {
  code: number | null;
  stdout: string[];
  stderr: string;
}

/** Runs a Python script with these arguments; kills it after RUN_TIMEOUT_MS. */
function runPython(script: string, args: string[]): Promise<Run> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn("python3", [script, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), RUN_TIMEOUT_MS);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout: stdout.trimEnd().split("\n"), stderr });
    });
  });
}

/** What the server saw of a Python peer. */
interface Seen {
  auth?: unknown;
  transport?: string;
  hello: unknown[];
  pongs: number;
  reasons: string[];
}

/**
 * Records what a peer of `io` does (auth, transport, pongs, `hello` events, which it
 * acknowledges, disconnect reasons) and broadcasts `news` once it answered three pings
 * (counted, not timed: a busy machine's pause gives it fewer).
 */
function watchPeer(io: Server, headline: string): Seen {
  const seen: Seen = { hello: [], pongs: 0, reasons: [] };
  io.on("connection", (socket: Socket) => {
    seen.auth = socket.handshake.auth;
    seen.transport = socket.conn.transport.name;
    socket.conn.on("packet", (packet) => {
      if (packet.type === 3 && ++seen.pongs === 3) io.emit("news", { headline }, 7);
    });
    socket.on("hello", (text: string, ack: (answer: string) => void) => {
      seen.hello.push(text);
      ack(`hello ${String(socket.handshake.auth.name)}, you said "${text}"`);
    });
    socket.on("disconnect", (reason) => seen.reasons.push(reason));
  });
  return seen;
}

describe("examples/python/enchufe_peer.py", () => {
  it("joins with auth, gets its ack, answers pings, receives a broadcast and leaves", { skip }, async () => {
    // Pings every 50 ms, news after the third pong: the peer must answer pings to hear it.
    const io = rawServer({ pingInterval: 50, pingTimeout: 400 });
    const listener = await io.listen("tcp://127.0.0.1:0");
    const port = Number(/:(\d+)$/.exec(listener.url)![1]);
    const seen = watchPeer(io, "enchufe speaks Python");

    const run = await runPython(SCRIPT, ["127.0.0.1", String(port)]);
    assert.equal(run.stderr, "");
    assert.equal(run.code, 0);
    const [open, joined, ...rest] = run.stdout;
    assert.equal(open, "open: pingInterval 50 upgrades []");
    assert.match(joined ?? "", /^joined as [\w-]+$/);
    assert.deepEqual(rest, [
      'ack: ["hello python, you said \\"from python\\""]',
      'news: [{"headline": "enchufe speaks Python"}, 7]',
      "bye",
    ]);

    assert.deepEqual(seen.auth, { name: "python" });
    assert.equal(seen.transport, "tcp");
    assert.deepEqual(seen.hello, ["from python"]);
    assert.ok(seen.pongs >= 3, `expected the peer to answer pings, got ${seen.pongs} pongs`);
    assert.deepEqual(seen.reasons, ["client namespace disconnect"]);
  });
});

describe("examples/python/enchufe_udp_peer.py", () => {
  it(
    "opens a session, joins with auth, gets its ack, answers pings, receives a broadcast and leaves",
    { skip },
    async () => {
      // As above; over UDP an unanswered ping is also sent again every pingTimeout / 8 (50 ms).
      const io = rawServer({ pingInterval: 50, pingTimeout: 400 });
      const listener = await io.listen("udp://127.0.0.1:0");
      const seen = watchPeer(io, "enchufe speaks Python over UDP");

      const run = await runPython(UDP_SCRIPT, [listener.url]);
      assert.equal(run.stderr, "");
      assert.equal(run.code, 0, run.stdout.join("\n"));
      const [open, joined, ...rest] = run.stdout;
      assert.equal(open, "open: pingInterval 50 maxPayload 1200");
      assert.match(joined ?? "", /^joined as [\w-]+$/);
      assert.deepEqual(rest, [
        'ack: ["hello python, you said \\"from python\\""]',
        'news: [{"headline": "enchufe speaks Python over UDP"}, 7]',
        "bye",
      ]);

      assert.deepEqual(seen.auth, { name: "python" });
      assert.equal(seen.transport, "udp");
      assert.deepEqual(seen.hello, ["from python"]);
      assert.ok(seen.pongs >= 3, `expected the peer to answer pings, got ${seen.pongs} pongs`);
      // "41" then "1": the namespace is left before the session closes.
      await until(() => seen.reasons.length > 0);
      assert.deepEqual(seen.reasons, ["client namespace disconnect"]);
    },
  );
});
