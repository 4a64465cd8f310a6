// Unit tests of the Socket.IO v5 packet codec (socket.io-protocol-v5.md › "Packet
// encoding"), its decoder's limits and its totality, and of EncodedPacket. The
// vectors are the spec's own examples, sample session included.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ErrorCode } from "../errors.js";
import { EncodedPacket, FramingSlot } from "./encoded-packet.js";
import { assertProtocolError } from "./protocol.test-support.js";
import { encodeEnginePacket, EnginePacketType } from "./engine-packet.js";
import {
  DECODER_DEFAULTS,
  encodeSocketPacket,
  PacketType,
  RESERVED_EVENTS,
  SocketPacketDecoder,
  type SocketPacket,
} from "./socket-packet.js";

const { CONNECT, DISCONNECT, EVENT, ACK, CONNECT_ERROR, BINARY_EVENT, BINARY_ACK } = PacketType;

const PH0 = '{"_placeholder":true,"num":0}';
const PH1 = '{"_placeholder":true,"num":1}';

/** Text-only packets from the spec and their encoding. */
const TEXT_VECTORS: readonly (readonly [string, SocketPacket])[] = [
  ["0", { type: CONNECT, namespace: "/" }],
  [
    '0/admin,{"sid":"oSO0OpakMV_3jnilAAAA"}',
    { type: CONNECT, namespace: "/admin", data: { sid: "oSO0OpakMV_3jnilAAAA" } },
  ],
  ["0/admin,", { type: CONNECT, namespace: "/admin" }],
  ['0/admin,{"token":"123"}', { type: CONNECT, namespace: "/admin", data: { token: "123" } }],
  ['0{"sid":"wZX3oN0bSVIhsaknAAAI"}', { type: CONNECT, namespace: "/", data: { sid: "wZX3oN0bSVIhsaknAAAI" } }],
  [
    '0/admin,{"sid":"-G5j-67EZFp-q59rADQM"}',
    { type: CONNECT, namespace: "/admin", data: { sid: "-G5j-67EZFp-q59rADQM" } },
  ],
  ['4{"message":"Not authorized"}', { type: CONNECT_ERROR, namespace: "/", data: { message: "Not authorized" } }],
  ['2["foo"]', { type: EVENT, namespace: "/", data: ["foo"] }],
  ['2/admin,["bar"]', { type: EVENT, namespace: "/admin", data: ["bar"] }],
  ['2["hey","Jude"]', { type: EVENT, namespace: "/", data: ["hey", "Jude"] }],
  ['2["hello"]', { type: EVENT, namespace: "/", data: ["hello"] }],
  ['212["foo"]', { type: EVENT, namespace: "/", data: ["foo"], id: 12 }],
  ['2/admin,13["foo"]', { type: EVENT, namespace: "/admin", data: ["foo"], id: 13 }],
  ['2/admin,1["tellme"]', { type: EVENT, namespace: "/admin", data: ["tellme"], id: 1 }],
  ["312[]", { type: ACK, namespace: "/", data: [], id: 12 }],
  ['3/admin,13["bar"]', { type: ACK, namespace: "/admin", data: ["bar"], id: 13 }],
  ['314["bar"]', { type: ACK, namespace: "/", data: ["bar"], id: 14 }],
  ["1", { type: DISCONNECT, namespace: "/" }],
  ["1/admin,", { type: DISCONNECT, namespace: "/admin" }],
];

/** Binary packets from the spec: the packet as given to the encoder, the text, the attachments. */
const BINARY_VECTORS: readonly (readonly [SocketPacket, string, number[][]])[] = [
  [{ type: EVENT, namespace: "/", data: ["baz", Buffer.from([1, 2, 3, 4])] }, `51-["baz",${PH0}]`, [[1, 2, 3, 4]]],
  [
    { type: EVENT, namespace: "/admin", data: ["baz", Buffer.from([1, 2]), Buffer.from([3, 4])] },
    `52-/admin,["baz",${PH0},${PH1}]`,
    [
      [1, 2],
      [3, 4],
    ],
  ],
  [
    { type: EVENT, namespace: "/", data: ["foo", Buffer.from([1, 2, 3, 4])], id: 14 },
    `51-14["foo",${PH0}]`,
    [[1, 2, 3, 4]],
  ],
  [
    { type: ACK, namespace: "/", data: ["bar", Buffer.from([1, 2, 3, 4])], id: 15 },
    `61-15["bar",${PH0}]`,
    [[1, 2, 3, 4]],
  ],
  [{ type: ACK, namespace: "/admin", data: [Buffer.from([0xff])], id: 1 }, `61-/admin,1[${PH0}]`, [[0xff]]],
];

/** A decoder that has just failed must decode a text packet and a binary packet again. */
function assertRecovered(decoder: SocketPacketDecoder): void {
  assert.equal(decoder.isAwaitingAttachments, false, "the decoder still awaits attachments");
  assert.deepEqual(decoder.decode('2["ok",1]'), { type: EVENT, namespace: "/", data: ["ok", 1] });
  const bytes = new Uint8Array([7]);
  assert.equal(decoder.decode(`51-["bin",${PH0}]`), undefined);
  assert.deepEqual(decoder.decode(bytes), { type: BINARY_EVENT, namespace: "/", data: ["bin", bytes] });
}

/** Feeds `frames` to `decoder`; the last one must throw a ProtocolError of `code`; then the decoder must recover. */
function assertRejected(
  frames: readonly (string | Uint8Array)[],
  code: ErrorCode,
  decoder = new SocketPacketDecoder(),
): void {
  const last = frames.length - 1;
  for (let i = 0; i < last; i++) decoder.decode(frames[i]!);
  assertProtocolError(() => decoder.decode(frames[last]!), code);
  assertRecovered(decoder);
}

