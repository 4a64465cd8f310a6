// Unit tests of the UDP datagram codec (docs/protocol.md › "Datagrams"): the sid
// header of a client's datagram, the stream frames after it, the open request, and
// every malformed case, which must end in a ProtocolError and nothing else.
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { describe, it } from "node:test";
import { ErrorCode, ProtocolError } from "../errors.js";
import {
  decodeDatagramFrames,
  encodeDatagram,
  encodeOpenRequest,
  MAX_DATAGRAM_SID_BYTES,
  MIN_OPEN_REQUEST_BYTES,
  readDatagramHeader,
} from "./datagram.js";
import { encodeStreamFrame, STREAM_FRAME_HEADER_BYTES } from "./stream-frame.js";
import { assertProtocolError, seededRandom } from "./protocol.test-support.js";

/** The bytes of a client's datagram, written by hand: sid length, sid, then `frames`. */
function clientDatagram(sid: string, ...frames: Uint8Array[]): Uint8Array {
  return Buffer.concat([Buffer.from([sid.length]), Buffer.from(sid, "latin1"), ...frames]);
}

describe("datagrams", () => {
  it("lays a client's datagram out as sid length (u8), sid, then the frames", () => {
    const datagram = encodeDatagram([encodeStreamFrame("2"), encodeStreamFrame(new Uint8Array([7]))], "ab");
    assert.deepEqual([...datagram], [2, 0x61, 0x62, 0, 0, 0, 1, 0, 0x32, 0, 0, 0, 1, 1, 7]);
  });

  it("lays a server's datagram out as the frames alone", () => {
    const datagram = encodeDatagram([encodeStreamFrame("3"), encodeStreamFrame("4é")]);
    assert.deepEqual([...datagram], [0, 0, 0, 1, 0, 0x33, 0, 0, 0, 3, 0, 0x34, 0xc3, 0xa9]);
    assert.deepEqual([...encodeDatagram([])], []);
  });

  it("round-trips frames of text and bytes, with and without a sid", () => {
    const values = [
      "0{}",
      "4hello",
      new Uint8Array([0, 255, 7]),
      "",
      '42["ü",1]',
      new Uint8Array(0),
      "4" + "é".repeat(300),
    ];
    const frames = values.map(encodeStreamFrame);
    assert.deepEqual(decodeDatagramFrames(encodeDatagram(frames)), values);
    const withSid = encodeDatagram(frames, "Zx_9-");
    const header = readDatagramHeader(withSid);
    assert.deepEqual(header, { kind: "session", sid: "Zx_9-", framesAt: 6 });
    assert.deepEqual(decodeDatagramFrames(withSid, header.kind === "session" ? header.framesAt : -1), values);
  });

  it("decodes a datagram that is a view into a larger buffer (as dgram hands them)", () => {
    const inner = encodeDatagram([encodeStreamFrame("4a"), encodeStreamFrame(new Uint8Array([1, 2]))], "s");
    const outer = new Uint8Array(inner.length + 20).fill(0xee);
    outer.set(inner, 13);
    const view = outer.subarray(13, 13 + inner.length);
    const header = readDatagramHeader(view);
    assert.deepEqual(header, { kind: "session", sid: "s", framesAt: 2 });
    assert.deepEqual(decodeDatagramFrames(view, 2), ["4a", new Uint8Array([1, 2])]);
  });

  it("decodes a datagram with no frames after its sid to no packets", () => {
    assert.deepEqual(decodeDatagramFrames(clientDatagram("abc"), 4), []);
    assert.deepEqual(decodeDatagramFrames(new Uint8Array(0)), []);
  });

  it("takes sids of 1 and 255 bytes, and refuses 0 and 256 when encoding", () => {
    for (const length of [1, 2, 20, MAX_DATAGRAM_SID_BYTES]) {
      const sid = "s".repeat(length);
      const datagram = encodeDatagram([encodeStreamFrame("6")], sid);
      assert.equal(datagram[0], length);
      assert.deepEqual(readDatagramHeader(datagram), { kind: "session", sid, framesAt: 1 + length });
      assert.deepEqual(decodeDatagramFrames(datagram, 1 + length), ["6"]);
    }
    assertProtocolError(() => encodeDatagram([], ""), ErrorCode.PACKET_INVALID, /1 to 255 bytes/);
    assertProtocolError(() => encodeDatagram([], "s".repeat(256)), ErrorCode.PACKET_INVALID, /1 to 255 bytes/);
    // The limit is on bytes, not characters: 128 "é" are 256 bytes of UTF-8.
    assertProtocolError(() => encodeDatagram([], "é".repeat(128)), ErrorCode.PACKET_INVALID, /1 to 255 bytes/);
  });

  it("reads a sid of any bytes without throwing: a wrong sid names no session", () => {
    const header = readDatagramHeader(new Uint8Array([3, 0xff, 0x00, 0x80]));
    assert.deepEqual(header, { kind: "session", sid: "\u00ff\u0000\u0080", framesAt: 4 });
  });

  it("reads a zero sid length as an open request, and encodes one as 256 zeros", () => {
    const request = encodeOpenRequest();
    assert.equal(request.length, MIN_OPEN_REQUEST_BYTES);
    assert.equal(MIN_OPEN_REQUEST_BYTES, 256);
    assert.ok(request.every((byte) => byte === 0));
    assert.deepEqual(readDatagramHeader(request), { kind: "open" });
    // The header alone says "open"; the size rule is the server's (a short request gets no answer).
    assert.deepEqual(readDatagramHeader(new Uint8Array([0])), { kind: "open" });
    assert.deepEqual(readDatagramHeader(new Uint8Array([0, 1, 2, 3])), { kind: "open" });
  });

  it("refuses an empty datagram and a sid cut short", () => {
    assertProtocolError(() => readDatagramHeader(new Uint8Array(0)), ErrorCode.PACKET_INVALID, /empty datagram/);
    assertProtocolError(() => readDatagramHeader(new Uint8Array([1])), ErrorCode.PACKET_INVALID, /ends inside its sid/);
    assertProtocolError(
      () => readDatagramHeader(new Uint8Array([5, 0x61, 0x62, 0x63, 0x64])),
      ErrorCode.PACKET_INVALID,
      /ends inside its sid/,
    );
    assertProtocolError(
      () => readDatagramHeader(new Uint8Array([255, ...new Uint8Array(254)])),
      ErrorCode.PACKET_INVALID,
      /ends inside its sid/,
    );
    assert.equal(readDatagramHeader(new Uint8Array([255, ...new Uint8Array(255)])).kind, "session");
  });

  it("refuses a datagram that ends inside a frame header, whatever the cut", () => {
    const frame = encodeStreamFrame("4abc");
    for (let cut = 1; cut < STREAM_FRAME_HEADER_BYTES; cut++) {
      assertProtocolError(
        () => decodeDatagramFrames(frame.subarray(0, cut)),
        ErrorCode.PACKET_INVALID,
        /ends inside a frame header/,
      );
      const afterWhole = Buffer.concat([encodeStreamFrame("4x"), frame.subarray(0, cut)]);
      assertProtocolError(
        () => decodeDatagramFrames(afterWhole),
        ErrorCode.PACKET_INVALID,
        /ends inside a frame header/,
      );
    }
  });

  it("refuses a datagram that ends inside a frame's payload (a frame is never continued)", () => {
    const frame = encodeStreamFrame("4abc");
    for (let cut = STREAM_FRAME_HEADER_BYTES; cut < frame.length; cut++) {
      assertProtocolError(
        () => decodeDatagramFrames(frame.subarray(0, cut)),
        ErrorCode.PACKET_INVALID,
        /ends inside a frame$/,
      );
    }
    // A length that the datagram could never hold: refused from the header, nothing allocated.
    assertProtocolError(
      () => decodeDatagramFrames(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0, 0x34])),
      ErrorCode.PACKET_INVALID,
      /inside a frame$/,
    );
    assertProtocolError(
      () => decodeDatagramFrames(clientDatagram("ab", frame.subarray(0, 7)), 3),
      ErrorCode.PACKET_INVALID,
      /inside a frame$/,
    );
  });

  it("refuses an unknown kind, even after good frames", () => {
    assertProtocolError(
      () => decodeDatagramFrames(new Uint8Array([0, 0, 0, 1, 2, 0x34])),
      ErrorCode.PACKET_INVALID,
      /unknown frame kind 2/,
    );
    const afterGood = Buffer.concat([encodeStreamFrame("4a"), Buffer.from([0, 0, 0, 0, 255])]);
    assertProtocolError(() => decodeDatagramFrames(afterGood), ErrorCode.PACKET_INVALID, /unknown frame kind 255/);
  });

  it("refuses a text frame that is not UTF-8, but takes the same bytes as a binary frame", () => {
    const bad = [0x34, 0xff, 0xfe];
    assertProtocolError(
      () => decodeDatagramFrames(new Uint8Array([0, 0, 0, 3, 0, ...bad])),
      ErrorCode.PACKET_INVALID,
      /not valid UTF-8/,
    );
    // A lone surrogate half, and an overlong encoding of "/": not UTF-8 either.
    assertProtocolError(
      () => decodeDatagramFrames(new Uint8Array([0, 0, 0, 3, 0, 0xed, 0xa0, 0x80])),
      ErrorCode.PACKET_INVALID,
      /UTF-8/,
    );
    assertProtocolError(
      () => decodeDatagramFrames(new Uint8Array([0, 0, 0, 2, 0, 0xc0, 0xaf])),
      ErrorCode.PACKET_INVALID,
      /UTF-8/,
    );
    assert.deepEqual(decodeDatagramFrames(new Uint8Array([0, 0, 0, 3, 1, ...bad])), [new Uint8Array(bad)]);
  });

  it("never throws anything but a ProtocolError on random bytes (seeded, bounded)", () => {
    const next = seededRandom(20240917);
    const outcomes = { header: 0, frames: 0, refused: 0 };
    const attempt = (what: "header" | "frames", bytes: Uint8Array, run: () => unknown): void => {
      try {
        run();
        outcomes[what]++;
      } catch (error) {
        assert.ok(error instanceof ProtocolError, `${what}: ${String(error)} for [${[...bytes].join(",")}]`);
        assert.equal(error.code, ErrorCode.PACKET_INVALID);
        outcomes.refused++;
      }
    };
    for (let round = 0; round < 5000; round++) {
      const length = Math.floor(next() * 64);
      // Small values are likelier, so that short sids, zero lengths and known kinds come up.
      const bytes = Uint8Array.from({ length }, () =>
        next() < 0.7 ? Math.floor(next() * 3) : Math.floor(next() * 256),
      );
      attempt("header", bytes, () => readDatagramHeader(bytes));
      attempt("frames", bytes, () => decodeDatagramFrames(bytes));
      attempt("frames", bytes, () => decodeDatagramFrames(bytes, Math.floor(next() * (length + 1))));
    }
    for (const [what, count] of Object.entries(outcomes)) assert.ok(count > 0, `no ${what} outcome came up`);
  });

  it("never throws anything but a ProtocolError on mutated valid datagrams (seeded, bounded)", () => {
    const next = seededRandom(7);
    const base = encodeDatagram(
      [encodeStreamFrame('42["hi",1]'), encodeStreamFrame(new Uint8Array([1, 2, 3])), encodeStreamFrame("4é")],
      "abcdefghij",
    );
    for (let round = 0; round < 3000; round++) {
      const bytes = Uint8Array.from(base);
      for (let flips = 1 + Math.floor(next() * 3); flips > 0; flips--) {
        bytes[Math.floor(next() * bytes.length)] = Math.floor(next() * 256);
      }
      const cut = bytes.subarray(0, Math.floor(next() * (bytes.length + 1)));
      try {
        const header = readDatagramHeader(cut);
        const frames = decodeDatagramFrames(cut, header.kind === "session" ? header.framesAt : 1);
        for (const frame of frames) assert.ok(typeof frame === "string" || frame instanceof Uint8Array);
      } catch (error) {
        assert.ok(error instanceof ProtocolError, `round ${round}: ${String(error)}`);
      }
    }
  });
});
