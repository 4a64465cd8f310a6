// Unit tests of binary attachment handling (socket.io-protocol-v5.md › "Packet encoding":
// each binary value becomes {"_placeholder":true,"num":N} and travels as attachment N).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ArgumentError, ErrorCode } from "../errors.js";
import { deconstructPacket, hasBinary, isBinary, reconstructPacket } from "./binary.js";
import { assertProtocolError } from "./protocol.test-support.js";

function placeholder(num: number): { _placeholder: true; num: number } {
  return { _placeholder: true, num };
}

/** `value` wrapped in `depth` single-element arrays. */
function nest(value: unknown, depth: number): unknown {
  let wrapped = value;
  for (let i = 0; i < depth; i++) wrapped = [wrapped];
  return wrapped;
}

/** The own property names of Object.prototype, to detect pollution. */
function prototypeKeys(): string[] {
  return Object.getOwnPropertyNames(Object.prototype).sort();
}

describe("isBinary", () => {
  const binaries: readonly (readonly [string, unknown])[] = [
    ["a Buffer", Buffer.from([1])],
    ["an ArrayBuffer", new ArrayBuffer(2)],
    ["a Uint8Array", new Uint8Array(1)],
    ["a Uint8ClampedArray", new Uint8ClampedArray(1)],
    ["an Int16Array", new Int16Array(1)],
    ["a Float32Array", new Float32Array(1)],
    ["a Float64Array", new Float64Array(1)],
    ["a BigInt64Array", new BigInt64Array(1)],
    ["a DataView", new DataView(new ArrayBuffer(4))],
    ["an empty Uint8Array", new Uint8Array(0)],
  ];
  for (const [name, value] of binaries) {
    it(`returns true for ${name}`, () => {
      assert.equal(isBinary(value), true);
    });
  }

  const others: readonly (readonly [string, unknown])[] = [
    ["undefined", undefined],
    ["null", null],
    ["a number", 1],
    ["a string", "AQID"],
    ["an array of bytes", [1, 2, 3]],
    ["a plain object", { byteLength: 1 }],
    ["an object that fakes a view", { buffer: new ArrayBuffer(1), byteOffset: 0, byteLength: 1 }],
    ["a JSON-serialized Buffer", { type: "Buffer", data: [1, 2] }],
    ["an array holding a Uint8Array", [new Uint8Array(1)]],
  ];
  for (const [name, value] of others) {
    it(`returns false for ${name}`, () => {
      assert.equal(isBinary(value), false);
    });
  }
});

describe("hasBinary", () => {
  it("finds a binary value at the top level", () => {
    assert.equal(hasBinary(new Uint8Array(1)), true);
    assert.equal(hasBinary(new ArrayBuffer(1)), true);
  });

  it("finds a binary value in an array after JSON values", () => {
    assert.equal(hasBinary(["ev", 1, "two", null, Buffer.from([1])]), true);
  });

  it("finds binary values nested in arrays and objects at several depths", () => {
    assert.equal(hasBinary({ a: { b: [1, { c: new DataView(new ArrayBuffer(1)) }] } }), true);
    assert.equal(hasBinary(["ev", [[[{ deep: [new Float32Array(1)] }]]]]), true);
  });

  it("returns false for JSON-only values", () => {
    assert.equal(hasBinary(["ev", 1, "s", true, null, { a: [1, { b: "c" }] }, []]), false);
    assert.equal(hasBinary({ type: "Buffer", data: [1, 2, 3] }), false);
  });

  it("returns false for primitives, null and undefined", () => {
    for (const value of [undefined, null, 0, "", "bin", true, 10n]) assert.equal(hasBinary(value), false);
  });

  it("ignores binary values reachable only through inherited properties", () => {
    const inherited: object = Object.create({ buffer: new Uint8Array(1) }) as object;
    assert.equal(hasBinary(inherited), false);
  });

  it('finds a binary value under an own "__proto__" key', () => {
    const holder = {};
    Object.defineProperty(holder, "__proto__", { value: new Uint8Array(1), enumerable: true });
    assert.equal(hasBinary(holder), true);
  });

  it("searches 256 levels deep and no deeper", () => {
    assert.equal(hasBinary(nest(new Uint8Array(1), 256)), true);
    assert.equal(hasBinary(nest(new Uint8Array(1), 257)), false);
  });

  it("refuses a value that contains itself with ArgumentError, at once", () => {
    const cyclic: unknown[] = ["ev"];
    cyclic.push(cyclic);
    const isCycleError = (error: unknown): boolean =>
      error instanceof ArgumentError && error.code === ErrorCode.ARGUMENT_INVALID;
    assert.throws(() => hasBinary(cyclic), isCycleError);
    // Two back-references per level used to mean 2^256 calls before the depth limit.
    const node: Record<string, unknown> = {};
    node.parent = node;
    node.self = node;
    const started = performance.now();
    assert.throws(() => hasBinary(["ev", node]), isCycleError);
    assert.throws(() => deconstructPacket(["ev", node, new Uint8Array(1)], []), isCycleError);
    assert.ok(performance.now() - started < 100);
  });

  it("finds binary in shared (not cyclic) sub-objects", () => {
    const shared = { data: new Uint8Array([1]) };
    assert.equal(hasBinary(["ev", shared, shared]), true);
    const attachments: Uint8Array[] = [];
    deconstructPacket(["ev", shared, shared], attachments);
    assert.equal(attachments.length, 2);
  });
});