/** An array of `count` small numbers, as JSON. */
function numbers(count: number): string {
  return JSON.stringify(Array.from({ length: count }, (_, i) => i));
}

/** Own property names of Object.prototype, to detect pollution. */
function prototypeKeys(): string[] {
  return Object.getOwnPropertyNames(Object.prototype).sort();
}

function assertNotPolluted(before: readonly string[]): void {
  assert.deepEqual(prototypeKeys(), before);
  const probe = {} as Record<string, unknown>;
  for (const key of ["polluted", "_placeholder", "num", "x"]) assert.equal(probe[key], undefined, key);
}

describe("PacketType", () => {
  it("numbers the seven packet types 0 to 6 as in the spec table", () => {
    assert.deepEqual(
      { ...PacketType },
      { CONNECT: 0, DISCONNECT: 1, EVENT: 2, ACK: 3, CONNECT_ERROR: 4, BINARY_EVENT: 5, BINARY_ACK: 6 },
    );
  });
});

describe("DECODER_DEFAULTS", () => {
  it("allows 10 attachments and 1000 arguments, and is frozen", () => {
    assert.deepEqual({ ...DECODER_DEFAULTS }, { maxAttachments: 10, maxArguments: 1000 });
    assert.ok(Object.isFrozen(DECODER_DEFAULTS));
  });
});

describe("encodeSocketPacket", () => {
  for (const [text, packet] of TEXT_VECTORS) {
    it(`encodes ${JSON.stringify(packet)} as the spec text ${JSON.stringify(text)}`, () => {
      assert.deepEqual(encodeSocketPacket(packet), [text]);
    });
  }

  for (const [packet, text, attachments] of BINARY_VECTORS) {
    it(`encodes a binary packet as the spec text ${JSON.stringify(text)} plus its attachments`, () => {
      const [encodedText, ...encodedAttachments] = encodeSocketPacket(packet);
      assert.equal(encodedText, text);
      assert.deepEqual(
        encodedAttachments.map((bytes) => Array.from(bytes)),
        attachments,
      );
    });
  }

  it("encodes an acknowledgement id of 0", () => {
    assert.deepEqual(encodeSocketPacket({ type: ACK, namespace: "/", data: [], id: 0 }), ["30[]"]);
  });

  it('encodes CONNECT_ERROR with a string payload as a JSON string, like `4"Not authorized"`', () => {
    assert.deepEqual(encodeSocketPacket({ type: CONNECT_ERROR, namespace: "/", data: "Not authorized" }), [
      '4"Not authorized"',
    ]);
  });

  it("passes the caller's Uint8Array and Buffer attachments through without copying", () => {
    const bytes = new Uint8Array([1]);
    const buffer = Buffer.from([2]);
    const [, first, second] = encodeSocketPacket({ type: EVENT, namespace: "/", data: ["ev", bytes, buffer] });
    assert.equal(first, bytes);
    assert.equal(second, buffer);
  });

  it("numbers placeholders depth-first across arrays and objects", () => {
    const encoded = encodeSocketPacket({
      type: EVENT,
      namespace: "/",
      data: [
        "ev",
        { a: new Uint8Array([1]), b: [new Uint8Array([2]), { c: new Uint8Array([3]) }] },
        new Uint8Array([4]),
      ],
    });
    assert.equal(
      encoded[0],
      `54-["ev",{"a":${PH0},"b":[${PH1},{"c":{"_placeholder":true,"num":2}}]},{"_placeholder":true,"num":3}]`,
    );
    assert.deepEqual(
      encoded.slice(1).map((bytes) => Array.from(bytes as Uint8Array)),
      [[1], [2], [3], [4]],
    );
  });

  it("sends exactly the viewed bytes of typed-array views with a non-zero byteOffset", () => {
    const backing = new Uint8Array([0xee, 0xee, 1, 0, 2, 0, 0xee, 3, 4, 0xee]);
    const int16 = new Int16Array(backing.buffer, 2, 2);
    const view = new DataView(backing.buffer, 7, 2);
    const [text, a, b] = encodeSocketPacket({ type: EVENT, namespace: "/", data: ["ev", int16, { view }] });
    assert.equal(text, `52-["ev",${PH0},{"view":${PH1}}]`);
    assert.deepEqual(
      [Array.from(a ?? []), Array.from(b ?? [])],
      [
        [1, 0, 2, 0],
        [3, 4],
      ],
    );
  });

  it("sends an ArrayBuffer as a Uint8Array of all its bytes", () => {
    const [text, bytes] = encodeSocketPacket({
      type: EVENT,
      namespace: "/",
      data: ["ev", new Uint8Array([5, 6]).buffer],
    });
    assert.equal(text, `51-["ev",${PH0}]`);
    assert.ok(bytes instanceof Uint8Array);
    assert.deepEqual(Array.from(bytes), [5, 6]);
  });

  it("does not mutate the caller's data when it extracts attachments", () => {
    const bytes = new Uint8Array([1, 2]);
    const inner = { bytes, keep: "me" };
    const data = ["ev", inner, [bytes]];
    encodeSocketPacket({ type: EVENT, namespace: "/", data });
    assert.equal(data[1], inner);
    assert.equal(inner.bytes, bytes);
    assert.deepEqual(data, ["ev", { bytes: new Uint8Array([1, 2]), keep: "me" }, [new Uint8Array([1, 2])]]);
  });

  it('encodes an own "__proto__" key holding binary as a plain key with a placeholder', () => {
    const holder = {};
    Object.defineProperty(holder, "__proto__", { value: new Uint8Array([9]), enumerable: true });
    const [text] = encodeSocketPacket({ type: EVENT, namespace: "/", data: ["ev", holder] });
    assert.equal(text, `51-["ev",{"__proto__":${PH0}}]`);
  });

  // socket.io-parser leaves a Date alone while it extracts attachments, so JSON.stringify
  // still calls Date#toJSON; deconstructPacket copies it into a key-less plain object.
  it("keeps a Date as its ISO string in a packet that also carries binary", () => {
    const [text] = encodeSocketPacket({
      type: EVENT,
      namespace: "/",
      data: ["ev", new Uint8Array([1]), new Date(0)],
    });
    assert.equal(text, `51-["ev",${PH0},"1970-01-01T00:00:00.000Z"]`);
  });

  it("keeps a Date as its ISO string in a packet without binary", () => {
    assert.deepEqual(encodeSocketPacket({ type: EVENT, namespace: "/", data: ["ev", new Date(0)] }), [
      '2["ev","1970-01-01T00:00:00.000Z"]',
    ]);
  });

  // The decoder hands out BINARY_EVENT packets; encoding one again must give a valid
  // binary packet, not a "5" without attachment count that no decoder accepts.
  it("encodes a BINARY_EVENT packet holding binary with its attachment count and placeholders", () => {
    const bytes = new Uint8Array([1, 2, 3, 4]);
    const encoded = encodeSocketPacket({ type: BINARY_EVENT, namespace: "/", data: ["baz", bytes] });
    assert.equal(encoded[0], `51-["baz",${PH0}]`);
    assert.equal(encoded[1], bytes);
  });

  it("wraps in Engine.IO message packets as in the spec's sample session", () => {
    const frames = (packet: SocketPacket) =>
      encodeSocketPacket(packet).map((payload) =>
        encodeEnginePacket({ type: EnginePacketType.MESSAGE, data: payload }),
      );
    assert.deepEqual(frames({ type: EVENT, namespace: "/", data: ["hey", "Jude"] }), ['42["hey","Jude"]']);
    assert.deepEqual(frames({ type: CONNECT, namespace: "/" }), ["40"]);
    assert.deepEqual(frames({ type: CONNECT, namespace: "/admin" }), ["40/admin,"]);
    const bytes = new Uint8Array([1]);
    assert.deepEqual(frames({ type: ACK, namespace: "/admin", data: [bytes], id: 1 }), [`461-/admin,1[${PH0}]`, bytes]);
  });
});

