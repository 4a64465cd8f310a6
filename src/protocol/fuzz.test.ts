// Bounded, deterministic random-input tests of the codecs' totality: whatever bytes a
// peer sends, decoding either succeeds or throws a ProtocolError, never anything else.
// Each loop stops after ITERATIONS inputs or TIME_CAP_MS, whichever comes first.
// Set ENCHUFE_FUZZ_SEED to replay another sequence.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ErrorCode, ProtocolError } from "../errors.js";
import { decodeEnginePacket, encodeEnginePacket, EnginePacketType } from "./engine-packet.js";
import { seededRandom } from "./protocol.test-support.js";
import { decodeEnginePayload, encodeEnginePayload } from "./engine-payload.js";
import {
  encodeSocketPacket,
  PacketType,
  RESERVED_EVENTS,
  SocketPacketDecoder,
  type SocketPacket,
} from "./socket-packet.js";

const ITERATIONS = 20_000;
const TIME_CAP_MS = 5_000;
const SEED = Number(process.env["ENCHUFE_FUZZ_SEED"] ?? 0x5eed);

type Random = () => number;

function int(random: Random, below: number): number {
  return Math.floor(random() * below);
}

function pick<T>(random: Random, items: readonly T[]): T {
  return items[int(random, items.length)]!;
}

/** Runs `body` up to ITERATIONS times within TIME_CAP_MS; returns how many iterations ran. */
function loop(body: (iteration: number) => void): number {
  const deadline = performance.now() + TIME_CAP_MS;
  let iteration = 0;
  for (; iteration < ITERATIONS && performance.now() < deadline; iteration++) body(iteration);
  return iteration;
}

const TOKENS: readonly string[] = [
  ..."0123456789",
  ..."0123456", // the packet-type digits, twice as likely
  "-",
  "/",
  ",",
  "[",
  "]",
  "{",
  "}",
  '"',
  ":",
  ".",
  "e",
  "+",
  "\\",
  " ",
  "a",
  "b",
  "z",
  "A",
  "Q",
  "_",
  "=",
  "\x00",
  "\x1e",
  "\x1f",
  "\x7f",
  "\n",
  "é",
  "€",
  "😀",
  "\ud800",
  "\udc00",
  "\u2028",
  "true",
  "false",
  "null",
  '"_placeholder"',
  '"num"',
  '"__proto__"',
  "__proto__",
  "admin",
  '"ev"',
  '"connect"',
  "\\u0000",
];

/** A string of random tokens from a grammar-ish alphabet. */
function randomText(random: Random, maxTokens = 24): string {
  let text = "";
  const length = int(random, maxTokens + 1);
  for (let i = 0; i < length; i++) text += pick(random, TOKENS);
  return text;
}

/** Random bytes, sometimes a view with a non-zero byteOffset, sometimes a Buffer. */
function randomBytes(random: Random): Uint8Array {
  const length = int(random, 17);
  const offset = int(random, 3);
  const backing = new Uint8Array(length + offset + 1);
  for (let i = 0; i < backing.length; i++) backing[i] = int(random, 256);
  const view = backing.subarray(offset, offset + length);
  return random() < 0.2 ? Buffer.from(view) : view;
}

