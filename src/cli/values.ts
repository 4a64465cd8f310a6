// Event arguments between the command line and the wire: the words typed after
// `emit chat` become values (JSON where they are JSON, text otherwise), and
// received values become text for people (`<Buffer 3 bytes>`) or JSON for scripts,
// where bytes are `{"$binary": "<base64>"}` both ways.
import { usageError } from "./cli-error.js";

/** How bytes are written in JSON, out and in: `{"$binary": "aGk="}`. */
export const BINARY_KEY = "$binary";

function isBinary(value: unknown): value is Uint8Array | ArrayBuffer {
  return value instanceof Uint8Array || value instanceof ArrayBuffer;
}

function byteLength(value: Uint8Array | ArrayBuffer): number {
  return value.byteLength;
}

/** Copies `value` with every binary part (at any depth) replaced by `replace(part)`. */
function mapBinary(value: unknown, replace: (bytes: Uint8Array | ArrayBuffer) => unknown): unknown {
  if (isBinary(value)) return replace(value);
  if (Array.isArray(value)) return value.map((item) => mapBinary(item, replace));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, mapBinary(item, replace)]));
  }
  return value;
}

/** A received value as JSON can carry it: bytes as `{"$binary": base64}`, `undefined` as `null`. */
export function toJsonValue(value: unknown): unknown {
  return mapBinary(value ?? null, (bytes) => ({
    [BINARY_KEY]: Buffer.from(bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : bytes).toString("base64"),
  }));
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

/** A received value for people: JSON, with bytes as `<Buffer N bytes>`. */
export function formatValue(value: unknown): string {
  if (value === undefined) return "undefined";
  if (isBinary(value)) return `<Buffer ${byteLength(value)} bytes>`;
  const marks: string[] = [];
  const json = JSON.stringify(
    mapBinary(value, (bytes) => {
      marks.push(`<Buffer ${byteLength(bytes)} bytes>`);
      return `\u0000${marks.length - 1}\u0000`;
    }),
  );
  return json.replace(/"\\u0000(\d+)\\u0000"/g, (_match, index: string) => marks[Number(index)]!);
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