describe("SocketPacketDecoder", () => {
  describe("valid packets", () => {
    for (const [text, packet] of TEXT_VECTORS) {
      it(`decodes the spec text ${JSON.stringify(text)}`, () => {
        assert.deepEqual(new SocketPacketDecoder().decode(text), packet);
      });
    }

    it('decodes CONNECT_ERROR with a string payload, like `4"Not authorized"`', () => {
      assert.deepEqual(new SocketPacketDecoder().decode('4"Not authorized"'), {
        type: CONNECT_ERROR,
        namespace: "/",
        data: "Not authorized",
      });
    });

    it("decodes a namespace without the trailing comma when nothing follows it", () => {
      assert.deepEqual(new SocketPacketDecoder().decode("1/admin"), { type: DISCONNECT, namespace: "/admin" });
    });

    it("decodes a namespace of exactly 256 characters", () => {
      const namespace = "/" + "a".repeat(255);
      assert.deepEqual(new SocketPacketDecoder().decode(`2${namespace},["x"]`), {
        type: EVENT,
        namespace,
        data: ["x"],
      });
    });

    it("decodes a namespace with non-ASCII characters", () => {
      assert.equal(new SocketPacketDecoder().decode('2/ñandú/😀,["x"]')?.namespace, "/ñandú/😀");
    });

    it("decodes acknowledgement ids 0 and Number.MAX_SAFE_INTEGER", () => {
      const decoder = new SocketPacketDecoder();
      assert.equal(decoder.decode("30[]")?.id, 0);
      assert.equal(decoder.decode("39007199254740991[]")?.id, Number.MAX_SAFE_INTEGER);
    });

    it("decodes an acknowledgement id with leading zeros as its value", () => {
      assert.equal(new SocketPacketDecoder().decode('2007["a"]')?.id, 7);
    });

    it('decodes events named "__proto__", "constructor" and "toString" as plain events', () => {
      const decoder = new SocketPacketDecoder();
      for (const name of ["__proto__", "constructor", "toString", "hasOwnProperty"]) {
        assert.deepEqual(decoder.decode(`2["${name}",1]`), { type: EVENT, namespace: "/", data: [name, 1] });
      }
    });

    it("decodes every JSON value type as an event argument", () => {
      assert.deepEqual(new SocketPacketDecoder().decode('2["ev","s",1,-2.5e3,true,false,null,{"a":[1]},[]]'), {
        type: EVENT,
        namespace: "/",
        data: ["ev", "s", 1, -2500, true, false, null, { a: [1] }, []],
      });
    });

    it("leaves a placeholder-shaped object in a plain EVENT as it is", () => {
      assert.deepEqual(new SocketPacketDecoder().decode(`2["ev",${PH0}]`), {
        type: EVENT,
        namespace: "/",
        data: ["ev", { _placeholder: true, num: 0 }],
      });
    });

    it("decodes an event nested 100,000 arrays deep", () => {
      const depth = 100_000;
      const packet = new SocketPacketDecoder().decode(`2["ev",${"[".repeat(depth)}${"]".repeat(depth)}]`);
      assert.equal(packet?.type, EVENT);
      assert.equal((packet?.data as unknown[]).length, 2);
    });

    it("reports no pending attachments before any packet", () => {
      assert.equal(new SocketPacketDecoder().isAwaitingAttachments, false);
    });
  });

  describe("binary packets", () => {
    for (const [packet, text, attachments] of BINARY_VECTORS) {
      it(`decodes the spec text ${JSON.stringify(text)} once its ${attachments.length} attachment(s) arrive`, () => {
        const decoder = new SocketPacketDecoder();
        assert.equal(decoder.decode(text), undefined);
        const frames = attachments.map((bytes) => new Uint8Array(bytes));
        for (let i = 0; i < frames.length - 1; i++) {
          assert.equal(decoder.isAwaitingAttachments, true);
          assert.equal(decoder.decode(frames[i]!), undefined);
        }
        assert.equal(decoder.isAwaitingAttachments, true);
        const decoded = decoder.decode(frames[frames.length - 1]!);
        assert.equal(decoder.isAwaitingAttachments, false);
        const expected: SocketPacket = {
          type: packet.type === EVENT ? BINARY_EVENT : BINARY_ACK,
          namespace: packet.namespace,
          data: (packet.data as unknown[]).map((value) => (value instanceof Uint8Array ? frames.shift() : value)),
        };
        if (packet.id !== undefined) expected.id = packet.id;
        assert.deepEqual(decoded, expected);
      });
    }

    it("decodes a binary event spanning two frames into the very attachment given", () => {
      const decoder = new SocketPacketDecoder();
      const bytes = new Uint8Array([1, 2, 3, 4]);
      assert.equal(decoder.decode(`51-["baz",${PH0}]`), undefined);
      const packet = decoder.decode(bytes);
      assert.deepEqual(packet, { type: BINARY_EVENT, namespace: "/", data: ["baz", bytes] });
      assert.equal((packet?.data as unknown[])[1], bytes);
    });

    it("accepts Buffer attachment frames", () => {
      const decoder = new SocketPacketDecoder();
      const buffer = Buffer.from([1]);
      decoder.decode(`51-["ev",${PH0}]`);
      assert.equal((decoder.decode(buffer)?.data as unknown[])[1], buffer);
    });

    it("puts attachments back at several depths and by their num, not their order", () => {
      const decoder = new SocketPacketDecoder();
      const [a, b, c] = [new Uint8Array([0]), new Uint8Array([1]), new Uint8Array([2])];
      decoder.decode(`53-/nsp,9["ev",{"x":[{"y":{"_placeholder":true,"num":2}}]},${PH1},[[${PH0}]]]`);
      decoder.decode(a);
      decoder.decode(b);
      assert.deepEqual(decoder.decode(c), {
        type: BINARY_EVENT,
        namespace: "/nsp",
        id: 9,
        data: ["ev", { x: [{ y: c }] }, b, [[a]]],
      });
    });

    it("decodes binary packets back to back, interleaved with text packets", () => {
      const decoder = new SocketPacketDecoder();
      for (let round = 0; round < 5; round++) {
        const bytes = new Uint8Array([round]);
        assert.deepEqual(decoder.decode(`2["t",${round}]`), { type: EVENT, namespace: "/", data: ["t", round] });
        assert.equal(decoder.decode(`61-${round}[${PH0}]`), undefined);
        assert.deepEqual(decoder.decode(bytes), { type: BINARY_ACK, namespace: "/", data: [bytes], id: round });
      }
    });

    it("accepts exactly maxAttachments attachments (default 10)", () => {
      const decoder = new SocketPacketDecoder();
      const placeholders = Array.from({ length: 10 }, (_, num) => `{"_placeholder":true,"num":${num}}`).join(",");
      assert.equal(decoder.decode(`510-["ev",${placeholders}]`), undefined);
      for (let i = 0; i < 9; i++) assert.equal(decoder.decode(new Uint8Array([i])), undefined);
      const packet = decoder.decode(new Uint8Array([9]));
      assert.deepEqual(
        (packet?.data as Uint8Array[]).slice(1).map((bytes) => bytes[0]),
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      );
    });

    it("accepts exactly a custom maxAttachments of 2", () => {
      const decoder = new SocketPacketDecoder({ maxAttachments: 2 });
      assert.equal(decoder.decode(`52-["ev",${PH0},${PH1}]`), undefined);
      decoder.decode(new Uint8Array([1]));
      assert.equal(decoder.decode(new Uint8Array([2]))?.type, BINARY_EVENT);
    });

    it("delivers a binary packet whose text holds fewer placeholders than its count, ignoring extra attachments", () => {
      const decoder = new SocketPacketDecoder();
      assert.equal(decoder.decode(`52-["ev",${PH0}]`), undefined);
      const a = new Uint8Array([1]);
      assert.equal(decoder.decode(a), undefined);
      assert.deepEqual(decoder.decode(new Uint8Array([2])), { type: BINARY_EVENT, namespace: "/", data: ["ev", a] });
    });
  });

  describe("malformed packets", () => {
    for (const text of ["7", "8", "9", '7["a"]', "x", "", "-", "/", ",", ' 2["a"]', '["a"]', '\u0662["a"]']) {
      it(`rejects the unknown packet type in ${JSON.stringify(text)} with ENCHUFE_ERR_PACKET_INVALID`, () => {
        assertRejected([text], ErrorCode.PACKET_INVALID);
      });
    }

    for (const text of ['2/ad\x00min,["a"]', "0/a\nb,", "0/\x7f,", '2/\x1f,["a"]', "0/a\x1eb,", "1/\t"]) {
      it(`rejects the namespace with a control character in ${JSON.stringify(text)} with ENCHUFE_ERR_PACKET_INVALID`, () => {
        assertRejected([text], ErrorCode.PACKET_INVALID);
      });
    }

    it("rejects a namespace of 257 characters with ENCHUFE_ERR_PACKET_INVALID", () => {
      assertRejected([`2/${"a".repeat(256)},["x"]`], ErrorCode.PACKET_INVALID);
    });

    it("rejects a 100,000-character namespace with ENCHUFE_ERR_PACKET_INVALID", () => {
      assertRejected([`0/${"a".repeat(100_000)},`], ErrorCode.PACKET_INVALID);
    });

    for (const text of ['2"foo"', '2{"0":"foo"}', "2null", "2true", "2 7", "2", "2/admin,", "212", '2/admin,1"x"']) {
      it(`rejects the EVENT ${JSON.stringify(text)}, whose payload is not an array, with ENCHUFE_ERR_PACKET_INVALID`, () => {
        assertRejected([text], ErrorCode.PACKET_INVALID);
      });
    }

    it("rejects an EVENT with an empty array payload with ENCHUFE_ERR_PACKET_INVALID", () => {
      assertRejected(["2[]"], ErrorCode.PACKET_INVALID);
    });

    for (const text of ["2[1]", "2[{}]", '2[{"name":"ev"}]', "2[null]", '2[["ev"]]', "2[true]", "21[7]"]) {
      it(`rejects the EVENT ${JSON.stringify(text)}, whose first element is not a string, with ENCHUFE_ERR_PACKET_INVALID`, () => {
        assertRejected([text], ErrorCode.PACKET_INVALID);
      });
    }

    for (const name of ["connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"]) {
      it(`rejects the reserved event name "${name}" with ENCHUFE_ERR_PACKET_INVALID`, () => {
        assertRejected([`2["${name}",1]`], ErrorCode.PACKET_INVALID);
        assertRejected([`2/admin,5["${name}"]`], ErrorCode.PACKET_INVALID);
      });

      it(`rejects the reserved event name "${name}" in a BINARY_EVENT header, before its attachments`, () => {
        assertRejected([`51-["${name}",${PH0}]`], ErrorCode.PACKET_INVALID);
      });
    }

    it("lists exactly the six reserved event names", () => {
      assert.deepEqual(
        [...RESERVED_EVENTS].sort(),
        ["connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"].sort(),
      );
    });

    for (const text of [
      '212345678901234567["a"]',
      '29007199254740993["a"]',
      '29007199254740992["a"]',
      "39999999999999999[]",
      '200000000000000001["a"]',
      "3/admin,123456789012345678901234567890[]",
    ]) {
      it(`rejects the acknowledgement id in ${JSON.stringify(text)}, not a safe integer, with ENCHUFE_ERR_PACKET_INVALID`, () => {
        assertRejected([text], ErrorCode.PACKET_INVALID);
      });
    }

    for (const text of ['3["bar"]', '3/admin,["bar"]', "3", "3[]", `61-[${PH0}]`]) {
      it(`rejects the acknowledgement without id ${JSON.stringify(text)} with ENCHUFE_ERR_PACKET_INVALID`, () => {
        assertRejected([text], ErrorCode.PACKET_INVALID);
      });
    }

    for (const text of ['312{"a":1}', '312"bar"', "312", "312null", "3/admin,13 5", `61-15${PH0}`]) {
      it(`rejects the acknowledgement ${JSON.stringify(text)}, whose payload is not an array, with ENCHUFE_ERR_PACKET_INVALID`, () => {
        assertRejected([text], ErrorCode.PACKET_INVALID);
      });
    }

    for (const text of ['0["a"]', '0"token"', "0/admin,[1]", "0null", "0 5", "0true"]) {
      it(`rejects the CONNECT ${JSON.stringify(text)}, whose payload is not an object, with ENCHUFE_ERR_PACKET_INVALID`, () => {
        assertRejected([text], ErrorCode.PACKET_INVALID);
      });
    }

    for (const text of ["01", '0/admin,1{"token":"1"}', "012{}"]) {
      it(`rejects the CONNECT ${JSON.stringify(text)}, which has an id, with ENCHUFE_ERR_PACKET_INVALID`, () => {
        assertRejected([text], ErrorCode.PACKET_INVALID);
      });
    }

    for (const text of ["1{}", '1["a"]', '1/admin,{"a":1}', '1"x"', "1null", "11", "1/admin,3"]) {
      it(`rejects the DISCONNECT ${JSON.stringify(text)}, which has a payload or id, with ENCHUFE_ERR_PACKET_INVALID`, () => {
        assertRejected([text], ErrorCode.PACKET_INVALID);
      });
    }

    for (const text of ["4-1", "4 7", "4 1.5", "4[]", "4null", "4true", "4", '41{"message":"x"}', "4/admin,"]) {
      it(`rejects the CONNECT_ERROR ${JSON.stringify(text)} with ENCHUFE_ERR_PACKET_INVALID`, () => {
        assertRejected([text], ErrorCode.PACKET_INVALID);
      });
    }

    for (const text of [
      '2["a"',
      "2{",
      '2["a"]]',
      "2['a']",
      '2["a",]',
      '2["a"]x',
      '2/admin,["a"',
      "0{sid:1}",
      `51-["a",${PH0}`,
    ]) {
      it(`rejects the bad JSON in ${JSON.stringify(text)} with ENCHUFE_ERR_PACKET_INVALID`, () => {
        assertRejected([text], ErrorCode.PACKET_INVALID);
      });
    }

    for (const text of ['50-["a"]', '60-1["a"]', '500-["a"]']) {
      it(`rejects the attachment count 0 in ${JSON.stringify(text)} with ENCHUFE_ERR_PACKET_INVALID`, () => {
        assertRejected([text], ErrorCode.PACKET_INVALID);
      });
    }

    for (const text of [
      `51["a",${PH0}]`,
      '5["a"]',
      '5-["a"]',
      "51",
      '6-1["a"]',
      `5/admin,1-["a",${PH0}]`,
      `5a-["a"]`,
    ]) {
      it(`rejects the binary packet ${JSON.stringify(text)}, which lacks a valid "<count>-", with ENCHUFE_ERR_PACKET_INVALID`, () => {
        assertRejected([text], ErrorCode.PACKET_INVALID);
      });
    }

    it("rejects 11 attachments, over the default maxAttachments of 10, with ENCHUFE_ERR_PACKET_LIMIT", () => {
      assertRejected([`511-["ev",${PH0}]`], ErrorCode.PACKET_LIMIT);
      assertRejected([`611-3[${PH0}]`], ErrorCode.PACKET_LIMIT);
    });

    it("rejects 999 attachments, over the default maxAttachments, with ENCHUFE_ERR_PACKET_LIMIT", () => {
      assertRejected([`5999-["ev",${PH0}]`], ErrorCode.PACKET_LIMIT);
    });

    it("rejects 3 attachments, over a custom maxAttachments of 2, with ENCHUFE_ERR_PACKET_LIMIT", () => {
      assertRejected([`53-["ev",${PH0}]`], ErrorCode.PACKET_LIMIT, new SocketPacketDecoder({ maxAttachments: 2 }));
    });

    it("rejects an attachment count of four digits or more with ENCHUFE_ERR_PACKET_INVALID", () => {
      assertRejected([`51000-["ev",${PH0}]`], ErrorCode.PACKET_INVALID);
      assertRejected([`59999999999-["ev",${PH0}]`], ErrorCode.PACKET_INVALID);
    });

    for (const [name, num] of [
      ["not an integer", "0.5"],
      ["negative", "-1"],
      ["out of range", "1"],
      ["far out of range", "4294967296"],
      ["a string", '"0"'],
      ["null", "null"],
      ["infinite", "1e400"],
    ] as const) {
      it(`rejects a placeholder whose num is ${name} (${num}) with ENCHUFE_ERR_PACKET_INVALID once the attachment arrives`, () => {
        assertRejected([`51-["ev",{"_placeholder":true,"num":${num}}]`, new Uint8Array([1])], ErrorCode.PACKET_INVALID);
      });
    }

    it("rejects a placeholder without num with ENCHUFE_ERR_PACKET_INVALID", () => {
      assertRejected(['51-["ev",{"_placeholder":true}]', new Uint8Array([1])], ErrorCode.PACKET_INVALID);
    });

    it("rejects a text packet while attachments are awaited with ENCHUFE_ERR_PACKET_INVALID, and drops the partial packet", () => {
      assertRejected([`52-["ev",${PH0},${PH1}]`, new Uint8Array([1]), '2["a"]'], ErrorCode.PACKET_INVALID);
    });

    it("rejects a binary frame when no attachment is awaited with ENCHUFE_ERR_PACKET_INVALID", () => {
      assertRejected([new Uint8Array([1])], ErrorCode.PACKET_INVALID);
    });

    it("rejects a binary frame after a binary packet got all its attachments with ENCHUFE_ERR_PACKET_INVALID", () => {
      assertRejected([`51-["ev",${PH0}]`, new Uint8Array([1]), new Uint8Array([2])], ErrorCode.PACKET_INVALID);
    });

    it("rejects a binary frame after a text packet with ENCHUFE_ERR_PACKET_INVALID", () => {
      assertRejected(['2["ev"]', new Uint8Array([1])], ErrorCode.PACKET_INVALID);
    });

    it("drops the partial binary packet on reset()", () => {
      const decoder = new SocketPacketDecoder();
      decoder.decode(`51-["ev",${PH0}]`);
      assert.equal(decoder.isAwaitingAttachments, true);
      decoder.reset();
      assert.equal(decoder.isAwaitingAttachments, false);
      assertRecovered(decoder);
    });

    it("rejects a placeholder error on the last of two attachments and drops the whole packet", () => {
      assertRejected(
        [`52-["ev",${PH0},{"_placeholder":true,"num":2}]`, new Uint8Array([1]), new Uint8Array([2])],
        ErrorCode.PACKET_INVALID,
      );
    });
  });

  describe("argument limits", () => {
    it("accepts an EVENT with exactly 1000 arguments by default, the event name not counted", () => {
      const packet = new SocketPacketDecoder().decode(`2["ev",${numbers(1000).slice(1)}`);
      assert.equal((packet?.data as unknown[]).length, 1001);
    });

    it("rejects an EVENT with 1001 arguments, over the default maxArguments, with ENCHUFE_ERR_PACKET_LIMIT", () => {
      assertRejected([`2["ev",${numbers(1001).slice(1)}`], ErrorCode.PACKET_LIMIT);
    });

    it("accepts an EVENT with exactly a custom maxArguments of 2 arguments", () => {
      assert.deepEqual(new SocketPacketDecoder({ maxArguments: 2 }).decode('2["ev",1,2]')?.data, ["ev", 1, 2]);
    });

    it("rejects an EVENT with 3 arguments, over a custom maxArguments of 2, with ENCHUFE_ERR_PACKET_LIMIT", () => {
      assertRejected(['2["ev",1,2,3]'], ErrorCode.PACKET_LIMIT, new SocketPacketDecoder({ maxArguments: 2 }));
    });

    it("rejects an EVENT with any argument under a custom maxArguments of 0 with ENCHUFE_ERR_PACKET_LIMIT", () => {
      const decoder = new SocketPacketDecoder({ maxArguments: 0 });
      assert.deepEqual(decoder.decode('2["ev"]')?.data, ["ev"]);
      assertProtocolError(() => decoder.decode('2["ev",1]'), ErrorCode.PACKET_LIMIT);
    });

    it("accepts an ACK with exactly 1000 arguments by default", () => {
      const packet = new SocketPacketDecoder().decode(`31${numbers(1000)}`);
      assert.equal((packet?.data as unknown[]).length, 1000);
    });

    it("rejects an ACK with 1001 arguments, over the default maxArguments, with ENCHUFE_ERR_PACKET_LIMIT", () => {
      assertRejected([`31${numbers(1001)}`], ErrorCode.PACKET_LIMIT);
    });

    it("accepts an ACK with exactly a custom maxArguments of 2 arguments", () => {
      assert.deepEqual(new SocketPacketDecoder({ maxArguments: 2 }).decode("31[1,2]")?.data, [1, 2]);
    });

    it("rejects an ACK with 3 arguments, over a custom maxArguments of 2, with ENCHUFE_ERR_PACKET_LIMIT", () => {
      assertRejected(["31[1,2,3]"], ErrorCode.PACKET_LIMIT, new SocketPacketDecoder({ maxArguments: 2 }));
    });

    it("rejects a BINARY_EVENT over maxArguments in its header, before its attachments, with ENCHUFE_ERR_PACKET_LIMIT", () => {
      assertRejected([`52-["ev",${PH0},${PH1}]`], ErrorCode.PACKET_LIMIT, new SocketPacketDecoder({ maxArguments: 1 }));
    });

    it("rejects a BINARY_ACK over maxArguments in its header with ENCHUFE_ERR_PACKET_LIMIT", () => {
      assertRejected([`62-4[${PH0},${PH1}]`], ErrorCode.PACKET_LIMIT, new SocketPacketDecoder({ maxArguments: 1 }));
    });
  });

  describe("prototype pollution", () => {
    it('keeps a "__proto__" key in JSON as an own property holding the data', () => {
      const before = prototypeKeys();
      const packet = new SocketPacketDecoder().decode('2["ev",{"__proto__":{"polluted":true}}]');
      const holder = (packet?.data as unknown[])[1] as object;
      assert.equal(Object.getPrototypeOf(holder), Object.prototype);
      assert.ok(Object.hasOwn(holder, "__proto__"));
      assert.deepEqual(Object.getOwnPropertyDescriptor(holder, "__proto__")?.value, { polluted: true });
      assert.equal((holder as Record<string, unknown>)["polluted"], undefined);
      assertNotPolluted(before);
    });

    it('keeps a top-level "__proto__" key of a CONNECT payload as an own property', () => {
      const before = prototypeKeys();
      const packet = new SocketPacketDecoder().decode('0{"__proto__":{"polluted":true},"token":"1"}');
      const data = packet?.data as object;
      assert.equal(Object.getPrototypeOf(data), Object.prototype);
      assert.ok(Object.hasOwn(data, "__proto__"));
      assertNotPolluted(before);
    });

    it('puts an attachment under a "__proto__" key as an own property, the prototype untouched', () => {
      const before = prototypeKeys();
      const decoder = new SocketPacketDecoder();
      const [a, b] = [new Uint8Array([1]), new Uint8Array([2])];
      decoder.decode(`52-["ev",{"__proto__":${PH0}},${PH1}]`);
      decoder.decode(a);
      const packet = decoder.decode(b);
      const data = packet?.data as unknown[];
      const holder = data[1] as object;
      assert.equal(Object.getPrototypeOf(holder), Object.prototype);
      assert.equal(Object.getOwnPropertyDescriptor(holder, "__proto__")?.value, a);
      assert.equal(data[2], b);
      assertNotPolluted(before);
    });

    it('puts an attachment under a nested "__proto__" key as an own property', () => {
      const before = prototypeKeys();
      const decoder = new SocketPacketDecoder();
      const a = new Uint8Array([1]);
      decoder.decode(`51-["ev",{"a":{"__proto__":${PH0}}}]`);
      const holder = ((decoder.decode(a)?.data as unknown[])[1] as { a: object }).a;
      assert.equal(Object.getPrototypeOf(holder), Object.prototype);
      assert.equal(Object.getOwnPropertyDescriptor(holder, "__proto__")?.value, a);
      assertNotPolluted(before);
    });

    it('does not pollute through "constructor"/"prototype" keys', () => {
      const before = prototypeKeys();
      const decoder = new SocketPacketDecoder();
      decoder.decode('2["ev",{"constructor":{"prototype":{"polluted":true}}}]');
      decoder.decode(`51-["ev",{"constructor":{"prototype":{"polluted":${PH0}}}}]`);
      decoder.decode(new Uint8Array([1]));
      assertNotPolluted(before);
    });

    it('round trips an own "__proto__" key holding binary through the encoder and decoder', () => {
      const before = prototypeKeys();
      const holder = {};
      const bytes = new Uint8Array([3]);
      Object.defineProperty(holder, "__proto__", { value: bytes, enumerable: true });
      const [text, ...attachments] = encodeSocketPacket({ type: EVENT, namespace: "/", data: ["ev", holder] });
      const decoder = new SocketPacketDecoder();
      decoder.decode(text);
      let packet: SocketPacket | undefined;
      for (const attachment of attachments) packet = decoder.decode(attachment);
      const decodedHolder = (packet?.data as unknown[])[1] as object;
      assert.equal(Object.getPrototypeOf(decodedHolder), Object.prototype);
      assert.equal(Object.getOwnPropertyDescriptor(decodedHolder, "__proto__")?.value, bytes);
      assertNotPolluted(before);
    });
  });
});

