// What the hand-written raw peers (stream-peer.ts over node:net / node:tls,
// udp-peer.ts over node:dgram) share above their transports: the frame of
// docs/protocol.md (u32 BE length + kind byte + payload), Socket.IO packets
// built and read by hand (binary parts as attachments), and the Socket.IO calls
// a peer makes with them (join, emit, acks, waiting for an event). Independent of
// src/protocol on purpose: it checks the server against the documented bytes.
import { Buffer } from "node:buffer";
import type { OpenPacket } from "./polling.js";

export type { OpenPacket };

/** Frame kinds (docs/protocol.md). */
export const Kind = { TEXT: 0, BINARY: 1 } as const;

/** One frame: the header (u32 BE length, kind) and the payload. */
export function frame(payload: string | Uint8Array, kind?: number): Buffer {
  const bytes = typeof payload === "string" ? Buffer.from(payload, "utf8") : Buffer.from(payload);
  const header = Buffer.alloc(5);
  header.writeUInt32BE(bytes.length, 0);
  header[4] = kind ?? (typeof payload === "string" ? Kind.TEXT : Kind.BINARY);
  return Buffer.concat([header, bytes]);
}

/** A Socket.IO packet received, its attachments put back in place of their placeholders. */
export interface ReceivedPacket {
  /** Socket.IO packet type: 0 CONNECT … 6 BINARY_ACK. */
  type: number;
  namespace: string;
  id: number | undefined;
  data: unknown;
  /** The text as it came (`42["a"]` without the Engine.IO `4`). */
  raw: string;
}

/** A CONNECT refused by the server (`44{"message":…}`). */
export class ConnectRefused extends Error {
  readonly data: unknown;
  constructor(data: unknown) {
    super(`CONNECT refused: ${JSON.stringify(data)}`);
    this.data = data;
  }
}

/**
 * The Engine.IO text and binary attachments of a Socket.IO packet (`type` + namespace
 * + id + JSON, binary parts as attachments): with attachments, EVENT (2) becomes
 * BINARY_EVENT (5) and ACK (3) BINARY_ACK (6).
 */
export function packetPayloads(
  type: number,
  namespace: string,
  id: number | undefined,
  data: unknown,
): (string | Buffer)[] {
  const attachments: Buffer[] = [];
  const json = data === undefined ? "" : JSON.stringify(deconstruct(data, attachments));
  const isBinary = attachments.length > 0;
  const head = isBinary ? `4${type === 3 ? 6 : 5}${attachments.length}-` : `4${type}`;
  const nsp = namespace === "/" ? "" : `${namespace},`;
  return [`${head}${nsp}${id ?? ""}${json}`, ...attachments];
}

/** Reads a Socket.IO packet (without the Engine.IO `4`): type, attachment count, namespace, id, JSON. */
export function parseSocketPacket(text: string): { packet: ReceivedPacket; attachments: number } {
  const match = /^(\d)(?:(\d+)-)?(\/[^,]*,)?(\d+)?(.*)$/s.exec(text);
  if (match === null) throw new Error(`not a Socket.IO packet: ${text}`);
  const [, type, attachments, namespace, id, json] = match;
  return {
    packet: {
      type: Number(type),
      namespace: namespace === undefined ? "/" : namespace.slice(0, -1),
      id: id === undefined ? undefined : Number(id),
      data: json === "" || json === undefined ? undefined : JSON.parse(json),
      raw: text,
    },
    attachments: attachments === undefined ? 0 : Number(attachments),
  };
}

/** The start of a Socket.IO packet as a transport reads it: its text, and how to read its attachments. */
export interface PacketStart {
  /** The Engine.IO message, `4` included. */
  text: string;
  /** Reads attachment `index` of the packet whose text (without the `4`) is `raw`. */
  attachment(index: number, raw: string): Buffer | Promise<Buffer>;
}

/** What a peer joins with. */
export interface JoinOptions {
  /** @default "/" */
  namespace?: string;
  /** The CONNECT packet's payload (`handshake.auth` on the server). */
  auth?: Record<string, unknown>;
}

/**
 * A Socket.IO peer written by hand: what it sends and waits for, over whatever
 * carries its frames (a subclass: how frames are sent, and read).
 */
export abstract class SocketIoPeer {
  #nextAckId = 1;

  /** The next frame: a string for text, a Buffer for binary. Rejects after `timeoutMs`. */
  abstract next(timeoutMs?: number): Promise<string | Buffer>;

  /** Sends a packet's text and attachments (packetPayloads()) as the transport does. */
  protected abstract sendPayloads(payloads: (string | Buffer)[]): void;

  /** The next frame that starts a Socket.IO packet (others skipped); `remainingMs` tells the time left. */
  protected abstract nextPacketStart(remainingMs: () => number): Promise<PacketStart>;

