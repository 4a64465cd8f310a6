// Peers for the demo's tests: the demo on free ports, chat users on the enchufe
// client (browsers, as far as the server can tell) and terminal users on plain
// TCP sockets (test/e2e/ uses these too). closeDemos() in afterEach closes
// everything opened here.
import { connect as connectTcp, type Socket as NetSocket } from "node:net";
import { io, type ClientOptions, type Socket } from "../../src/client/node.js";
import { startDemo, type DemoOptions, type DemoServer } from "../../src/demo/index.js";
import { once, until } from "../helpers/peers.js";

export { delay, once, until } from "../helpers/peers.js";

const demos: DemoServer[] = [];
const sockets: Socket[] = [];
const terminals: NetSocket[] = [];

/** The demo on free loopback ports, with a quiet log. */
export async function startTestDemo(options: DemoOptions = {}): Promise<DemoServer> {
  const demo = await startDemo({ port: 0, linePort: 0, host: "127.0.0.1", ...options });
  demos.push(demo);
  return demo;
}

/** Closes every client, terminal and demo the test opened. */
export async function closeDemos(): Promise<void> {
  for (const socket of sockets.splice(0)) socket.io.close();
  closeTerminals();
  await Promise.all(demos.splice(0).map((demo) => demo.close()));
}

/** Closes every terminal opened since the last call (closeDemos() does it too). */
export function closeTerminals(): void {
  for (const terminal of terminals.splice(0)) terminal.destroy();
}

export interface Welcome {
  nick: string;
  room: string;
  history: { id: number; cid?: string; nick: string; text: string; room: string; via: string }[];
  members: { nick: string; via: string }[];
  rooms: { name: string; count: number }[];
  limits: { maxMessageLength: number; maxFileBytes: number; fileChunkBytes: number };
  terminal: { port: number; tls: boolean } | null;
}

/** A chat user: its socket, the events it received (by name), and its first welcome. */
export interface ChatUser {
  socket: Socket;
  welcome: Welcome;
  received: Map<string, unknown[][]>;
  /** The first arguments of every `event` received so far. */
  events<T = Record<string, unknown>>(event: string): T[];
}

/** Connects a chat user over WebSocket (or `options.transports`) and waits for its welcome. */
export async function chatUser(
  demo: DemoServer,
  auth: { nick?: unknown; room?: unknown; key?: unknown } = {},
  options: ClientOptions = {},
): Promise<ChatUser> {
  const socket = io(demo.url, { forceNew: true, reconnection: false, transports: ["websocket"], auth, ...options });
  sockets.push(socket);
  const received = new Map<string, unknown[][]>();
  socket.onAny((event: string, ...args: unknown[]) => {
    const list = received.get(event) ?? [];
    list.push(args);
    received.set(event, list);
  });
  const [welcome] = await once<[Welcome]>(socket, "welcome", 3000);
  return {
    socket,
    welcome,
    received,
    events: <T>(event: string) => (received.get(event) ?? []).map((args) => args[0] as T),
  };
}

/** A terminal user (`nc`): the lines it read, and a way to type. */
export interface Terminal {
  socket: NetSocket;
  lines: string[];
  type(line: string): void;
  /** Resolves with the first line (from index `from`) matching `pattern`. */
  waitFor(pattern: RegExp | string, timeoutMs?: number): Promise<string>;
  closed: Promise<void>;
}

export async function terminal(demo: DemoServer): Promise<Terminal> {
  const port = Number(demo.lineUrl?.split(":").pop());
  const socket = connectTcp(port, "127.0.0.1");
  terminals.push(socket);
  socket.setEncoding("utf8");
  socket.on("error", () => undefined);
  const lines: string[] = [];
  let partial = "";
  socket.on("data", (chunk: string) => {
    const parts = (partial + chunk).split("\n");
    partial = parts.pop() ?? "";
    lines.push(...parts);
  });
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  await once(socket, "connect", 2000);
  return {
    socket,
    lines,
    closed,
    type: (line) => void socket.write(`${line}\n`),
    async waitFor(pattern, timeoutMs = 3000) {
      const matches = (line: string): boolean =>
        typeof pattern === "string" ? line.includes(pattern) : pattern.test(line);
      await until(() => lines.some(matches), timeoutMs).catch(() => {
        throw new Error(`no line matching ${String(pattern)} within ${timeoutMs} ms; got:\n${lines.join("\n")}`);
      });
      return lines.find(matches)!;
    },
  };
}

/** A terminal user that answered the nickname prompt and is in #general. */
export async function namedTerminal(demo: DemoServer, nick: string): Promise<Terminal> {
  const user = await terminal(demo);
  await user.waitFor("your nickname?");
  user.type(nick);
  await user.waitFor(/^\* you are .* in #general/);
  return user;
}

/** Sends a chat message and resolves with the server's acknowledgement. */
export function say(
  user: ChatUser,
  text: unknown,
  cid?: string,
): Promise<{ ok: boolean; error?: string; id?: number; retryMs?: number }> {
  return user.socket.timeout(3000).emitWithAck("chat", text, cid) as Promise<{ ok: boolean; error?: string }>;
}

/** GETs a path of the demo: status, headers and body. */
export async function get(
  demo: DemoServer,
  path: string,
): Promise<{ status: number; type: string | null; body: string }> {
  const response = await fetch(demo.url + path, { signal: AbortSignal.timeout(3000) });
  return { status: response.status, type: response.headers.get("content-type"), body: await response.text() };
}
