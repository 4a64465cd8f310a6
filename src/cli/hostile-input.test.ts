// What a hostile peer or a mistyped command line can hand the CLI: text that would
// drive the terminal, timeouts no timer can hold, schemes the client does not
// speak, and `$binary` values that are not base64. Each is escaped or refused.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MAX_TIMEOUT_MS, parseInteger } from "./args.js";
import { CliError } from "./cli-error.js";
import { formatHuman, safe } from "./human-format.js";
import { parsePromptCommand } from "./prompt-command.js";
import { PLAIN } from "./style.js";
import { checkUrl } from "./url.js";
import { fromJsonValue, parseWord } from "./values.js";

const isUsage = (error: unknown): boolean => error instanceof CliError && error.exitCode === 2;

describe("the CLI against hostile input", () => {
  it("escapes control characters and bidi overrides a peer sends, so that it cannot forge output", () => {
    assert.equal(safe("\u001b[2K\r+ fake\u009b31m\u202eevil"), "\\u001b[2K\\u000d+ fake\\u009b31m\\u202eevil");
    const [line] = formatHuman(
      { type: "event", namespace: "/", socket: "id\u001b[0m", event: "\u001b[32mchat", args: ["\u202e"], ack: false },
      PLAIN,
    );
    // eslint-disable-next-line no-control-regex -- the very characters that must not get through
    assert.ok(line !== undefined && !/[\u0000-\u001f\u007f-\u009f\u202a-\u202e]/u.test(line), JSON.stringify(line));
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
