// Unit tests of the Engine.IO v4 packet codec (engine.io-protocol-v4.md › "Protocol"
// and "Packet encoding" › "WebSocket"). The vectors are the spec's own examples.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ArgumentError, ErrorCode } from "../errors.js";
import { decodeEnginePacket, encodeEnginePacket, EnginePacketType, type EnginePacket } from "./engine-packet.js";
import { assertProtocolError } from "./protocol.test-support.js";

const ALL_TYPES: readonly EnginePacketType[] = [
  EnginePacketType.OPEN,
  EnginePacketType.CLOSE,
  EnginePacketType.PING,
  EnginePacketType.PONG,
  EnginePacketType.MESSAGE,
  EnginePacketType.UPGRADE,
  EnginePacketType.NOOP,
];

const HANDSHAKE =
  '{"sid":"lv_VI97HAXpY6yYWAAAC","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":5000,"maxPayload":1000000}';

/** Text frames from the spec and the packets they stand for. */
const TEXT_VECTORS: readonly (readonly [string, EnginePacket])[] = [
  ["0" + HANDSHAKE, { type: EnginePacketType.OPEN, data: HANDSHAKE }],
  ["1", { type: EnginePacketType.CLOSE }],
  ["2", { type: EnginePacketType.PING }],
  ["3", { type: EnginePacketType.PONG }],
  ["2probe", { type: EnginePacketType.PING, data: "probe" }],
  ["3probe", { type: EnginePacketType.PONG, data: "probe" }],
  ["4hello", { type: EnginePacketType.MESSAGE, data: "hello" }],
  ["4world", { type: EnginePacketType.MESSAGE, data: "world" }],
  ['42["hey","Jude"]', { type: EnginePacketType.MESSAGE, data: '2["hey","Jude"]' }],
  ["40", { type: EnginePacketType.MESSAGE, data: "0" }],
  ['40{"sid":"wZX3oN0bSVIhsaknAAAI"}', { type: EnginePacketType.MESSAGE, data: '0{"sid":"wZX3oN0bSVIhsaknAAAI"}' }],
  ["5", { type: EnginePacketType.UPGRADE }],
  ["6", { type: EnginePacketType.NOOP }],
  ["4€ñ😀", { type: EnginePacketType.MESSAGE, data: "€ñ😀" }],
];

describe("EnginePacketType", () => {
  it("numbers the seven packet types 0 to 6 as in the spec table", () => {
    assert.deepEqual({ ...EnginePacketType }, { OPEN: 0, CLOSE: 1, PING: 2, PONG: 3, MESSAGE: 4, UPGRADE: 5, NOOP: 6 });
  });
});

describe("encodeEnginePacket", () => {
  it("encodes each of the seven types without data as its bare digit", () => {
    assert.deepEqual(
      ALL_TYPES.map((type) => encodeEnginePacket({ type })),
      ["0", "1", "2", "3", "4", "5", "6"],
    );
  });

  it("encodes each of the seven types with text data as the digit followed by the data", () => {
    assert.deepEqual(
      ALL_TYPES.map((type) => encodeEnginePacket({ type, data: "x" })),
      ["0x", "1x", "2x", "3x", "4x", "5x", "6x"],
    );
  });

  for (const [frame, packet] of TEXT_VECTORS) {
    it(`encodes ${JSON.stringify(packet)} as the spec frame ${JSON.stringify(frame)}`, () => {
      assert.equal(encodeEnginePacket(packet), frame);
    });
  }

  it("passes a binary message through as the very same bytes, without a type prefix", () => {
    const bytes = new Uint8Array([1, 2, 3, 4]);
    const encoded = encodeEnginePacket({ type: EnginePacketType.MESSAGE, data: bytes });
    assert.equal(encoded, bytes);
    assert.deepEqual(Array.from(bytes), [1, 2, 3, 4]);
  });

  it("passes an empty binary message through as an empty Uint8Array", () => {
    const bytes = new Uint8Array(0);
    assert.equal(encodeEnginePacket({ type: EnginePacketType.MESSAGE, data: bytes }), bytes);
  });

  it("passes a Buffer message through unchanged", () => {
    const bytes = Buffer.from([9, 8, 7]);
    assert.equal(encodeEnginePacket({ type: EnginePacketType.MESSAGE, data: bytes }), bytes);
  });

  for (const type of ALL_TYPES.filter((type) => type !== EnginePacketType.MESSAGE)) {
    it(`refuses to encode binary data on a type-${type} packet with ArgumentError`, () => {
      assert.throws(
        () => encodeEnginePacket({ type, data: new Uint8Array([1]) }),
        (error) => error instanceof ArgumentError && error.code === ErrorCode.ARGUMENT_INVALID,
      );
    });
  }

  it("encodes empty-string data as the bare digit, so the data does not survive a round trip", () => {
    const encoded = encodeEnginePacket({ type: EnginePacketType.MESSAGE, data: "" });
    assert.equal(encoded, "4");
    const decoded = decodeEnginePacket(encoded);
    assert.deepEqual(decoded, { type: EnginePacketType.MESSAGE });
    assert.equal(Object.hasOwn(decoded, "data"), false);
  });
});

