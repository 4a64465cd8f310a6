// What the protocol's unit tests share (never built into the package: tsconfig.build.json
// leaves out *.test-support.ts, as it does *.test.ts).
import assert from "node:assert/strict";
import { ProtocolError, type ErrorCode } from "../errors.js";

/** Asserts that `fn` throws a ProtocolError of `code`, whose message matches `message` when given. */
export function assertProtocolError(fn: () => unknown, code: ErrorCode, message?: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof ProtocolError, `expected a ProtocolError, got ${String(error)}`);
    assert.equal(error.code, code);
    if (message !== undefined) assert.match(error.message, message);
    return true;
  });
}

/** mulberry32: a small seeded generator of floats in [0, 1), so that a failing run can be replayed. */
export function seededRandom(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