describe("deconstructPacket", () => {
  it("replaces each binary value with a placeholder numbered in depth-first order", () => {
    const first = new Uint8Array([1]);
    const second = new Uint8Array([2]);
    const third = new Uint8Array([3]);
    const attachments: Uint8Array[] = [];
    const data = deconstructPacket(["ev", first, { a: [second, { b: third }] }], attachments);
    assert.deepEqual(data, ["ev", placeholder(0), { a: [placeholder(1), { b: placeholder(2) }] }]);
    assert.equal(attachments.length, 3);
    assert.equal(attachments[0], first);
    assert.equal(attachments[1], second);
    assert.equal(attachments[2], third);
  });

  it("passes a Buffer through as its own attachment", () => {
    const buffer = Buffer.from([1, 2, 3, 4]);
    const attachments: Uint8Array[] = [];
    assert.deepEqual(deconstructPacket(["baz", buffer], attachments), ["baz", placeholder(0)]);
    assert.equal(attachments[0], buffer);
  });

  it("turns an ArrayBuffer into a Uint8Array over all of its bytes", () => {
    const buffer = new Uint8Array([5, 6, 7]).buffer;
    const attachments: Uint8Array[] = [];
    deconstructPacket([buffer], attachments);
    const [bytes] = attachments;
    assert.ok(bytes instanceof Uint8Array);
    assert.equal(bytes.buffer, buffer);
    assert.deepEqual(Array.from(bytes), [5, 6, 7]);
  });

  it("turns an Int16Array view with a non-zero byteOffset into exactly its bytes", () => {
    const backing = new Uint8Array([0xaa, 0xbb, 1, 0, 2, 0, 0xcc, 0xdd]);
    const view = new Int16Array(backing.buffer, 2, 2); // little-endian 1, 2
    const attachments: Uint8Array[] = [];
    deconstructPacket(["ev", view], attachments);
    const [bytes] = attachments;
    assert.ok(bytes !== undefined);
    assert.equal(bytes.byteOffset, 2);
    assert.deepEqual(Array.from(bytes), [1, 0, 2, 0]);
  });

  it("turns a Float32Array view with a non-zero byteOffset into exactly its bytes", () => {
    const backing = new ArrayBuffer(16);
    const view = new Float32Array(backing, 4, 2);
    view[0] = 1.5;
    view[1] = -2;
    const attachments: Uint8Array[] = [];
    deconstructPacket({ f: view }, attachments);
    const [bytes] = attachments;
    assert.ok(bytes !== undefined);
    assert.equal(bytes.byteLength, 8);
    assert.deepEqual(Array.from(new Float32Array(bytes.slice().buffer)), [1.5, -2]);
  });

  it("turns a DataView with a non-zero byteOffset into exactly its bytes", () => {
    const backing = new Uint8Array([9, 9, 9, 4, 5, 9]);
    const attachments: Uint8Array[] = [];
    deconstructPacket([new DataView(backing.buffer, 3, 2)], attachments);
    assert.deepEqual(
      attachments.map((bytes) => Array.from(bytes)),
      [[4, 5]],
    );
  });

  it("numbers attachments after those already in the list it is given", () => {
    const attachments: Uint8Array[] = [new Uint8Array(0)];
    assert.deepEqual(deconstructPacket([new Uint8Array(1)], attachments), [placeholder(1)]);
    assert.equal(attachments.length, 2);
  });

  it("returns primitives unchanged and adds no attachment", () => {
    const attachments: Uint8Array[] = [];
    for (const value of [undefined, null, 1, "s", false]) assert.equal(deconstructPacket(value, attachments), value);
    assert.equal(attachments.length, 0);
  });

  it("does not mutate the caller's data", () => {
    const make = (bytes: Uint8Array, view: Int16Array) => ["ev", { bytes, list: [view, { n: 1 }] }, "tail"];
    const bytes = new Uint8Array([1, 2]);
    const view = new Int16Array([3, 4]);
    const data = make(bytes, view);
    const snapshot = make(new Uint8Array([1, 2]), new Int16Array([3, 4]));
    const copy = deconstructPacket(data, []);
    assert.notEqual(copy, data);
    assert.deepEqual(data, snapshot);
    const holder = data[1] as { bytes: Uint8Array; list: unknown[] };
    assert.equal(holder.bytes, bytes);
    assert.equal(holder.list[0], view);
  });

  it('keeps an own "__proto__" key as an own property of the copy, prototype untouched', () => {
    const before = prototypeKeys();
    const source = {};
    Object.defineProperty(source, "__proto__", { value: new Uint8Array([7]), enumerable: true });
    const copy = deconstructPacket(source, []) as object;
    assert.equal(Object.getPrototypeOf(copy), Object.prototype);
    assert.ok(Object.hasOwn(copy, "__proto__"));
    assert.deepEqual(Object.getOwnPropertyDescriptor(copy, "__proto__")?.value, placeholder(0));
    assert.equal(JSON.stringify(copy), '{"__proto__":{"_placeholder":true,"num":0}}');
    assert.deepEqual(prototypeKeys(), before);
  });

  it("leaves binary values deeper than 256 levels in place", () => {
    const bytes = new Uint8Array(1);
    const attachments: Uint8Array[] = [];
    let copy = deconstructPacket(nest(bytes, 258), attachments);
    assert.equal(attachments.length, 0);
    for (let i = 0; i < 258; i++) copy = (copy as unknown[])[0];
    assert.equal(copy, bytes);
  });
});

