// Terminal members (`nc host 4000`): each line they type is a `message` event;
// the first one is their nickname, later ones are chat messages or /commands.
// What they read are plain lines: `[room] nick: text`, and `* …` for notices.
import type { Socket } from "../index.js";
import { messageLine, type Chat, type Member } from "./chat.js";
import { DEFAULT_ROOM, DEMO_LIMITS } from "./limits.js";
import { checkRate } from "./rate-check.js";
import { ALL_LINE, type Relay, type Via } from "./relay.js";
import { checkMessage, forTerminal, parseNick, parseRoom } from "./validate.js";

export interface LineDeps {
  chat: Chat;
  relay: Relay;
  /** The chat page's address, shown in the greeting. */
  publicUrl: () => string;
}

/** Invalid nicknames a terminal user may type before being disconnected. */
const MAX_BAD_NICKS = 5;

const HELP = [
  "* commands:",
  "*   /join ROOM   go to another room (created if needed)",
  "*   /nick NAME   change your nickname",
  "*   /who         who is in this room",
  "*   /rooms       the rooms and how many are in each",
  "*   /help        this list",
  "*   /quit        leave",
  "* anything else is a message to the room",
];

/** Sets up a terminal socket: greets it and asks for a nickname. */
export function attachLineUser(socket: Socket, via: Exclude<Via, "web">, { chat, relay, publicUrl }: LineDeps): void {
  let member: Member | undefined;
  let badNicks = 0;
  const say = (...lines: string[]): void => {
    for (const line of lines) relay.toSocket(socket, "message", line);
  };
  void socket.join(ALL_LINE);
  say(`* welcome to the enchufe chat (also in a browser: ${publicUrl()})`, "* your nickname?");

  const showRoom = (current: Member): void => {
    const room = current.room ?? DEFAULT_ROOM;
    say(...chat.history(room).map(messageLine));
    say(`* you are ${current.nick} in #${room}; type /help for commands`);
    say(whoLine(chat, room));
  };

  const command = (current: Member, name: string, argument: string): void => {
    switch (name) {
      case "/join": {
        const room = parseRoom(argument);
        if (room === undefined) return say(`* usage: /join ROOM (1 to ${DEMO_LIMITS.maxRoomLength} a-z, 0-9, _ or -)`);
        const problem = chat.join(current, room);
        return problem === undefined ? showRoom(current) : say(`* ${problem}`);
      }
      case "/nick": {
        const nick = parseNick(argument);
        if (nick === undefined)
          return say(`* usage: /nick NAME (1 to ${DEMO_LIMITS.maxNickLength} letters, digits, _ . -)`);
        return say(`* you are now ${chat.rename(current, nick)}`);
      }
      case "/who":
        return say(whoLine(chat, current.room ?? DEFAULT_ROOM));
      case "/rooms":
        return say(
          `* rooms: ${chat
            .rooms()
            .map((room) => `#${room.name} (${room.count})`)
            .join(", ")}`,
        );
      case "/help":
        return say(...HELP);
      case "/quit":
        say("* bye");
        socket.disconnect(true);
        return;
      default:
        return say(`* unknown command ${forTerminal(name)}; /help lists them`);
    }
  };

  socket.on("message", (line: unknown) => {
    if (typeof line !== "string") return;
    const text = line.trim();
    if (text.length === 0) return; // an Enter pressed by habit
    if (member === undefined) {
      const nick = parseNick(text);
      if (nick === undefined) {
        if (++badNicks >= MAX_BAD_NICKS) {
          say("* no valid nickname; bye");
          socket.disconnect(true);
          return;
        }
        return say(`* a nickname is 1 to ${DEMO_LIMITS.maxNickLength} letters, digits, _ . or -; your nickname?`);
      }
      member = chat.add(socket, via, nick);
      if (member.nick !== nick) say(`* ${nick} is taken: you are ${member.nick}`);
      chat.join(member, DEFAULT_ROOM);
      return showRoom(member);
    }
    const current = member;
    if (checkRate(current, (notice) => say(`* ${notice}`)) !== undefined) return;
    if (text.startsWith("/")) {
      const [name = "", ...rest] = text.split(/\s+/);
      return command(current, name.toLowerCase(), rest.join(" "));
    }
    const problem = checkMessage(line);
    if (problem !== undefined) return say(`* ${problem}`);
    chat.say(current, line, undefined);
  });

  socket.on("disconnect", () => {
    if (member !== undefined) chat.remove(member);
  });
}

function whoLine(chat: Chat, room: string): string {
  const members = chat.who(room).map(({ nick, via }) => (via === "web" ? nick : `${nick} (${via})`));
  return `* in #${room}: ${members.join(", ") || "nobody"}`;
}
