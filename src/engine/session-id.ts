// Session and socket ids: 15 random bytes as 20 base64url characters. Ids grant
// access to a session, so they come from the CSPRNG; a pooled buffer keeps that
// to one randomFillSync call per 136 ids instead of one per id.
import { Buffer } from "node:buffer";
import { randomFillSync } from "node:crypto";

const ID_BYTES = 15;
const POOL_SIZE = ID_BYTES * 136;

const pool = Buffer.allocUnsafe(POOL_SIZE);
let offset = POOL_SIZE;

/** A new unpredictable id, unique for all practical purposes. */
export function generateId(): string {
  if (offset === POOL_SIZE) {
    randomFillSync(pool);
    offset = 0;
  }
  const id = pool.toString("base64url", offset, offset + ID_BYTES);
  offset += ID_BYTES;
  return id;
}