describe("Socket.IO packet round trips", () => {
  it("decodes what it encodes back to the same packet", () => {
    const decoder = new SocketPacketDecoder();
    const packets: SocketPacket[] = [
      ...TEXT_VECTORS.map(([, packet]) => packet),
      { type: EVENT, namespace: "/ñ", data: ["ev", "unicode ☃ 😀 \u2028", { nested: [1, null, true] }], id: 0 },
      { type: CONNECT_ERROR, namespace: "/admin", data: "plain string" },
      { type: ACK, namespace: "/", data: [{}, [], ""], id: Number.MAX_SAFE_INTEGER },
    ];
    for (const packet of packets) assert.deepEqual(decoder.decode(encodeSocketPacket(packet)[0]), packet);
  });

  it("encodes what it decodes back to the same text", () => {
    const decoder = new SocketPacketDecoder();
    for (const [text] of TEXT_VECTORS) {
      const packet = decoder.decode(text);
      assert.ok(packet !== undefined);
      assert.deepEqual(encodeSocketPacket(packet), [text]);
    }
  });

  it("decodes an encoded binary EVENT and ACK into BINARY_EVENT and BINARY_ACK with the same data", () => {
    const decoder = new SocketPacketDecoder();
    for (const [packet] of BINARY_VECTORS) {
      const [text, ...attachments] = encodeSocketPacket(packet);
      let decoded = decoder.decode(text);
      for (const attachment of attachments) decoded = decoder.decode(attachment);
      const expected: SocketPacket = { ...packet, type: packet.type === EVENT ? BINARY_EVENT : BINARY_ACK };
      assert.deepEqual(decoded, expected);
    }
  });

  it("re-encodes a decoded binary packet, given as EVENT or ACK, to the same text and attachments", () => {
    const decoder = new SocketPacketDecoder();
    for (const [, text, attachments] of BINARY_VECTORS) {
      const frames = attachments.map((bytes) => new Uint8Array(bytes));
      let packet = decoder.decode(text);
      for (const frame of frames) packet = decoder.decode(frame);
      assert.ok(packet !== undefined);
      const type = packet.type === BINARY_EVENT ? EVENT : ACK;
      assert.deepEqual(encodeSocketPacket({ ...packet, type }), [text, ...frames]);
    }
  });

  it("re-encodes a decoded BINARY_EVENT packet as it is to the same text and attachments", () => {
    const decoder = new SocketPacketDecoder();
    const bytes = new Uint8Array([1, 2, 3, 4]);
    decoder.decode(`51-["baz",${PH0}]`);
    const packet = decoder.decode(bytes);
    assert.ok(packet !== undefined);
    assert.deepEqual(encodeSocketPacket(packet), [`51-["baz",${PH0}]`, bytes]);
  });
});

