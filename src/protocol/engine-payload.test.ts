// Unit tests of the Engine.IO v4 long-polling payload codec (engine.io-protocol-v4.md ›
// "Packet encoding" › "HTTP long-polling") and of the base64 helpers it relies on.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ArgumentError, ErrorCode, ProtocolError } from "../errors.js";
import { decodeBase64, encodeBase64 } from "./base64.js";
import { assertProtocolError } from "./protocol.test-support.js";
import { EnginePacketType, type EnginePacket } from "./engine-packet.js";
import { decodeEnginePayload, encodeEnginePayload, RECORD_SEPARATOR } from "./engine-payload.js";

const { MESSAGE, PING, NOOP } = EnginePacketType;

/** Payloads from the spec and the packets they stand for. */
const VECTORS: readonly (readonly [string, EnginePacket[]])[] = [
  ["4hello\x1e2\x1e4world", [{ type: MESSAGE, data: "hello" }, { type: PING }, { type: MESSAGE, data: "world" }]],
  [
    "4hello\x1ebAQIDBA==",
    [
      { type: MESSAGE, data: "hello" },
      { type: MESSAGE, data: new Uint8Array([1, 2, 3, 4]) },
    ],
  ],
  [
    '42["hello"]\x1e42["world"]',
    [
      { type: MESSAGE, data: '2["hello"]' },
      { type: MESSAGE, data: '2["world"]' },
    ],
  ],
  ["40", [{ type: MESSAGE, data: "0" }]],
  ['40{"sid":"wZX3oN0bSVIhsaknAAAI"}', [{ type: MESSAGE, data: '0{"sid":"wZX3oN0bSVIhsaknAAAI"}' }]],
  ["6", [{ type: NOOP }]],
];

/** `count` NOOP packets joined into one payload. */
function noops(count: number): string {
  return Array.from({ length: count }, () => "6").join(RECORD_SEPARATOR);
}

describe("RECORD_SEPARATOR", () => {
  it('is the record separator character "\\x1e"', () => {
    assert.equal(RECORD_SEPARATOR, "\x1e");
  });
});

describe("encodeEnginePayload", () => {
  for (const [payload, packets] of VECTORS) {
    it(`encodes the spec payload ${JSON.stringify(payload)}`, () => {
      assert.equal(encodeEnginePayload(packets), payload);
    });
  }

  it("encodes no packets as the empty string", () => {
    assert.equal(encodeEnginePayload([]), "");
  });

  it("encodes one packet without any separator", () => {
    assert.equal(encodeEnginePayload([{ type: MESSAGE, data: "hello" }]), "4hello");
  });

  it('encodes a binary message as "b" followed by padded base64', () => {
    assert.equal(encodeEnginePayload([{ type: MESSAGE, data: new Uint8Array([1, 2, 3, 4]) }]), "bAQIDBA==");
    assert.equal(encodeEnginePayload([{ type: MESSAGE, data: new Uint8Array([1, 2]) }]), "bAQI=");
    assert.equal(encodeEnginePayload([{ type: MESSAGE, data: new Uint8Array([1, 2, 3]) }]), "bAQID");
  });

  it('encodes an empty binary message as a lone "b"', () => {
    assert.equal(encodeEnginePayload([{ type: MESSAGE, data: new Uint8Array(0) }]), "b");
  });

  it("encodes only the viewed bytes of a Uint8Array with a non-zero byteOffset", () => {
    const view = new Uint8Array([9, 1, 2, 3, 4, 9]).subarray(1, 5);
    assert.equal(encodeEnginePayload([{ type: MESSAGE, data: view }]), "bAQIDBA==");
  });

  it("encodes a binary message longer than one 32 KiB chunk exactly as Buffer's base64 does", () => {
    const bytes = new Uint8Array(100_003);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31 + 7) & 0xff;
    assert.equal(encodeEnginePayload([{ type: MESSAGE, data: bytes }]), "b" + Buffer.from(bytes).toString("base64"));
  });

  it("refuses to encode binary data on a non-message packet with ArgumentError", () => {
    assert.throws(
      () =>
        encodeEnginePayload([
          { type: MESSAGE, data: "ok" },
          { type: PING, data: new Uint8Array([1]) },
        ]),
      (error) => error instanceof ArgumentError && error.code === ErrorCode.ARGUMENT_INVALID,
    );
  });

  it("does not escape a record separator inside text data, so the decoder splits it (the spec assumes none)", () => {
    const payload = encodeEnginePayload([{ type: MESSAGE, data: "a\x1e4b" }]);
    assert.equal(payload, "4a\x1e4b");
    assert.deepEqual(decodeEnginePayload(payload), [
      { type: MESSAGE, data: "a" },
      { type: MESSAGE, data: "b" },
    ]);
  });
});

