// Checks for what clients send: hostile clients send anything, so every handler
// runs its arguments through these before use.
import { DEMO_LIMITS } from "./limits.js";

const NICK = new RegExp(`^[\\p{L}\\p{N}_.-]{1,${DEMO_LIMITS.maxNickLength}}$`, "u");
const ROOM = new RegExp(`^[a-z0-9][a-z0-9_-]{0,${DEMO_LIMITS.maxRoomLength - 1}}$`);
// C0 and C1 controls, and the bidirectional overrides that can disguise text.
// eslint-disable-next-line no-control-regex -- matching controls is the point
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** A nickname as typed, trimmed; `undefined` when it is not a valid one. */
export function parseNick(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const nick = value.trim().normalize("NFC");
  return NICK.test(nick) ? nick : undefined;
}

/** A room name as typed (`#Random` → `random`); `undefined` when it is not a valid one. */
export function parseRoom(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const room = value.trim().replace(/^#/, "").toLowerCase();
  return ROOM.test(room) ? room : undefined;
}

/** Why a chat message is refused, or `undefined` when it is fine. The text itself is kept verbatim. */
export function checkMessage(value: unknown): string | undefined {
  if (typeof value !== "string") return "a message must be text";
  if (value.trim().length === 0) return "empty message not sent";
  if (value.length > DEMO_LIMITS.maxMessageLength) {
    return `message too long (${value.length} characters; at most ${DEMO_LIMITS.maxMessageLength})`;
  }
  return undefined;
}

/** Text fit for a terminal: controls (escape sequences, new lines) become spaces. */
export function forTerminal(text: string): string {
  return text.replace(CONTROLS, " ");
}

/** A file name safe to show and to offer for download: no path, no controls, bounded. */
export function parseFileName(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const name = forTerminal(value.split(/[\\/]/).pop() ?? "").trim();
  if (name.length === 0 || name === "." || name === "..") return undefined;
  return name.slice(0, DEMO_LIMITS.maxFileNameLength);
}

/**
 * The types a shared file keeps: ones browsers show inertly. Any other (text/html,
 * image/svg+xml, …) would let a sender's file run script in the chat's origin when
 * opened from its blob: link, so it travels as application/octet-stream.
 */
const SAFE_MIME_TYPES = /^(image\/(png|jpeg|gif|webp)|text\/plain|text\/csv|application\/(pdf|zip|json))$/;

/** A MIME type as the browser gave it, or the generic one. */
export function parseMimeType(value: unknown): string {
  const type = typeof value === "string" ? value.toLowerCase() : "";
  return SAFE_MIME_TYPES.test(type) ? type : "application/octet-stream";
}

/** A short client-chosen id (for message deduplication): `undefined` unless 1–64 safe characters. */
export function parseClientId(value: unknown): string | undefined {
  return typeof value === "string" && /^[\w-]{1,64}$/.test(value) ? value : undefined;
}

/** The plain object an event carried, or an empty one. */
export function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** The acknowledgement callback, when the client asked for one (the last argument is a function). */
export function ackOf(args: readonly unknown[]): ((answer: unknown) => void) | undefined {
  const last = args.at(-1);
  return typeof last === "function" ? (last as (answer: unknown) => void) : undefined;
}

/** Bytes as `1.2 MB`, for notices. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
