// Unit tests of the raw listeners' option checks: every bound a peer's input is held
// to must be a number, and an option of another kind of listener is refused, not ignored.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ArgumentError, ErrorCode } from "../errors.js";
import { listenRaw, type RawListenOptions } from "./raw-listener.js";

const engine = {
  handleStream: (): void => assert.fail("no connection is expected"),
  handleDatagrams: () => assert.fail("no UDP socket is expected"),
};

function isOptionInvalid(pattern: RegExp): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof ArgumentError, `expected an ArgumentError, got ${String(error)}`);
    assert.equal(error.code, ErrorCode.OPTION_INVALID);
    assert.match(error.message, pattern);
    return true;
  };
}

describe("raw listener options", () => {
  it("refuses a maxMessageBytes that is not a positive integer (NaN would bound nothing)", () => {
    for (const maxMessageBytes of [Number.NaN, 0, -1, 1.5, "64" as unknown as number]) {
      assert.throws(
        () => listenRaw("tcp://127.0.0.1:0", { mode: "line", maxMessageBytes }, engine),
        isOptionInvalid(/`maxMessageBytes` must be an integer/),
        `maxMessageBytes: ${String(maxMessageBytes)}`,
      );
    }
  });

  it("refuses the stream listeners' message options on udp://", () => {
    const cases: RawListenOptions[] = [{ maxMessageBytes: 100 }, { invalidUtf8: "replace" }];
    for (const options of cases) {
      assert.throws(() => listenRaw("udp://127.0.0.1:0", options, engine), isOptionInvalid(/tcp:\/\//));
    }
  });

  it("takes a positive integer maxMessageBytes", async () => {
    const listener = await listenRaw("tcp://127.0.0.1:0", { mode: "sized", maxMessageBytes: 1 }, engine);
    assert.match(listener.url, /^tcp:\/\/127\.0\.0\.1:\d+$/);
    await listener.close();
  });
});
