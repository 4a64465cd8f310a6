// The chat's state, whatever the client: members with unique nicknames, rooms
// with their last messages, and the notices that go with joining, leaving and
// renaming. Browser and terminal handlers (web-users.ts, line-users.ts) turn
// their clients' input into calls here; relay.ts carries the results out.
import type { Socket } from "../index.js";
import { DEFAULT_ROOM, DEMO_LIMITS } from "./limits.js";
import { TokenBucket } from "./rate-limit.js";
import { adapterRoom, type Relay, type Via } from "./relay.js";
import { forTerminal } from "./validate.js";

export interface Member {
  readonly socket: Socket;
  readonly via: Via;
  nick: string;
  /** Undefined until the member joins a room (a terminal user answering the nickname prompt). */
  room: string | undefined;
  /** The rate of its actions (rateBurst, ratePerSecond). */
  readonly bucket: TokenBucket;
  /** Actions refused in a row (rate-check.ts). */
  strikes: number;
  /** A secret the client keeps for its tab, so that on reconnecting it gets its nickname back. */
  readonly key: string | undefined;
}

export interface ChatMessage {
  id: number;
  /** The sender's id for the message, so that a message sent twice (a retry) is stored once. */
  cid: string | undefined;
  room: string;
  nick: string;
  via: Via;
  text: string;
  /** Milliseconds since the epoch. */
  ts: number;
}

export type NoticeKind = "join" | "leave" | "nick" | "file" | "info" | "error";

export interface Notice {
  room: string | undefined;
  kind: NoticeKind;
  text: string;
  ts: number;
}

export interface MemberView {
  nick: string;
  via: Via;
}

export interface RoomView {
  name: string;
  count: number;
}

interface Room {
  readonly name: string;
  readonly members: Set<Member>;
  readonly history: ChatMessage[];
}

/** The line a terminal user reads for a message. */
export function messageLine(message: ChatMessage): string {
  return `[${message.room}] ${message.nick}: ${forTerminal(message.text)}`;
}

/** The line a terminal user reads for a notice. */
function noticeLine(notice: Notice): string {
  return `* ${forTerminal(notice.text)}`;
}

export class Chat {
  readonly #rooms = new Map<string, Room>([[DEFAULT_ROOM, { name: DEFAULT_ROOM, members: new Set(), history: [] }]]);
  readonly #nicks = new Map<string, Member>();
  readonly #bySocket = new Map<string, Member>();
  readonly #relay: Relay;
  #nextId = 1;
  #isListScheduled = false;
  readonly #whoScheduled = new Set<string>();

  constructor(relay: Relay) {
    this.#relay = relay;
  }

  /**
   * A new member with `wanted` as nickname, suffixed when taken (`ana` → `ana2`),
   * unless the one who has it holds the same `key`: that is the same client back
   * before the server noticed it had gone, and its old socket is let go.
   */
  add(socket: Socket, via: Via, wanted: string, key?: string): Member {
    const holder = this.#nicks.get(wanted.toLowerCase());
    if (holder !== undefined && key !== undefined && holder.key === key) {
      this.remove(holder);
      holder.socket.disconnect(true);
    }
    const bucket = new TokenBucket(DEMO_LIMITS.rateBurst, DEMO_LIMITS.ratePerSecond);
    const member: Member = { socket, via, nick: "", room: undefined, bucket, strikes: 0, key };
    member.nick = this.#claimNick(wanted, member);
    this.#bySocket.set(socket.id, member);
    return member;
  }

