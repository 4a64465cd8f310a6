// What a hostile peer or a mistyped command line can hand the CLI: text that would
// drive the terminal, values nested deep enough to overflow a stack, timeouts no
// timer can hold, schemes the client does not speak, and `$binary` values that are
// not base64. Each is escaped, cut or refused.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MAX_TIMEOUT_MS, parseInteger } from "./args.js";
import { CliError } from "./cli-error.js";
import { formatHuman, safe } from "./human-format.js";
import { formatJson } from "./output.js";
import { parsePromptCommand } from "./prompt-command.js";
import { PLAIN } from "./style.js";
import { checkUrl } from "./url.js";
import { formatValue, fromJsonValue, MAX_VALUE_DEPTH, parseWord, toJsonValue } from "./values.js";

// eslint-disable-next-line no-control-regex -- the very characters that must not get through
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;

/** An array nested `depth` times, as JSON.parse makes it from a peer's payload. */
function nested(depth: number): unknown {
  return JSON.parse("[".repeat(depth) + "]".repeat(depth));
}

const isUsage = (error: unknown): boolean => error instanceof CliError && error.exitCode === 2;

describe("the CLI against hostile input", () => {
  it("escapes control characters and bidi overrides a peer sends, so that it cannot forge output", () => {
    assert.equal(safe("\u001b[2K\r+ fake\u009b31m\u202eevil"), "\\u001b[2K\\u000d+ fake\\u009b31m\\u202eevil");
    const [line] = formatHuman(
      { type: "event", namespace: "/", socket: "id\u001b[0m", event: "\u001b[32mchat", args: ["\u202e"], ack: false },
      PLAIN,
    );
    assert.ok(line !== undefined && !UNSAFE.test(line), JSON.stringify(line));
  });

  it("escapes what a peer names beyond events: a server's socket id, a client's namespace", () => {
    const evil = "x\u001b[2K\u009b31m\u202eevil";
    const lines = [
      ...formatHuman({ type: "connect", namespace: "/", socket: evil, transport: "websocket" }, PLAIN),
      ...formatHuman(
        { type: "connection", socket: "s1", namespace: `/${evil}`, transport: "tcp", address: "a" },
        PLAIN,
      ),
    ];
    for (const line of lines) assert.ok(!UNSAFE.test(line), JSON.stringify(line));
  });

  it("--json escapes C1 controls and bidi overrides too, as the same JSON value", () => {
    const record = { type: "event", namespace: "/", event: "\u009b31m\u202e", args: ["\u2066\u001b"] } as const;
    const line = formatJson({ ...record, args: [...record.args] });
    assert.ok(!UNSAFE.test(line), line);
    assert.deepEqual(JSON.parse(line), record);
  });

  it("shows text that looks like a placeholder as text, never as bytes", () => {
    assert.equal(formatValue(["\u00000\u0000", Buffer.from([1, 2])]), `["\\u00000\\u0000",<Buffer 2 bytes>]`);
    assert.equal(formatValue("\u00001\u0000"), `"\\u00001\\u0000"`);
  });

  it(`cuts values nested deeper than ${MAX_VALUE_DEPTH} levels instead of overflowing the stack`, () => {
    const deep = nested(100_000);
    const shown = formatValue(deep);
    assert.equal(shown, `${"[".repeat(MAX_VALUE_DEPTH)}[…]${"]".repeat(MAX_VALUE_DEPTH)}`);
    let json: unknown = toJsonValue(deep);
    for (let depth = 0; depth < MAX_VALUE_DEPTH; depth++) json = (json as unknown[])[0];
    assert.deepEqual(json, { $truncated: true });
    assert.ok(!formatValue({ a: nested(MAX_VALUE_DEPTH - 1) }).includes("…"), "nothing cut within the limit");
    assert.doesNotThrow(() => formatJson({ type: "event", namespace: "/", event: "deep", args: [deep] }));
  });

  it("refuses timeouts no timer can hold (over 2^31 - 1 ms)", () => {
    assert.equal(parseInteger(String(MAX_TIMEOUT_MS), "--timeout", 1, MAX_TIMEOUT_MS), MAX_TIMEOUT_MS);
    assert.throws(() => parseInteger("3000000000", "--timeout", 1, MAX_TIMEOUT_MS), isUsage);
    assert.throws(() => parsePromptCommand('{"command":"call","event":"e","timeout":1e12}'), isUsage);
  });

  it("refuses schemes the client does not speak as usage errors", () => {
    assert.throws(() => checkUrl("ftp://example.com"), isUsage);
    for (const url of ["http://h:1", "wss://h", "tcp://h:1", "tls://h:1", "ipc:///tmp/x.sock", "udp://h:1"])
      checkUrl(url);
  });

  it("refuses a $binary that is not a base64 string, typed or in JSON", () => {
    assert.deepEqual(fromJsonValue({ $binary: "aGk=" }), Buffer.from("hi"));
    for (const value of ["!!!notbase64", 5, null, "abc"])
      assert.throws(() => fromJsonValue({ $binary: value }), isUsage);
    assert.throws(() => parseWord('{"$binary":"%%"}'), isUsage);
    assert.equal(parseWord("hola"), "hola");
  });
});
