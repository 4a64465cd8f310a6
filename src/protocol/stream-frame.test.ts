// Unit tests of the stream framing for TCP, TLS and Unix sockets (docs/protocol.md):
// the byte layout, any chunking, and every malformed case.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ErrorCode } from "../errors.js";
import { encodeStreamFrame, STREAM_FRAME_HEADER_BYTES, StreamFrameDecoder } from "./stream-frame.js";
import { assertProtocolError, seededRandom } from "./protocol.test-support.js";

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

describe("stream frames", () => {
  it("lays a text frame out as length (u32 BE), kind 0, then the UTF-8 packet", () => {
    assert.deepEqual([...encodeStreamFrame("4héllo")], [0, 0, 0, 7, 0, 0x34, 0x68, 0xc3, 0xa9, 0x6c, 0x6c, 0x6f]);
    assert.deepEqual([...encodeStreamFrame("2")], [0, 0, 0, 1, 0, 0x32]);
  });

  it("lays a binary frame out as length, kind 1, then the bytes", () => {
    assert.deepEqual([...encodeStreamFrame(new Uint8Array([1, 2, 3]))], [0, 0, 0, 3, 1, 1, 2, 3]);
    assert.deepEqual([...encodeStreamFrame(new Uint8Array(0))], [0, 0, 0, 0, 1]);
  });

  it("decodes frames split anywhere, a byte at a time or many in one chunk", () => {
    const values = ["0{}", "4hello", new Uint8Array([0, 255, 7]), "", '42["ü",1]', new Uint8Array(0)];
    const stream = concat(...values.map(encodeStreamFrame));
    const whole = new StreamFrameDecoder(1000).push(stream);
    assert.deepEqual(whole, values);
    const decoder = new StreamFrameDecoder(1000);
    const bytewise = [...stream].flatMap((byte) => decoder.push(new Uint8Array([byte])));
    assert.deepEqual(bytewise, values);
    assert.equal(decoder.bufferedBytes, 0);
    decoder.end();
  });

  it("keeps frames intact across random chunkings (seeded, bounded)", () => {
    const next = seededRandom(42);
    for (let round = 0; round < 200; round++) {
      const values: (string | Uint8Array)[] = [];
      for (let i = 0; i < 1 + Math.floor(next() * 8); i++) {
        const size = Math.floor(next() * 300);
        if (next() < 0.5) values.push("4" + "é".repeat(size));
        else values.push(Uint8Array.from({ length: size }, () => Math.floor(next() * 256)));
      }
      const stream = concat(...values.map(encodeStreamFrame));
      const decoder = new StreamFrameDecoder(1000);
      const frames: (string | Uint8Array)[] = [];
      for (let offset = 0; offset < stream.length;) {
        const size = 1 + Math.floor(next() * 64);
        frames.push(...decoder.push(stream.subarray(offset, offset + size)));
        offset += size;
      }
      assert.deepEqual(frames, values, `round ${round}`);
    }
  });

  it("refuses a frame over the limit from its header, before its payload arrives", () => {
    const decoder = new StreamFrameDecoder(10);
    assert.deepEqual(decoder.push(encodeStreamFrame("4" + "x".repeat(9))), ["4xxxxxxxxx"]);
    assertProtocolError(
      () => decoder.push(new Uint8Array([0, 0, 0, 11, 0])),
      ErrorCode.PACKET_LIMIT,
      /11 bytes, over the limit of 10/,
    );
    assertProtocolError(
      () => new StreamFrameDecoder(1_000_000).push(new Uint8Array([0xff, 0xff, 0xff, 0xff, 1])),
      ErrorCode.PACKET_LIMIT,
      /4294967295 bytes/,
    );
  });

  it("delivers the frames before a bad one (read), whatever the chunking, then throws", () => {
    const stream = concat(encodeStreamFrame("4a"), encodeStreamFrame("4b"), new Uint8Array([0, 0, 0, 1, 9, 0]));
    for (const size of [stream.length, 1, 3]) {
      const decoder = new StreamFrameDecoder(100);
      const frames: (string | Uint8Array)[] = [];
      assertProtocolError(
        () => {
          for (let at = 0; at < stream.length; at += size) {
            decoder.read(stream.subarray(at, at + size), (frame) => frames.push(frame));
          }
        },
        ErrorCode.PACKET_INVALID,
        /unknown frame kind 9/,
      );
      assert.deepEqual(frames, ["4a", "4b"], `in chunks of ${size} bytes`);
    }
  });

  it("refuses an unknown kind", () => {
    assertProtocolError(
      () => new StreamFrameDecoder(100).push(new Uint8Array([0, 0, 0, 1, 2, 0x34])),
      ErrorCode.PACKET_INVALID,
      /unknown frame kind 2/,
    );
  });

  it("refuses a text frame that is not UTF-8", () => {
    assertProtocolError(
      () => new StreamFrameDecoder(100).push(new Uint8Array([0, 0, 0, 2, 0, 0x34, 0xff])),
      ErrorCode.PACKET_INVALID,
      /not valid UTF-8/,
    );
  });

  it("reports a stream that ends inside a frame", () => {
    const decoder = new StreamFrameDecoder(100);
    assert.deepEqual(decoder.push(encodeStreamFrame("4abc").subarray(0, STREAM_FRAME_HEADER_BYTES + 1)), []);
    assertProtocolError(() => decoder.end(), ErrorCode.PACKET_INVALID, /ended inside a frame \(6 bytes left over\)/);
    assert.equal(decoder.bufferedBytes, 0);
  });
});