describe("EncodedPacket", () => {
  const packets: readonly SocketPacket[] = [
    ...TEXT_VECTORS.map(([, packet]) => packet),
    ...BINARY_VECTORS.map(([packet]) => packet),
  ];

  it("holds the same payloads as encodeSocketPacket for text and binary packets", () => {
    for (const packet of packets) {
      assert.deepEqual(EncodedPacket.from(packet).payloads, encodeSocketPacket(packet));
    }
  });

  it("holds the spec's binary example as its text then its attachment", () => {
    const bytes = new Uint8Array([1, 2, 3, 4]);
    const encoded = EncodedPacket.from({ type: EVENT, namespace: "/", data: ["baz", bytes] });
    assert.equal(encoded.payloads.length, 2);
    assert.equal(encoded.payloads[0], `51-["baz",${PH0}]`);
    assert.equal(encoded.payloads[1], bytes);
  });

  it("starts with no framed forms and keeps one per transport kind, apart from other packets", () => {
    const packet = { type: EVENT, namespace: "/", data: ["a"] };
    const a = EncodedPacket.from(packet);
    const b = EncodedPacket.from(packet);
    assert.equal(a.packet, packet);
    assert.equal(a.framedFor(FramingSlot.POLLING), undefined);
    a.keepFramed(FramingSlot.POLLING, "x");
    assert.equal(a.framedFor(FramingSlot.POLLING), "x");
    assert.equal(a.framedFor(FramingSlot.WEBSOCKET), undefined);
    assert.equal(b.framedFor(FramingSlot.POLLING), undefined);
  });

  it("keeps the payloads it is constructed with", () => {
    const payloads: [string, ...Uint8Array[]] = ['2["a"]'];
    assert.equal(new EncodedPacket(payloads).payloads, payloads);
  });

  it("numbers the framing slots 0, 1, 2, …: distinct indexes of a small array", () => {
    const slots = Object.values(FramingSlot).sort((a, b) => a - b);
    assert.deepEqual(slots, [...slots.keys()]);
  });
});
