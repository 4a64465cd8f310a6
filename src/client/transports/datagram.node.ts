// The client side of UDP (Node only), in the datagrams of protocol/datagram.ts
// (docs/protocol.md › "Datagrams"). The client asks for a session with a padded
// open request, sent again until the `open` answer comes; then every datagram
// names the session. A Socket.IO packet and its attachments share one datagram.
import { createSocket, type Socket as DgramSocket } from "node:dgram";
import { lookup } from "node:dns";
import {
  decodeDatagramFrames,
  encodeDatagram,
  encodeOpenRequest,
  DEFAULT_MAX_DATAGRAM_BYTES,
  MAX_DATAGRAM_SID_BYTES,
  MAX_UDP_PAYLOAD,
  MIN_OPEN_REQUEST_BYTES,
} from "../../protocol/datagram.js";
import {
  decodeEnginePacket,
  encodeEnginePacket,
  EnginePacketType,
  type EnginePacket,
} from "../../protocol/engine-packet.js";
import { encodeStreamFrame, STREAM_FRAME_HEADER_BYTES } from "../../protocol/stream-frame.js";
import type { ClientTransport, ClientTransportOwner, ClientTransportSettings } from "./transport.js";

/** Delays between open requests while no answer comes; the last one repeats. */
const OPEN_RESEND_MS = [250, 500, 1000];

/** The frames of one engine packet. */
function frameOf(packet: EnginePacket): Uint8Array {
  return encodeStreamFrame(encodeEnginePacket(packet));
}

/** Bytes a payload takes in a frame, as text (UTF-8) or bytes. */
function framedLength(payload: string | Uint8Array, prefix: number): number {
  const bytes = typeof payload === "string" ? Buffer.byteLength(payload) : payload.length;
  return STREAM_FRAME_HEADER_BYTES + prefix + bytes;
}

export class UdpClientTransport implements ClientTransport {
  readonly name = "udp";
  readonly reliable = false;
  owner: ClientTransportOwner | undefined;
  readonly #settings: ClientTransportSettings;
  #socket: DgramSocket | undefined;
  #sid: string | undefined;
  /** Assumed to be the server's default until its `open` says its own. */
  #maxDatagramBytes = DEFAULT_MAX_DATAGRAM_BYTES;
  #openTimer: ReturnType<typeof setTimeout> | undefined;
  #openTries = 0;
  /** Frames queued this turn, grouped by datagram: a packet and its attachments go together. */
  #groups: Uint8Array[][] = [];
  #isFlushScheduled = false;
  #isClosed = false;

  constructor(settings: ClientTransportSettings) {
    this.#settings = settings;
  }

  get writable(): boolean {
    return this.#sid !== undefined && !this.#isClosed;
  }