  /** Moves `member` to `name` (created if needed); an error message when it cannot. */
  join(member: Member, name: string): string | undefined {
    if (member.room === name) return undefined;
    let room = this.#rooms.get(name);
    if (room === undefined) {
      if (this.#rooms.size >= DEMO_LIMITS.maxRooms) return `too many rooms (at most ${DEMO_LIMITS.maxRooms})`;
      room = { name, members: new Set(), history: [] };
      this.#rooms.set(name, room);
    }
    this.#leaveRoom(member);
    room.members.add(member);
    member.room = name;
    void member.socket.join(adapterRoom(name, member.via === "web" ? "web" : "line"));
    this.notice(name, "join", `${member.nick} joined #${name}`, member.socket.id);
    this.#scheduleUpdates(name);
    return undefined;
  }

  /** Removes `member` for good (it disconnected). */
  remove(member: Member): void {
    this.#leaveRoom(member);
    this.#bySocket.delete(member.socket.id);
    if (this.#nicks.get(member.nick.toLowerCase()) === member) this.#nicks.delete(member.nick.toLowerCase());
  }

  /** Stores and relays a message; a retry of a stored one (same `cid`) is answered with the stored one. */
  say(member: Member, text: string, cid: string | undefined): ChatMessage | undefined {
    const room = member.room === undefined ? undefined : this.#rooms.get(member.room);
    if (room === undefined) return undefined;
    const stored = cid === undefined ? undefined : room.history.find((m) => m.cid === cid && m.nick === member.nick);
    if (stored !== undefined) return stored;
    const message: ChatMessage = {
      id: this.#nextId++,
      cid,
      room: room.name,
      nick: member.nick,
      via: member.via,
      text,
      ts: Date.now(),
    };
    room.history.push(message);
    if (room.history.length > DEMO_LIMITS.historySize) room.history.shift();
    this.#relay.toRoom(room.name, "chat", message, messageLine, member.socket.id);
    return message;
  }

  /** Renames `member` (suffixed when taken); returns the nickname it got. */
  rename(member: Member, wanted: string): string {
    const old = member.nick;
    if (old === wanted) return old;
    this.#nicks.delete(old.toLowerCase());
    member.nick = this.#claimNick(wanted, member);
    if (member.room !== undefined) {
      this.notice(member.room, "nick", `${old} is now ${member.nick}`, member.socket.id);
      this.#scheduleUpdates(member.room);
    }
    return member.nick;
  }

  /** Tells a room something, browsers and terminals alike. */
  notice(room: string, kind: NoticeKind, text: string, exceptId?: string): void {
    const notice: Notice = { room, kind, text, ts: Date.now() };
    this.#relay.toRoom(room, "notice", notice, noticeLine, exceptId);
  }

  history(room: string): readonly ChatMessage[] {
    return this.#rooms.get(room)?.history ?? [];
  }

  who(room: string): MemberView[] {
    const members = [...(this.#rooms.get(room)?.members ?? [])];
    return members.map(({ nick, via }) => ({ nick, via })).sort((a, b) => a.nick.localeCompare(b.nick));
  }

  rooms(): RoomView[] {
    return [...this.#rooms.values()].map((room) => ({ name: room.name, count: room.members.size }));
  }

  /** The member on a socket, by socket id (for the dashboard). */
  memberOf(socketId: string): Member | undefined {
    return this.#bySocket.get(socketId);
  }

  #claimNick(wanted: string, member: Member): string {
    let nick = wanted;
    // Ends: at most as many suffixes are taken as there are members.
    for (let n = 2; this.#nicks.has(nick.toLowerCase()); n++) {
      const suffix = String(n);
      nick = wanted.slice(0, DEMO_LIMITS.maxNickLength - suffix.length) + suffix;
    }
    this.#nicks.set(nick.toLowerCase(), member);
    return nick;
  }

  #leaveRoom(member: Member): void {
    const name = member.room;
    if (name === undefined) return;
    const room = this.#rooms.get(name);
    member.room = undefined;
    void member.socket.leave(adapterRoom(name, member.via === "web" ? "web" : "line"));
    if (room === undefined) return;
    room.members.delete(member);
    this.notice(name, "leave", `${member.nick} left #${name}`);
    if (room.members.size === 0 && name !== DEFAULT_ROOM) this.#rooms.delete(name);
    this.#scheduleUpdates(name);
  }

  // Joins and leaves come in bursts (a reconnecting crowd): the lists go out once per tick.
  #scheduleUpdates(room: string): void {
    this.#whoScheduled.add(room);
    if (this.#isListScheduled) return;
    this.#isListScheduled = true;
    setImmediate(() => {
      this.#isListScheduled = false;
      for (const name of this.#whoScheduled) {
        if (this.#rooms.has(name))
          this.#relay.toRoom(name, "members", { room: name, members: this.who(name) }, undefined);
      }
      this.#whoScheduled.clear();
      this.#relay.toAllBrowsers("rooms", this.rooms());
    });
  }
}