/** A random JSON value, placeholders and awkward keys included. */
function randomValue(random: Random, depth = 0): unknown {
  const roll = int(random, depth > 3 ? 6 : 10);
  switch (roll) {
    case 0:
      return int(random, 1000) - 500;
    case 1:
      return pick(random, ["", "ev", "😀", "\x00", "\ud800", "connect", "__proto__", "a\x1eb"]);
    case 2:
      return random() < 0.5;
    case 3:
      return null;
    case 4:
      return pick(random, [0.5, -0, 1e300, 2 ** 53 + 2, -1]);
    case 5:
      return { _placeholder: true, num: pick<unknown>(random, [0, 1, 2, 3, -1, 0.5, "0", null]) };
    case 6:
    case 7:
      return Array.from({ length: int(random, 4) }, () => randomValue(random, depth + 1));
    default: {
      const object: Record<string, unknown> = {};
      for (let i = int(random, 4); i > 0; i--) {
        Object.defineProperty(object, pick(random, ["a", "b", "__proto__", "_placeholder", "num", "constructor"]), {
          value: randomValue(random, depth + 1),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return object;
    }
  }
}

/** A Socket.IO packet text built along the format, each part sometimes wrong. */
function structuredText(random: Random): string {
  let text = String(random() < 0.9 ? int(random, 7) : int(random, 10));
  if (random() < 0.4) text += String(int(random, 13)) + (random() < 0.9 ? "-" : "");
  if (random() < 0.3) text += "/" + (random() < 0.8 ? pick(random, ["admin", "a/b", "ñ", ""]) : randomText(random, 4));
  if (random() < 0.3 && text.includes("/")) text += ",";
  if (random() < 0.4) text += String(int(random, 100));
  if (random() < 0.85) {
    if (random() < 0.6) {
      const args = Array.from({ length: int(random, 4) }, () => randomValue(random));
      if (random() < 0.8) args.unshift(pick(random, ["ev", "message", ...RESERVED_EVENTS, "__proto__"]));
      text += JSON.stringify(args);
    } else if (random() < 0.7) {
      text += JSON.stringify(randomValue(random));
    } else {
      text += randomText(random, 8);
    }
  }
  return text;
}

/** Flips, inserts, deletes or duplicates a few characters of `text`. */
function mutate(random: Random, text: string): string {
  let mutated = text;
  for (let count = 1 + int(random, 4); count > 0; count--) {
    const at = int(random, mutated.length + 1);
    switch (int(random, 4)) {
      case 0:
        mutated = mutated.slice(0, at) + pick(random, TOKENS) + mutated.slice(at + 1);
        break;
      case 1:
        mutated = mutated.slice(0, at) + pick(random, TOKENS) + mutated.slice(at);
        break;
      case 2:
        mutated = mutated.slice(0, at) + mutated.slice(at + 1 + int(random, 3));
        break;
      default:
        mutated = mutated.slice(0, at) + mutated.slice(at, at + int(random, 6)) + mutated.slice(at);
    }
  }
  return mutated;
}

function show(input: string | Uint8Array | readonly (string | Uint8Array)[]): string {
  const one = (value: string | Uint8Array) =>
    typeof value === "string" ? JSON.stringify(value) : `<${Array.from(value).join(" ")}>`;
  return Array.isArray(input)
    ? `[${(input as (string | Uint8Array)[]).map(one).join(", ")}]`
    : one(input as string | Uint8Array);
}

/** Calls `fn`; true when it returns, false when it throws a ProtocolError; fails the test on anything else. */
function total<T>(fn: () => T, input: () => string, iteration: number): { ok: true; value: T } | { ok: false } {
  try {
    return { ok: true, value: fn() };
  } catch (error) {
    if (!(error instanceof ProtocolError)) {
      assert.fail(`seed ${SEED}, iteration ${iteration}: ${input()} threw ${String(error)} instead of a ProtocolError`);
    }
    if (error.code !== ErrorCode.PACKET_INVALID && error.code !== ErrorCode.PACKET_LIMIT) {
      assert.fail(`seed ${SEED}, iteration ${iteration}: ${input()} threw a ProtocolError with code ${error.code}`);
    }
    return { ok: false };
  }
}

function hasControlCharacter(text: string): boolean {
  return [...text].some((char) => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f);
}

/** Checks what the decoder accepted is a packet the protocol allows. */
function assertWellFormed(packet: SocketPacket, input: () => string): void {
  const where = () => `seed ${SEED}: ${input()} decoded to ${JSON.stringify(packet)}`;
  assert.ok(Number.isInteger(packet.type) && packet.type >= 0 && packet.type <= 6, where());
  assert.ok(packet.namespace.startsWith("/") && packet.namespace.length <= 256, where());
  assert.ok(!hasControlCharacter(packet.namespace), where());
  if (packet.id !== undefined) assert.ok(Number.isSafeInteger(packet.id) && packet.id >= 0, where());
  const { data } = packet;
  switch (packet.type) {
    case PacketType.CONNECT:
      assert.ok(packet.id === undefined, where());
      assert.ok(data === undefined || (typeof data === "object" && data !== null && !Array.isArray(data)), where());
      break;
    case PacketType.DISCONNECT:
      assert.ok(packet.id === undefined && data === undefined, where());
      break;
    case PacketType.CONNECT_ERROR:
      assert.ok(packet.id === undefined && data !== undefined && data !== null, where());
      break;
    case PacketType.EVENT:
    case PacketType.BINARY_EVENT:
      assert.ok(Array.isArray(data) && typeof data[0] === "string" && !RESERVED_EVENTS.has(data[0]), where());
      break;
    case PacketType.ACK:
    case PacketType.BINARY_ACK:
      assert.ok(packet.id !== undefined && Array.isArray(data), where());
      break;
  }
}

/** Encodes a decoded packet again, as EVENT/ACK when it came in binary. */
function reencode(packet: SocketPacket): [string, ...Uint8Array[]] {
  const type =
    packet.type === PacketType.BINARY_EVENT
      ? PacketType.EVENT
      : packet.type === PacketType.BINARY_ACK
        ? PacketType.ACK
        : packet.type;
  return encodeSocketPacket({ ...packet, type });
}

/** Decodes all `frames` with a fresh decoder; returns the packet the last frame completes. */
function decodeAll(frames: readonly (string | Uint8Array)[]): SocketPacket | undefined {
  const decoder = new SocketPacketDecoder();
  let packet: SocketPacket | undefined;
  for (const frame of frames) packet = decoder.decode(frame);
  return packet;
}

/**
 * Checks that the canonical encoding of an accepted packet is a fixed point:
 * decoding it is accepted, and encoding that again gives the same frames.
 */
function assertCanonicalFixedPoint(packet: SocketPacket, input: () => string): void {
  const frames = reencode(packet);
  let again: SocketPacket | undefined;
  try {
    again = decodeAll(frames);
  } catch (error) {
    assert.fail(`seed ${SEED}: ${input()} decoded, but its re-encoding ${show(frames)} threw ${String(error)}`);
  }
  assert.ok(again !== undefined, `seed ${SEED}: re-encoding ${show(frames)} of ${input()} left attachments awaited`);
  assert.deepEqual(reencode(again), frames, `seed ${SEED}: ${input()} has no canonical encoding`);
}

describe("fuzz", () => {
  it("draws the same sequence from mulberry32 for the same seed, and another for another seed", () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const c = seededRandom(43);
    const first = Array.from({ length: 8 }, a);
    assert.deepEqual(Array.from({ length: 8 }, b), first);
    assert.notDeepEqual(Array.from({ length: 8 }, c), first);
    assert.ok(first.every((value) => value >= 0 && value < 1));
  });

  it("decodeEnginePacket throws nothing but ProtocolError on random text and binary frames", () => {
    const random = seededRandom(SEED);
    let accepted = 0;
    let rejected = 0;
    loop((iteration) => {
      const frame: string | Uint8Array = random() < 0.8 ? randomText(random, 12) : randomBytes(random);
      const result = total(
        () => decodeEnginePacket(frame),
        () => show(frame),
        iteration,
      );
      if (!result.ok) {
        rejected++;
        return;
      }
      accepted++;
      const packet = result.value;
      assert.ok(packet.type >= EnginePacketType.OPEN && packet.type <= EnginePacketType.NOOP, show(frame));
      if (typeof frame === "string") assert.equal(encodeEnginePacket(packet), frame, show(frame));
      else assert.equal(packet.data, frame);
    });
    assert.ok(accepted > 100 && rejected > 100, `accepted ${accepted}, rejected ${rejected}`);
  });

  it("decodeEnginePayload throws nothing but ProtocolError on random payloads, and what it accepts round trips", () => {
    const random = seededRandom(SEED + 1);
    let accepted = 0;
    let rejected = 0;
    loop((iteration) => {
      const parts = Array.from({ length: 1 + int(random, 4) }, () =>
        random() < 0.2
          ? "b" + randomText(random, 6)
          : random() < 0.6
            ? String(int(random, 7)) + randomText(random, 6)
            : randomText(random, 8),
      );
      const payload = parts.join("\x1e");
      const maxPackets = random() < 0.2 ? 1 + int(random, 3) : undefined;
      const result = total(
        () => decodeEnginePayload(payload, maxPackets === undefined ? {} : { maxPackets }),
        () => show(payload) + ` (maxPackets ${maxPackets})`,
        iteration,
      );
      if (!result.ok) {
        rejected++;
        return;
      }
      accepted++;
      for (const packet of result.value) {
        assert.ok(packet.type >= EnginePacketType.OPEN && packet.type <= EnginePacketType.NOOP, show(payload));
        if (packet.data instanceof Uint8Array) assert.equal(packet.type, EnginePacketType.MESSAGE, show(payload));
      }
      assert.deepEqual(decodeEnginePayload(encodeEnginePayload(result.value), { maxPackets: 1000 }), result.value);
    });
    assert.ok(accepted > 100 && rejected > 100, `accepted ${accepted}, rejected ${rejected}`);
  });

  it("a long-lived SocketPacketDecoder throws nothing but ProtocolError on a random stream of frames", () => {
    const random = seededRandom(SEED + 2);
    const decoder = new SocketPacketDecoder({ maxAttachments: 4, maxArguments: 5 });
    const recent: (string | Uint8Array)[] = [];
    let accepted = 0;
    let rejected = 0;
    loop((iteration) => {
      const roll = random();
      const frame: string | Uint8Array =
        roll < 0.35 ? randomText(random) : roll < 0.75 ? structuredText(random) : randomBytes(random);
      recent.push(frame);
      if (recent.length > 8) recent.shift();
      const result = total(
        () => decoder.decode(frame),
        () => `the frames ending ${show(recent)}`,
        iteration,
      );
      if (!result.ok) {
        rejected++;
        return;
      }
      if (result.value === undefined) return;
      accepted++;
      assertWellFormed(result.value, () => show(recent));
    });
    assert.ok(accepted > 100 && rejected > 100, `accepted ${accepted}, rejected ${rejected}`);
  });

  it("fresh SocketPacketDecoders throw nothing but ProtocolError on random packets, and what they accept re-encodes to a fixed point", () => {
    const random = seededRandom(SEED + 3);
    let accepted = 0;
    let rejected = 0;
    loop((iteration) => {
      const frames: (string | Uint8Array)[] = [random() < 0.7 ? structuredText(random) : randomText(random)];
      for (let i = int(random, 4); i > 0; i--)
        frames.push(random() < 0.9 ? randomBytes(random) : randomText(random, 4));
      const options = random() < 0.3 ? { maxAttachments: int(random, 4), maxArguments: int(random, 4) } : {};
      const decoder = new SocketPacketDecoder(options);
      for (const frame of frames) {
        const result = total(
          () => decoder.decode(frame),
          () => `${show(frames)} with ${JSON.stringify(options)}`,
          iteration,
        );
        if (!result.ok) {
          rejected++;
          break;
        }
        if (result.value === undefined) continue;
        accepted++;
        assertWellFormed(result.value, () => show(frames));
        assertCanonicalFixedPoint(result.value, () => show(frames));
        break;
      }
    });
    assert.ok(accepted > 100 && rejected > 100, `accepted ${accepted}, rejected ${rejected}`);
  });

  it("fresh SocketPacketDecoders throw nothing but ProtocolError on mutated valid packets", () => {
    const random = seededRandom(SEED + 4);
    const corpus: readonly string[] = [
      "0",
      '0/admin,{"sid":"oSO0OpakMV_3jnilAAAA"}',
      "0/admin,",
      '4{"message":"Not authorized"}',
      '2["foo"]',
      '2/admin,["bar"]',
      '212["foo"]',
      '3/admin,13["bar"]',
      "312[]",
      "1",
      "1/admin,",
      '51-["baz",{"_placeholder":true,"num":0}]',
      '52-/admin,["baz",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]',
      '61-15["bar",{"_placeholder":true,"num":0}]',
      '61-/admin,1[{"_placeholder":true,"num":0}]',
      '52-["ev",{"__proto__":{"_placeholder":true,"num":0}},{"_placeholder":true,"num":1}]',
      '2["ev",{"__proto__":{"polluted":true}}]',
    ];
    let accepted = 0;
    let rejected = 0;
    loop((iteration) => {
      const text = mutate(random, pick(random, corpus));
      const frames: (string | Uint8Array)[] = [text];
      const decoder = new SocketPacketDecoder();
      let result = total(
        () => decoder.decode(text),
        () => show(frames),
        iteration,
      );
      for (let i = 0; result.ok && result.value === undefined && i < 4; i++) {
        const bytes = randomBytes(random);
        frames.push(bytes);
        result = total(
          () => decoder.decode(bytes),
          () => show(frames),
          iteration,
        );
      }
      if (!result.ok) {
        rejected++;
        return;
      }
      if (result.value === undefined) return;
      accepted++;
      assertWellFormed(result.value, () => show(frames));
      assertCanonicalFixedPoint(result.value, () => show(frames));
    });
    assert.equal(({} as Record<string, unknown>)["polluted"], undefined);
    assert.ok(accepted > 100 && rejected > 100, `accepted ${accepted}, rejected ${rejected}`);
  });
});