describe("reconstructPacket", () => {
  it("puts each attachment back in place of its placeholder at several depths", () => {
    const a = new Uint8Array([1]);
    const b = new Uint8Array([2]);
    const c = new Uint8Array([3]);
    const data = ["ev", placeholder(0), { x: [placeholder(1), { y: { z: placeholder(2) } }] }];
    const result = reconstructPacket(data, [a, b, c]);
    assert.equal(result, data, "reconstructs in place");
    assert.deepEqual(result, ["ev", a, { x: [b, { y: { z: c } }] }]);
    const nested = (result as [string, Uint8Array, { x: [Uint8Array, { y: { z: Uint8Array } }] }])[2];
    assert.equal(nested.x[0], b);
    assert.equal(nested.x[1].y.z, c);
  });

  it("follows the placeholder numbers, not the order they appear in", () => {
    const a = new Uint8Array([1]);
    const b = new Uint8Array([2]);
    const result = reconstructPacket(["ev", placeholder(1), placeholder(0)], [a, b]) as unknown[];
    assert.equal(result[1], b);
    assert.equal(result[2], a);
  });

  it("puts one attachment in place of two placeholders with the same number", () => {
    const a = new Uint8Array([1]);
    const result = reconstructPacket([placeholder(0), { again: placeholder(0) }], [a]) as [unknown, { again: unknown }];
    assert.equal(result[0], a);
    assert.equal(result[1].again, a);
  });

  it("returns the attachment for a top-level placeholder", () => {
    const a = new Uint8Array([1]);
    assert.equal(reconstructPacket(placeholder(0), [a]), a);
  });

  it("returns primitives unchanged", () => {
    for (const value of [undefined, null, 0, "s", true]) assert.equal(reconstructPacket(value, []), value);
  });

  it('leaves objects whose "_placeholder" is not exactly true as they are', () => {
    const data = [
      { _placeholder: "true", num: 0 },
      { _placeholder: 1, num: 0 },
      { _placeholder: false, num: 0 },
    ];
    assert.deepEqual(reconstructPacket(structuredClone(data), [new Uint8Array(1)]), data);
  });

  const badNums: readonly (readonly [string, unknown])[] = [
    ["one past the last attachment", 1],
    ["far out of range", 1000],
    ["negative", -1],
    ["not an integer", 0.5],
    ["a string", "0"],
    ["null", null],
    ["infinite", Infinity],
    ["NaN", NaN],
    ["an object", { n: 0 }],
  ];
  for (const [name, num] of badNums) {
    it(`rejects a placeholder whose num is ${name} with ENCHUFE_ERR_PACKET_INVALID`, () => {
      assertProtocolError(
        () => reconstructPacket(["ev", { _placeholder: true, num }], [new Uint8Array(1)]),
        ErrorCode.PACKET_INVALID,
      );
    });
  }

  it("rejects a placeholder without num with ENCHUFE_ERR_PACKET_INVALID", () => {
    assertProtocolError(
      () => reconstructPacket(["ev", { _placeholder: true }], [new Uint8Array(1)]),
      ErrorCode.PACKET_INVALID,
    );
  });

  it("rejects a top-level placeholder out of range with ENCHUFE_ERR_PACKET_INVALID", () => {
    assertProtocolError(() => reconstructPacket(placeholder(0), []), ErrorCode.PACKET_INVALID);
  });

  it('stores an attachment under a parsed "__proto__" key as an own property, without polluting Object.prototype', () => {
    const before = prototypeKeys();
    const a = new Uint8Array([1, 2]);
    const parsed = JSON.parse('["ev",{"__proto__":{"_placeholder":true,"num":0}}]') as unknown;
    const result = reconstructPacket(parsed, [a]) as [string, object];
    const holder = result[1];
    assert.equal(Object.getPrototypeOf(holder), Object.prototype);
    const descriptor = Object.getOwnPropertyDescriptor(holder, "__proto__");
    assert.ok(descriptor !== undefined);
    assert.equal(descriptor.value, a);
    assert.equal(descriptor.enumerable, true);
    assert.deepEqual(prototypeKeys(), before);
    assert.equal(({} as Record<string, unknown>)["_placeholder"], undefined);
    assert.equal(({} as Record<string, unknown>)["num"], undefined);
  });

  it("reconstructs a placeholder nested 100,000 arrays deep without overflowing the stack", () => {
    const depth = 100_000;
    const parsed = JSON.parse("[".repeat(depth) + '{"_placeholder":true,"num":0}' + "]".repeat(depth)) as unknown;
    const a = new Uint8Array([1]);
    let cursor = reconstructPacket(parsed, [a]);
    for (let i = 0; i < depth; i++) cursor = (cursor as unknown[])[0];
    assert.equal(cursor, a);
  });

  it("round trips with deconstructPacket", () => {
    const a = new Uint8Array([1]);
    const b = Buffer.from([2, 3]);
    const original = ["ev", { a, list: [1, b, { c: "text" }] }];
    const attachments: Uint8Array[] = [];
    const wire = JSON.parse(JSON.stringify(deconstructPacket(original, attachments))) as unknown;
    assert.deepEqual(reconstructPacket(wire, attachments), original);
  });
});