  fits(payloads: readonly (string | Uint8Array)[]): boolean {
    let length = 1 + (this.#sid?.length ?? MAX_DATAGRAM_SID_BYTES);
    for (const payload of payloads) length += framedLength(payload, typeof payload === "string" ? 1 : 0);
    return length <= this.#maxDatagramBytes;
  }

  open(): void {
    const url = new URL(this.#settings.url("udp"));
    const host = url.hostname.replace(/^\[|\]$/g, "");
    const port = Number(url.port);
    lookup(host, (error, address, family) => {
      if (this.#isClosed) return;
      if (error !== null) return this.#end("transport error", error);
      const socket = createSocket(family === 6 ? "udp6" : "udp4");
      this.#socket = socket;
      socket.on("message", (datagram: Buffer) => this.#receive(datagram));
      // A connected UDP socket hears of an unreachable port (ICMP) as an error: the server is not there.
      socket.on("error", (cause: Error) => this.#end("transport error", cause));
      try {
        socket.connect(port, address, () => {
          if (this.#isClosed) return;
          this.owner?.onTransportOpen();
          this.#requestOpen();
        });
      } catch (cause) {
        this.#end("transport error", cause as Error); // a bad port (ERR_SOCKET_BAD_PORT)
      }
    });
  }

  send(packets: readonly EnginePacket[]): void {
    for (const packet of packets) {
      const frame = frameOf(packet);
      // A binary message is an attachment of the packet before it, in the same datagram.
      const current = this.#groups[this.#groups.length - 1];
      if (packet.data instanceof Uint8Array && current !== undefined) current.push(frame);
      else this.#groups.push([frame]);
    }
    if (!this.#isFlushScheduled) {
      this.#isFlushScheduled = true;
      queueMicrotask(() => {
        this.#flush();
        this.owner?.onTransportDrain();
      });
    }
  }

  pause(onPaused: () => void): void {
    onPaused();
  }

  close(): void {
    this.#flush(); // the close packet, say, leaves before the socket closes
    this.owner = undefined;
    this.#shutDown();
  }

  #flush(): void {
    this.#isFlushScheduled = false;
    const groups = this.#groups;
    this.#groups = [];
    const socket = this.#socket;
    if (socket === undefined || this.#sid === undefined || this.#isClosed) return;
    for (const frames of groups) {
      const datagram = encodeDatagram(frames, this.#sid);
      // Emits were checked against the limit (fits()); what else is too large is dropped, as UDP would.
      if (datagram.length <= this.#maxDatagramBytes) socket.send(datagram);
    }
  }

  #requestOpen(): void {
    if (this.#isClosed || this.#sid !== undefined) return;
    this.#socket?.send(encodeOpenRequest());
    const delay = OPEN_RESEND_MS[Math.min(this.#openTries++, OPEN_RESEND_MS.length - 1)];
    this.#openTimer = setTimeout(() => this.#requestOpen(), delay);
  }

  #receive(datagram: Buffer): void {
    if (this.#isClosed) return;
    let packets: EnginePacket[];
    try {
      packets = decodeDatagramFrames(datagram).map(decodeEnginePacket);
    } catch (error) {
      return this.#end("transport error", error as Error);
    }
    for (const packet of packets) {
      if (packet.type === EnginePacketType.OPEN) {
        if (this.#sid !== undefined) continue; // the answer to a request sent again
        if (!this.#onOpen(packet.data)) return;
      } else if (this.#sid === undefined) {
        continue; // before `open`, nothing is this session's (an older session's ping, a forgery)
      }
      this.owner?.onTransportPacket(packet);
      if (this.#isClosed) return;
    }
  }

  /** Learns the sid and datagram size from `open`, and proves this address to the server. */
  #onOpen(data: EnginePacket["data"]): boolean {
    let handshake: { sid?: unknown; maxPayload?: unknown };
    try {
      handshake = JSON.parse(String(data)) as typeof handshake;
    } catch {
      handshake = {};
    }
    const { sid, maxPayload } = handshake ?? {};
    // Printable ASCII, as it goes in the header of every datagram.
    if (typeof sid !== "string" || sid.length > MAX_DATAGRAM_SID_BYTES || !/^[\x21-\x7e]+$/.test(sid)) {
      this.#end("transport error", new Error("invalid handshake"));
      return false;
    }
    clearTimeout(this.#openTimer);
    this.#sid = sid;
    if (Number.isInteger(maxPayload) && (maxPayload as number) >= MIN_OPEN_REQUEST_BYTES) {
      this.#maxDatagramBytes = Math.min(maxPayload as number, MAX_UDP_PAYLOAD);
    }
    // Anything with the sid verifies the address; a noop does when the app has nothing to say yet.
    this.#socket?.send(encodeDatagram([frameOf({ type: EnginePacketType.NOOP })], sid));
    return true;
  }

  #end(reason: "transport close" | "transport error", description?: Error): void {
    const owner = this.owner;
    this.owner = undefined;
    this.#shutDown();
    owner?.onTransportClose(reason, description);
  }

  #shutDown(): void {
    if (this.#isClosed) return;
    this.#isClosed = true;
    clearTimeout(this.#openTimer);
    this.#groups = [];
    try {
      this.#socket?.close();
    } catch {
      // Already closed.
    }
  }
}