describe("decodeEnginePayload", () => {
  for (const [payload, packets] of VECTORS) {
    it(`decodes the spec payload ${JSON.stringify(payload)}`, () => {
      assert.deepEqual(decodeEnginePayload(payload), packets);
    });
  }

  it('decodes a "b"-prefixed chunk into a binary message with the decoded bytes', () => {
    const [packet] = decodeEnginePayload("bAQIDBA==");
    assert.ok(packet !== undefined);
    assert.equal(packet.type, MESSAGE);
    assert.ok(packet.data instanceof Uint8Array);
    assert.deepEqual(Array.from(packet.data), [1, 2, 3, 4]);
  });

  it('decodes a lone "b" into an empty binary message', () => {
    assert.deepEqual(decodeEnginePayload("b"), [{ type: MESSAGE, data: new Uint8Array(0) }]);
  });

  it("decodes all 256 byte values from base64", () => {
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    assert.deepEqual(decodeEnginePayload("b" + Buffer.from(bytes).toString("base64")), [
      { type: MESSAGE, data: bytes },
    ]);
  });

  it("decodes every type digit from 0 to 6 in one payload", () => {
    assert.deepEqual(
      decodeEnginePayload("0\x1e1\x1e2\x1e3\x1e4\x1e5\x1e6"),
      [0, 1, 2, 3, 4, 5, 6].map((type) => ({ type })),
    );
  });

  it("rejects the empty payload with ENCHUFE_ERR_PACKET_INVALID (it reads as one empty packet)", () => {
    assertProtocolError(() => decodeEnginePayload(""), ErrorCode.PACKET_INVALID);
  });

  for (const payload of ["4a\x1e", "\x1e4a", "4a\x1e\x1e4b", "\x1e"]) {
    it(`rejects the payload ${JSON.stringify(payload)}, which holds an empty packet, with ENCHUFE_ERR_PACKET_INVALID`, () => {
      assertProtocolError(() => decodeEnginePayload(payload), ErrorCode.PACKET_INVALID);
    });
  }

  for (const payload of ["7", "4hello\x1e7", "4hello\x1ex", "2\x1e9probe", "€"]) {
    it(`rejects the payload ${JSON.stringify(payload)}, which holds an unknown type, with ENCHUFE_ERR_PACKET_INVALID`, () => {
      assertProtocolError(() => decodeEnginePayload(payload), ErrorCode.PACKET_INVALID);
    });
  }

  for (const chunk of ["bA", "b!!!!", "b€AA", "bAQIDBA===", "bAQ==AQ==", "b====", "bAQ="]) {
    it(`rejects the invalid base64 chunk ${JSON.stringify(chunk)} with ENCHUFE_ERR_PACKET_INVALID`, () => {
      assertProtocolError(() => decodeEnginePayload("4hello\x1e" + chunk), ErrorCode.PACKET_INVALID);
    });
  }

  it("wraps the base64 failure in a ProtocolError whose cause is the original error", () => {
    assert.throws(
      () => decodeEnginePayload("b!!!!"),
      (error: unknown) => {
        assert.ok(error instanceof ProtocolError);
        assert.ok(error.cause instanceof Error);
        return true;
      },
    );
  });

  it("accepts 256 packets by default", () => {
    assert.equal(decodeEnginePayload(noops(256)).length, 256);
  });

  it("rejects 257 packets by default with ENCHUFE_ERR_PACKET_LIMIT", () => {
    assertProtocolError(() => decodeEnginePayload(noops(257)), ErrorCode.PACKET_LIMIT);
  });

  it("accepts exactly maxPackets packets with a custom maxPackets of 3", () => {
    assert.equal(decodeEnginePayload(noops(3), { maxPackets: 3 }).length, 3);
  });

  it("rejects maxPackets + 1 packets with a custom maxPackets of 3 with ENCHUFE_ERR_PACKET_LIMIT", () => {
    assertProtocolError(() => decodeEnginePayload(noops(4), { maxPackets: 3 }), ErrorCode.PACKET_LIMIT);
  });

  it("raises the default with a custom maxPackets of 1000", () => {
    assert.equal(decodeEnginePayload(noops(1000), { maxPackets: 1000 }).length, 1000);
    assertProtocolError(() => decodeEnginePayload(noops(1001), { maxPackets: 1000 }), ErrorCode.PACKET_LIMIT);
  });

  it("reports the packet limit before decoding the packet past it", () => {
    assertProtocolError(() => decodeEnginePayload("4a\x1e7", { maxPackets: 1 }), ErrorCode.PACKET_LIMIT);
  });
});

describe("Engine.IO payload round trips", () => {
  it("decodes what it encodes back to the same packets", () => {
    const packets: EnginePacket[] = [
      { type: EnginePacketType.OPEN, data: '{"sid":"x"}' },
      { type: MESSAGE, data: "héllo ☃ 😀" },
      { type: MESSAGE, data: new Uint8Array([0, 1, 254, 255]) },
      { type: PING, data: "probe" },
      { type: MESSAGE, data: new Uint8Array([42]) },
      { type: NOOP },
    ];
    assert.deepEqual(decodeEnginePayload(encodeEnginePayload(packets)), packets);
  });

  it("encodes what it decodes back to the same payload", () => {
    for (const [payload] of VECTORS) assert.equal(encodeEnginePayload(decodeEnginePayload(payload)), payload);
  });
});

describe("base64", () => {
  it("encodes and decodes the spec example <01 02 03 04> as AQIDBA==", () => {
    assert.equal(encodeBase64(new Uint8Array([1, 2, 3, 4])), "AQIDBA==");
    assert.deepEqual(decodeBase64("AQIDBA=="), new Uint8Array([1, 2, 3, 4]));
  });

  it("round trips every length from 0 to 70 bytes", () => {
    for (let length = 0; length <= 70; length++) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 97 + length) & 0xff);
      const text = encodeBase64(bytes);
      assert.equal(text, Buffer.from(bytes).toString("base64"), `length ${length}`);
      assert.deepEqual(decodeBase64(text), bytes, `length ${length}`);
    }
  });

  it("rejects text that is not base64 with a ProtocolError of code ENCHUFE_ERR_PACKET_INVALID", () => {
    assertProtocolError(() => decodeBase64("A"), ErrorCode.PACKET_INVALID);
    assertProtocolError(() => decodeBase64("@@@@"), ErrorCode.PACKET_INVALID);
  });
});
