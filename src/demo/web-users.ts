// Browser members (any Socket.IO client): their events, each argument checked,
// turned into chat actions. The protocol (events and their payloads) is listed
// in docs/demo.md.
import type { Socket } from "../index.js";
import type { Chat, Member } from "./chat.js";
import type { FileRelay } from "./files.js";
import { DEFAULT_ROOM, DEMO_LIMITS } from "./limits.js";
import { checkRate } from "./rate-check.js";
import { ALL_WEB, type Relay } from "./relay.js";
import {
  ackOf,
  asRecord,
  checkMessage,
  parseClientId,
  parseFileName,
  parseMimeType,
  parseNick,
  parseRoom,
} from "./validate.js";

export interface WebDeps {
  chat: Chat;
  files: FileRelay;
  relay: Relay;
  /** Where terminal users connect, for the page's hint; `undefined` when there is no line listener. */
  terminal: () => { port: number; tls: boolean } | undefined;
}

/** How often a "still typing" is relayed, at most. */
const TYPING_REFRESH_MS = 2000;

/** Typing starts and stops relayed per TYPING_REFRESH_MS, at most. */
const MAX_TYPING_RELAYS = 8;

const ROOM_RULE = `a room name is 1 to ${DEMO_LIMITS.maxRoomLength} lower-case letters, digits, _ or -`;
const NICK_RULE = `a nickname is 1 to ${DEMO_LIMITS.maxNickLength} letters, digits, _, . or -`;

type Ack = ((answer: unknown) => void) | undefined;

/** Sets up a browser socket: its nickname and room come from `auth` (so a reconnection restores them). */
export function attachWebUser(socket: Socket, deps: WebDeps): void {
  const { chat, files, relay } = deps;
  const auth = socket.handshake.auth;
  const nick = parseNick(auth.nick) ?? `guest${Math.floor(1000 + Math.random() * 9000)}`;
  const member = chat.add(socket, "web", nick, parseClientId(auth.key));
  void socket.join(ALL_WEB);
  const room = parseRoom(auth.room) ?? DEFAULT_ROOM;
  if (chat.join(member, room) !== undefined) chat.join(member, DEFAULT_ROOM);
  welcome(member, deps);

  const tell = (text: string, kind: "info" | "error" = "error"): void =>
    relay.toSocket(socket, "notice", { room: member.room, kind, text, ts: Date.now() });
  /** Answers through the ack when there is one, else with a notice. */
  const refuse = (ack: Ack, error: string): void => (ack === undefined ? tell(error) : ack({ ok: false, error }));
  /** Whether the rate allows the action; when not, the refusal went out. */
  const isAllowed = (ack: Ack): boolean => {
    const refusal = checkRate(member, tell);
    if (refusal !== undefined) ack?.(refusal);
    return refusal === undefined;
  };

  socket.on("chat", (...args: unknown[]) => {
    const ack = ackOf(args);
    const [text, cid] = args;
    const problem = checkMessage(text);
    if (problem !== undefined) return refuse(ack, problem);
    if (!isAllowed(ack)) return;
    const message = chat.say(member, text as string, parseClientId(cid));
    if (message === undefined) return refuse(ack, "join a room first");
    ack?.({ ok: true, id: message.id, ts: message.ts });
  });

  socket.on("join", (...args: unknown[]) => {
    const ack = ackOf(args);
    const name = parseRoom(args[0]);
    if (name === undefined) return refuse(ack, ROOM_RULE);
    if (!isAllowed(ack)) return;
    const left = member.room;
    const problem = chat.join(member, name);
    if (problem !== undefined) return refuse(ack, problem); // still in its room: its upload goes on
    if (name !== left) files.abortAllOf(member, `${member.nick} left the room`); // told to the room it left
    ack?.({ ok: true, room: name });
    welcome(member, deps);
  });

  socket.on("nick", (...args: unknown[]) => {
    const ack = ackOf(args);
    const wanted = parseNick(args[0]);
    if (wanted === undefined) return refuse(ack, NICK_RULE);
    if (!isAllowed(ack)) return;
    ack?.({ ok: true, nick: chat.rename(member, wanted) });
  });

  let lastStart = 0;
  let isShown = false;
  let windowStart = 0;
  let relayedInWindow = 0;
  socket.on("typing", (isTyping: unknown) => {
    if (typeof isTyping !== "boolean" || member.room === undefined) return;
    const now = Date.now();
    // A "still typing" is relayed at most every TYPING_REFRESH_MS (the pages forget it after a
    // while), a stop only after a start, and at most MAX_TYPING_RELAYS of either per period:
    // alternating the two cannot flood the room.
    if (isTyping ? isShown && now - lastStart < TYPING_REFRESH_MS : !isShown) return;
    if (now - windowStart >= TYPING_REFRESH_MS) {
      windowStart = now;
      relayedInWindow = 0;
    }
    if (relayedInWindow >= MAX_TYPING_RELAYS) return;
    relayedInWindow++;
    if (isTyping) lastStart = now;
    isShown = isTyping;
    relay.toBrowsers(member.room, "typing", [{ nick: member.nick, typing: isTyping }], socket.id);
  });

  socket.on("file:start", (...args: unknown[]) => {
    const ack = ackOf(args);
    if (ack === undefined) return; // the sender must wait for answers: no ack, no upload
    const meta = asRecord(args[0]);
    const name = parseFileName(meta.name);
    const size = meta.size;
    if (name === undefined) return refuse(ack, "a file needs a name");
    if (typeof size !== "number" || !Number.isSafeInteger(size) || size < 1) return refuse(ack, "a file needs a size");
    if (!isAllowed(ack)) return;
    const offer = files.offer(member, name, size, parseMimeType(meta.type));
    if (typeof offer === "string") return refuse(ack, offer);
    ack({ ok: true, id: offer.id, chunkBytes: DEMO_LIMITS.fileChunkBytes });
  });

  socket.on("file:chunk", (...args: unknown[]) => {
    const ack = ackOf(args);
    const [id, bytes] = args;
    if (ack === undefined || typeof id !== "string" || !(bytes instanceof Uint8Array)) return;
    ack(files.chunk(member, id, bytes));
  });

  socket.on("file:cancel", (id: unknown) => {
    if (typeof id === "string") files.cancel(member, id);
  });

  socket.on("disconnect", () => {
    files.abortAllOf(member, `${member.nick} left`);
    chat.remove(member);
  });
}

/** What a browser needs to show its room: who it is, where, the last messages, the members and the rooms. */
function welcome(member: Member, { chat, relay, terminal }: WebDeps): void {
  const room = member.room ?? DEFAULT_ROOM;
  relay.toSocket(member.socket, "welcome", {
    nick: member.nick,
    room,
    history: chat.history(room),
    members: chat.who(room),
    rooms: chat.rooms(),
    terminal: terminal() ?? null,
    limits: {
      maxMessageLength: DEMO_LIMITS.maxMessageLength,
      maxFileBytes: DEMO_LIMITS.maxFileBytes,
      fileChunkBytes: DEMO_LIMITS.fileChunkBytes,
    },
  });
}
