// Event arguments between the command line and the wire: the words typed after
// `emit chat` become values (JSON where they are JSON, text otherwise), and
// received values become text for people (`<Buffer 3 bytes>`) or JSON for scripts,
// where bytes are `{"$binary": "<base64>"}` both ways.
import { usageError } from "./cli-error.js";

/** How bytes are written in JSON, out and in: `{"$binary": "aGk="}`. */
export const BINARY_KEY = "$binary";

/**
 * How deep a received value is walked: deeper arrays and objects are cut there, so
 * that a peer's 100,000 nested brackets (a few hundred kB, under any payload limit)
 * cannot overflow the stack of whoever prints them (docs/cli.md).
 */
export const MAX_VALUE_DEPTH = 256;

/** What stands for a cut array or object in JSON output: `{"$truncated": true}`. */
const TRUNCATED_KEY = "$truncated";

function isBinary(value: unknown): value is Uint8Array | ArrayBuffer {
  return value instanceof Uint8Array || value instanceof ArrayBuffer;
}

/** A received value as JSON can carry it: bytes as `{"$binary": base64}`, `undefined` as `null`. */
export function toJsonValue(value: unknown): unknown {
  return jsonOf(value ?? null, 0);
}

function jsonOf(value: unknown, depth: number): unknown {
  if (isBinary(value)) {
    return {
      [BINARY_KEY]: Buffer.from(value instanceof ArrayBuffer ? new Uint8Array(value) : value).toString("base64"),
    };
  }
  if (typeof value !== "object" || value === null) return value;
  if (depth >= MAX_VALUE_DEPTH) return { [TRUNCATED_KEY]: true };
  if (Array.isArray(value)) return value.map((item) => jsonOf(item, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, jsonOf(item, depth + 1)]));
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * A value read from JSON, with every `{"$binary": base64}` object turned into a Buffer.
 * @throws CliError (usage) for a `$binary` that is not a base64 string.
 */
export function fromJsonValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromJsonValue);
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value);
    if (entries.length === 1 && entries[0]![0] === BINARY_KEY) {
      const base64: unknown = entries[0]![1];
      if (typeof base64 !== "string" || !BASE64.test(base64)) {
        throw usageError(`"${BINARY_KEY}" must be a base64 string, got ${JSON.stringify(base64)}`);
      }
      return Buffer.from(base64, "base64");
    }
    return Object.fromEntries(entries.map(([key, item]) => [key, fromJsonValue(item)]));
  }
  return value;
}

/**
 * A received value for people: JSON, with bytes as `<Buffer N bytes>` and what is
 * deeper than MAX_VALUE_DEPTH as `[…]` or `{…}`. Built piece by piece, so that no
 * text a peer sends can pass for bytes.
 */
export function formatValue(value: unknown): string {
  return value === undefined ? "undefined" : show(value, 0);
}

function show(value: unknown, depth: number): string {
  if (isBinary(value)) return `<Buffer ${value.byteLength} bytes>`;
  if (typeof value !== "object" || value === null) return JSON.stringify(value) ?? "null";
  if (depth >= MAX_VALUE_DEPTH) return Array.isArray(value) ? "[…]" : "{…}";
  // As JSON.stringify does: undefined is null in an array, and left out of an object.
  if (Array.isArray(value)) return `[${value.map((item) => show(item, depth + 1)).join(",")}]`;
  const fields = Object.entries(value).filter(([, item]) => item !== undefined);
  return `{${fields.map(([key, item]) => `${JSON.stringify(key)}:${show(item, depth + 1)}`).join(",")}}`;
}

/** Several values for people, separated by spaces. */
export function formatValues(values: readonly unknown[]): string {
  return values.map(formatValue).join(" ");
}

/**
 * Splits what follows a command into words: whitespace separates them, except
 * inside `"…"` or `'…'` and inside `{…}` or `[…]`, so `{"a": 1}` is one word.
 * @throws CliError (usage) for a quote that is never closed.
 */
export function splitWords(text: string): string[] {
  const words: string[] = [];
  let index = 0;
  while (index < text.length) {
    while (index < text.length && /\s/.test(text[index]!)) index++;
    if (index >= text.length) break;
    const start = index;
    let depth = 0;
    while (index < text.length && (depth > 0 || !/\s/.test(text[index]!))) {
      const char = text[index]!;
      if (char === '"' || char === "'") {
        index = closingQuote(text, index);
      } else if (char === "{" || char === "[") {
        depth++;
      } else if ((char === "}" || char === "]") && depth > 0) {
        depth--;
      }
      index++;
    }
    words.push(text.slice(start, index));
  }
  return words;
}

/** The index of the quote that closes the one at `open` (a backslash escapes in `"…"`). */
function closingQuote(text: string, open: number): number {
  const quote = text[open]!;
  for (let index = open + 1; index < text.length; index++) {
    if (quote === '"' && text[index] === "\\") index++;
    else if (text[index] === quote) return index;
  }
  throw usageError(`unterminated string: ${text.slice(open)}`);
}

/**
 * A typed word as a value: `'…'` is the text between the quotes; anything that is
 * JSON is that value (`"hola"`, `42`, `true`, `{"a":1}`, and `{"$binary": base64}`
 * is bytes); anything else is the word itself, as text (`hola`).
 */
export function parseWord(word: string): unknown {
  if (word.length >= 2 && word.startsWith("'") && word.endsWith("'")) return word.slice(1, -1);
  let json: unknown;
  try {
    json = JSON.parse(word);
  } catch {
    return word;
  }
  return fromJsonValue(json); // a bad {"$binary": …} is an error, not text
}
