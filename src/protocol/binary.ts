// Binary attachments (socket.io-protocol-v5.md › "Packet encoding"): each binary
// value in a payload is replaced by {"_placeholder":true,"num":N} and sent as the
// N-th attachment frame after the packet's text.
import { ArgumentError, ErrorCode, ProtocolError } from "../errors.js";

/** Binary values the encoder extracts as attachments, wherever they are nested. */
export type BinaryValue = ArrayBuffer | ArrayBufferView;

// Deeper than this the search for binary stops (a value there is sent as JSON);
// shallower, a cycle is reported instead of looping.
const MAX_SEARCH_DEPTH = 256;

/** True for an ArrayBuffer or any view on one (Buffer, typed arrays, DataView). */
export function isBinary(value: unknown): value is BinaryValue {
  return value instanceof ArrayBuffer || ArrayBuffer.isView(value);
}

/** True for an object that serializes itself (a Date, say): JSON.stringify must see it whole. */
function hasToJSON(value: object): boolean {
  return typeof (value as { toJSON?: unknown }).toJSON === "function";
}

/** Adds `value` to the path of containers being walked; false when the walk should stop here. */
function enter(value: object, path: object[]): boolean {
  if (path.length >= MAX_SEARCH_DEPTH) return false;
  if (path.includes(value)) {
    throw new ArgumentError(ErrorCode.ARGUMENT_INVALID, "cannot send a structure that contains itself");
  }
  path.push(value);
  return true;
}

function searchBinary(value: unknown, path: object[]): boolean {
  if (typeof value !== "object" || value === null) return false;
  if (isBinary(value)) return true;
  if (hasToJSON(value) || !enter(value, path)) return false;
  let found = false;
  if (Array.isArray(value)) {
    for (const item of value) if ((found = searchBinary(item, path))) break;
  } else {
    for (const key in value) {
      if (Object.hasOwn(value, key) && (found = searchBinary((value as Record<string, unknown>)[key], path))) break;
    }
  }
  path.pop();
  return found;
}

/**
 * True when a binary value is nested anywhere in arrays or plain objects.
 *
 * @throws ArgumentError when `value` contains itself (JSON could not send it either).
 */
export function hasBinary(value: unknown): boolean {
  return typeof value === "object" && value !== null && searchBinary(value, []);
}

function toBytes(value: BinaryValue): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
}

function replaceBinary(data: unknown, attachments: Uint8Array[], path: object[]): unknown {
  if (typeof data !== "object" || data === null) return data;
  if (isBinary(data)) {
    attachments.push(toBytes(data));
    return { _placeholder: true, num: attachments.length - 1 };
  }
  if (hasToJSON(data) || !enter(data, path)) return data;
  let copy: unknown;
  if (Array.isArray(data)) {
    copy = data.map((item) => replaceBinary(item, attachments, path));
  } else {
    const object: Record<string, unknown> = {};
    for (const key in data) {
      if (!Object.hasOwn(data, key)) continue;
      // defineProperty, not assignment: a "__proto__" key must stay a plain property.
      Object.defineProperty(object, key, {
        value: replaceBinary((data as Record<string, unknown>)[key], attachments, path),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    copy = object;
  }
  path.pop();
  return copy;
}

/**
 * Replaces binary values by placeholders in a copy of `data`, collecting them in order.
 *
 * @throws ArgumentError when `data` contains itself.
 */
export function deconstructPacket(data: unknown, attachments: Uint8Array[]): unknown {
  return replaceBinary(data, attachments, []);
}

function isPlaceholder(value: object): boolean {
  return (value as { _placeholder?: unknown })._placeholder === true;
}

function attachmentFor(placeholder: object, attachments: readonly unknown[]): unknown {
  const num = (placeholder as { num?: unknown }).num;
  if (typeof num !== "number" || !Number.isInteger(num) || num < 0 || num >= attachments.length) {
    throw new ProtocolError(ErrorCode.PACKET_INVALID, "attachment placeholder with an invalid num");
  }
  return attachments[num]!;
}

/**
 * Puts attachments back in place of their placeholders, in the parsed JSON itself.
 * Iterative, so a deeply nested payload cannot overflow the stack.
 *
 * @throws ProtocolError when a placeholder's `num` is not an index of `attachments`.
 */
export function reconstructPacket(data: unknown, attachments: readonly unknown[]): unknown {
  if (typeof data !== "object" || data === null) return data;
  if (isPlaceholder(data)) return attachmentFor(data, attachments);
  const stack: object[] = [data];
  while (stack.length > 0) {
    const container = stack.pop() as Record<string, unknown>;
    for (const key of Object.keys(container)) {
      const value = container[key];
      if (typeof value !== "object" || value === null) continue;
      if (isPlaceholder(value)) {
        // defineProperty never reaches the __proto__ setter, whatever key JSON.parse produced.
        Object.defineProperty(container, key, { value: attachmentFor(value, attachments), writable: true });
      } else {
        stack.push(value);
      }
    }
  }
  return data;
}