  /** Sends a Socket.IO packet (`type` + namespace + id + JSON), binary parts as attachments. */
  sendPacket(type: number, namespace: string, id: number | undefined, data: unknown): void {
    this.sendPayloads(packetPayloads(type, namespace, id, data));
  }

  /** Joins `namespace` (CONNECT with `auth`); resolves with the socket id, rejects with ConnectRefused. */
  async join(namespace = "/", auth?: Record<string, unknown>, timeoutMs = 2000): Promise<string> {
    this.sendPacket(0, namespace, undefined, auth);
    const answer = await this.nextPacket(
      (packet) => (packet.type === 0 || packet.type === 4) && packet.namespace === namespace,
      timeoutMs,
    );
    if (answer.type === 4) throw new ConnectRefused(answer.data);
    return (answer.data as { sid: string }).sid;
  }

  /** Joins as `options` say; resolves with the peer and its Socket.IO id (what the `joined()` factories return). */
  async joinWith<Peer extends SocketIoPeer>(this: Peer, options: JoinOptions): Promise<{ peer: Peer; id: string }> {
    return { peer: this, id: await this.join(options.namespace, options.auth) };
  }

  /** Disconnects from `namespace` (`41`). */
  leave(namespace = "/"): void {
    this.sendPacket(1, namespace, undefined, undefined);
  }

  /** Emits `event` in `namespace` with `args` (Buffers travel as attachments). */
  emitTo(namespace: string, event: string, ...args: unknown[]): void {
    this.sendPacket(2, namespace, undefined, [event, ...args]);
  }

  /** Emits `event` in "/" with `args` (Buffers travel as attachments). */
  emit(event: string, ...args: unknown[]): void {
    this.emitTo("/", event, ...args);
  }

  /** Emits with an ack id and resolves with the ack's arguments. */
  async emitWithAck(event: string, ...args: unknown[]): Promise<unknown[]> {
    const id = this.#nextAckId++;
    this.sendPacket(2, "/", id, [event, ...args]);
    const answer = await this.nextPacket((packet) => (packet.type === 3 || packet.type === 6) && packet.id === id);
    return answer.data as unknown[];
  }

  /** Answers the server's ack `id` with `args`. */
  ack(id: number, ...args: unknown[]): void {
    this.sendPacket(3, "/", id, args);
  }

  /** The next event (`42`/`45`) named `event` (others skipped): its arguments and ack id. */
  async nextEvent(event: string, timeoutMs = 2000): Promise<{ args: unknown[]; id: number | undefined }> {
    const packet = await this.nextPacket(
      (candidate) =>
        (candidate.type === 2 || candidate.type === 5) && Array.isArray(candidate.data) && candidate.data[0] === event,
      timeoutMs,
    );
    return { args: (packet.data as unknown[]).slice(1), id: packet.id };
  }

  /** The next text frame for which `test` holds; other frames are skipped. */
  async nextText(test: (text: string) => boolean = () => true, timeoutMs = 2000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const next = await this.next(Math.max(1, deadline - Date.now()));
      if (typeof next === "string" && test(next)) return next;
    }
  }

  /**
   * The next Socket.IO packet for which `test` holds, its attachments in place; other
   * packets and Engine.IO packets are skipped.
   */
  async nextPacket(test: (packet: ReceivedPacket) => boolean = () => true, timeoutMs = 2000): Promise<ReceivedPacket> {
    const deadline = Date.now() + timeoutMs;
    const remainingMs = (): number => Math.max(1, deadline - Date.now());
    for (;;) {
      const start = await this.nextPacketStart(remainingMs);
      const { packet, attachments } = parseSocketPacket(start.text.slice(1));
      const buffers: Buffer[] = [];
      while (buffers.length < attachments) buffers.push(await start.attachment(buffers.length, packet.raw));
      packet.data = reconstruct(packet.data, buffers);
      if (test(packet)) return packet;
    }
  }
}

/** Replaces each Uint8Array in `value` by a placeholder, collecting the bytes in `out`. */
function deconstruct(value: unknown, out: Buffer[]): unknown {
  if (value instanceof Uint8Array) {
    out.push(Buffer.from(value));
    return { _placeholder: true, num: out.length - 1 };
  }
  if (Array.isArray(value)) return value.map((item) => deconstruct(item, out));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, deconstruct(item, out)]));
  }
  return value;
}

/** Puts `buffers` back in place of their placeholders. */
function reconstruct(value: unknown, buffers: Buffer[]): unknown {
  if (Array.isArray(value)) return value.map((item) => reconstruct(item, buffers));
  if (typeof value === "object" && value !== null) {
    const record = value as Record<string, unknown>;
    if (record._placeholder === true && typeof record.num === "number") return buffers[record.num];
    return Object.fromEntries(Object.entries(record).map(([key, item]) => [key, reconstruct(item, buffers)]));
  }
  return value;
}