describe("decodeEnginePacket", () => {
  for (const [frame, packet] of TEXT_VECTORS) {
    it(`decodes the spec frame ${JSON.stringify(frame)}`, () => {
      assert.deepEqual(decodeEnginePacket(frame), packet);
    });
  }

  it("decodes each bare type digit into a packet with no data property", () => {
    for (const type of ALL_TYPES) {
      const packet = decodeEnginePacket(String(type));
      assert.deepEqual(packet, { type });
      assert.equal(Object.hasOwn(packet, "data"), false, `type ${type}`);
    }
  });

  it("keeps the data of a text frame verbatim, record separators and NUL included", () => {
    assert.deepEqual(decodeEnginePacket("4a\x1eb\x00c"), { type: EnginePacketType.MESSAGE, data: "a\x1eb\x00c" });
  });

  it("decodes a binary frame as a message holding the very same Uint8Array", () => {
    const bytes = new Uint8Array([1, 2, 3, 4]);
    const packet = decodeEnginePacket(bytes);
    assert.equal(packet.type, EnginePacketType.MESSAGE);
    assert.equal(packet.data, bytes);
  });

  it("decodes a binary frame whose first byte looks like a type digit as a message, not by its digit", () => {
    const bytes = new Uint8Array([0x32, 0x70]); // "2p"
    assert.deepEqual(decodeEnginePacket(bytes), { type: EnginePacketType.MESSAGE, data: bytes });
  });

  it("decodes an empty binary frame as an empty binary message", () => {
    const bytes = new Uint8Array(0);
    const packet = decodeEnginePacket(bytes);
    assert.equal(packet.type, EnginePacketType.MESSAGE);
    assert.equal(packet.data, bytes);
  });

  it("decodes a Buffer frame as a binary message", () => {
    const bytes = Buffer.from([0xff, 0x00]);
    assert.equal(decodeEnginePacket(bytes).data, bytes);
  });

  it("rejects an empty text frame with ENCHUFE_ERR_PACKET_INVALID", () => {
    assertProtocolError(() => decodeEnginePacket(""), ErrorCode.PACKET_INVALID);
  });

  for (const frame of [
    "7",
    "8",
    "9",
    "7hello",
    "/",
    "a",
    "b",
    "bAQIDBA==",
    "-1",
    " 4",
    "\x1e",
    "\x00",
    "€",
    "\ud800",
    "😀",
  ]) {
    it(`rejects the frame ${JSON.stringify(frame)}, whose type is outside 0..6, with ENCHUFE_ERR_PACKET_INVALID`, () => {
      assertProtocolError(() => decodeEnginePacket(frame), ErrorCode.PACKET_INVALID);
    });
  }
});

describe("Engine.IO packet round trips", () => {
  it("decodes what it encodes back to the same packet", () => {
    const packets: EnginePacket[] = [
      ...TEXT_VECTORS.map(([, packet]) => packet),
      ...ALL_TYPES.map((type) => ({ type, data: "payload \x00 ☃" })),
      { type: EnginePacketType.MESSAGE, data: new Uint8Array([0, 255, 128]) },
    ];
    for (const packet of packets) assert.deepEqual(decodeEnginePacket(encodeEnginePacket(packet)), packet);
  });

  it("encodes what it decodes back to the same frame", () => {
    for (const [frame] of TEXT_VECTORS) assert.equal(encodeEnginePacket(decodeEnginePacket(frame)), frame);
    const bytes = new Uint8Array([5, 6, 7]);
    assert.equal(encodeEnginePacket(decodeEnginePacket(bytes)), bytes);
  });
});
