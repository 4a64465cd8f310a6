import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatValue, formatValues, fromJsonValue, parseWord, splitWords, toJsonValue } from "./values.js";

describe("splitWords", () => {
  it("splits on whitespace, keeping quoted text and JSON objects and arrays whole", () => {
    assert.deepEqual(splitWords(`chat  hola "hola mundo" 'a b' {"a": [1, 2]} [3, "x y"]`), [
      "chat",
      "hola",
      `"hola mundo"`,
      "'a b'",
      `{"a": [1, 2]}`,
      `[3, "x y"]`,
    ]);
    assert.deepEqual(splitWords(`"a \\" b" c`), [`"a \\" b"`, "c"]);
    assert.deepEqual(splitWords(`{"k": "}"} z`), [`{"k": "}"}`, "z"]);
    assert.deepEqual(splitWords("   "), []);
  });

  it("refuses a quote that is never closed", () => {
    assert.throws(() => splitWords(`"hola`), /unterminated string/);
  });
});

describe("parseWord", () => {
  it("JSON where it is JSON, else the word as text", () => {
    assert.equal(parseWord(`"hola"`), "hola");
    assert.equal(parseWord("hola"), "hola");
    assert.equal(parseWord("'42'"), "42");
    assert.equal(parseWord("42"), 42);
    assert.equal(parseWord("true"), true);
    assert.equal(parseWord("null"), null);
    assert.deepEqual(parseWord(`{"a":1}`), { a: 1 });
    assert.equal(parseWord(`{"a":`), `{"a":`);
  });

  it('{"$binary": base64} is bytes, at any depth', () => {
    assert.deepEqual(parseWord(`{"$binary":"AAEC"}`), Buffer.from([0, 1, 2]));
    assert.deepEqual(parseWord(`[{"f":{"$binary":"aGk="}}]`), [{ f: Buffer.from("hi") }]);
    // Only an object with that one key is bytes.
    assert.deepEqual(parseWord(`{"$binary":"AAEC","x":1}`), { $binary: "AAEC", x: 1 });
  });
});

describe("values out", () => {
  it("for people: JSON with <Buffer N bytes>", () => {
    assert.equal(formatValue("hola"), `"hola"`);
    assert.equal(formatValue(Buffer.from("abc")), "<Buffer 3 bytes>");
    assert.equal(formatValue(new ArrayBuffer(5)), "<Buffer 5 bytes>");
    assert.equal(formatValue({ file: Buffer.alloc(2), n: [1] }), `{"file":<Buffer 2 bytes>,"n":[1]}`);
    assert.equal(formatValue(undefined), "undefined");
    assert.equal(formatValues(["a", 1, null]), `"a" 1 null`);
  });

  it("for JSON: bytes as {$binary}, both ways", () => {
    const value = { file: Buffer.from("hi"), list: [new Uint8Array([255]).buffer] };
    const json = toJsonValue(value);
    assert.deepEqual(json, { file: { $binary: "aGk=" }, list: [{ $binary: "/w==" }] });
    assert.deepEqual(fromJsonValue(JSON.parse(JSON.stringify(json))), {
      file: Buffer.from("hi"),
      list: [Buffer.from([255])],
    });
    assert.equal(toJsonValue(undefined), null);
  });
});
