// Every limit of the demo in one place, each with its default (DESIGN: "every
// limit has a documented default"); docs/demo.md lists them with the reasons.

export const DEMO_LIMITS = Object.freeze({
  /** Longest chat message, in UTF-16 code units (what `String.length` counts). */
  maxMessageLength: 2000,
  /** Messages a room keeps and sends to whoever joins it. */
  historySize: 50,
  /** Longest nickname, in characters; letters, digits, `_`, `.` and `-`. */
  maxNickLength: 24,
  /** Longest room name; lower-case letters, digits, `_` and `-`. */
  maxRoomLength: 24,
  /** Most rooms at once; an empty room other than the default one is removed. */
  maxRooms: 100,
  /** Largest file shared, in bytes (10 MiB). */
  maxFileBytes: 10 * 1024 * 1024,
  /** Largest chunk of a file, in bytes (64 KiB): the page sends chunks of exactly this size. */
  fileChunkBytes: 64 * 1024,
  /** Longest file name, in characters. */
  maxFileNameLength: 200,
  /** Milliseconds without a chunk before an upload is abandoned. */
  fileIdleTimeoutMs: 30_000,
  /**
   * Bytes of file chunks a sender (a socket) may send at once: one whole file of the largest
   * size. With `fileBytesPerSecond`, a token bucket of bytes: a chunk past it is refused with
   * `retryMs` (and not relayed), so that a sender cannot fill its receivers' memory faster than
   * this (about 40 MiB in 15 s instead of hundreds).
   */
  fileBurstBytes: 10 * 1024 * 1024,
  /** …then this many bytes per second (2 MiB/s, 16 Mbit/s: a 10 MiB file every 5 s). */
  fileBytesPerSecond: 2 * 1024 * 1024,
  /** Rate limit, a token bucket per socket: this many actions at once… */
  rateBurst: 10,
  /** …then this many per second (chat messages, joins, renames, file offers). */
  ratePerSecond: 2,
  /** Refused actions in a row (no accepted one between) after which the socket is disconnected. */
  maxStrikes: 20,
  /** Longest line a terminal user may send, in bytes; a longer one closes the connection. */
  maxLineBytes: 8 * 1024,
  /** Sockets listed on the dashboard (the counts include all of them). */
  maxListedSockets: 200,
  /** Seconds of message rates the dashboard's chart shows. */
  rateHistorySeconds: 60,
  /** Milliseconds between telling clients the server shuts down and disconnecting them. */
  shutdownNoticeMs: 500,
  /** Most milliseconds close() waits for uploads in progress to finish. */
  shutdownDrainMs: 5000,
});

/** The room everyone starts in, never removed. */
export const DEFAULT_ROOM = "general";
