// The client's Engine.IO session (engine.io-protocol-v4.md): the handshake on the
// first transport, the heartbeat (answer pings; no ping within pingInterval +
// pingTimeout means the server is gone), a write buffer flushed whenever the
// transport can take it, the upgrade from polling to WebSocket, and the close.
import { TypedEmitter } from "../../events/typed-emitter.js";
import { EnginePacketType, type EnginePacket } from "../../protocol/engine-packet.js";
import { transportClasses } from "../transports/registry.js";
import type {
  ClientTransport,
  ClientTransportName,
  ClientTransportOwner,
  ClientTransportSettings,
} from "../transports/transport.js";

/** Why a client's Engine.IO session closed. */
export type EngineCloseReason = "transport close" | "transport error" | "ping timeout" | "parse error" | "forced close";

export interface EngineSocketOptions extends Omit<ClientTransportSettings, "url"> {
  /** The server's URL with its Engine.IO path, `http:` or `https:`, no query. */
  url: string;
  /** Extra query parameters for every request. */
  query: Readonly<Record<string, string>>;
  transports: readonly ClientTransportName[];
  /** Whether to move from polling to WebSocket when the server offers it. */
  upgrade: boolean;
}

export interface EngineSocketEvents {
  open: () => void;
  message: (data: string | Uint8Array) => void;
  ping: () => void;
  /** The WebSocket answered the probe; the switch is under way. */
  upgrading: (transport: ClientTransport) => void;
  upgrade: (transport: ClientTransport) => void;
  upgradeError: (error: Error) => void;
  close: (reason: EngineCloseReason, description?: Error) => void;
}

interface Handshake {
  sid: string;
  upgrades: string[];
  pingInterval: number;
  pingTimeout: number;
  maxPayload: number;
}

/** Longest delay a timer takes: the heartbeat's `pingInterval + pingTimeout` must fit. */
const MAX_TIMER_MS = 2 ** 31 - 1;

function isDelay(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= MAX_TIMER_MS / 2;
}

/** The server's `open` packet, checked: a server's bad values must not become timers or limits. */
function parseHandshake(data: unknown): Handshake | undefined {
  let value: Partial<Handshake>;
  try {
    value = JSON.parse(String(data)) as Partial<Handshake>;
  } catch {
    return undefined;
  }
  const isValid =
    typeof value === "object" &&
    value !== null &&
    typeof value.sid === "string" &&
    value.sid.length > 0 &&
    Array.isArray(value.upgrades) &&
    value.upgrades.every((name) => typeof name === "string") &&
    isDelay(value.pingInterval) &&
    isDelay(value.pingTimeout) &&
    (value.maxPayload === undefined || (Number.isInteger(value.maxPayload) && value.maxPayload > 0));
  return isValid ? ({ maxPayload: 1e6, ...value } as Handshake) : undefined;
}

/** The UTF-8 length of `text`: what it weighs in a request body, against the server's limit. */
function utf8Length(text: string): number {
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) length += 1;
    else if (code < 0x800) length += 2;
    else if (code >= 0xd800 && code < 0xdc00 && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      length += 4; // a surrogate pair
      i++;
    } else length += 3;
  }
  return length;
}

/** Roughly the bytes a packet adds to a polling payload (engine.io-client counts the same way). */
function payloadLength(packet: EnginePacket): number {
  const { data } = packet;
  if (data === undefined) return 2;
  return 2 + (typeof data === "string" ? utf8Length(data) : Math.ceil(data.length / 3) * 4 + 1);
}

export class EngineSocket
  extends TypedEmitter<Record<never, never>, EngineSocketEvents>
  implements ClientTransportOwner
{
  /** The session id, once the server answered the handshake. */
  id: string | undefined;
  readyState: "opening" | "open" | "closing" | "closed" = "opening";
  transport: ClientTransport;
  readonly #options: EngineSocketOptions;
  #writeBuffer: EnginePacket[] = [];
  #handshake: Handshake | undefined;
  #pingTimer: ReturnType<typeof setTimeout> | undefined;
  #probe: ClientTransport | undefined;
  #isUpgrading = false;
  /** Runs once the write buffer is empty: the end of a graceful close over polling. */
  #afterFlush: (() => void) | undefined;

  constructor(options: EngineSocketOptions) {
    super();
    this.#options = options;
    const first = options.transports.find((name) => transportClasses[name] !== undefined) ?? options.transports[0];
    this.transport = this.#createTransport(first ?? "websocket");
    this.transport.owner = this;
    this.transport.open();
  }

  /** Sends an Engine.IO message: text, or bytes. */
  send(data: string | Uint8Array): void {
    this.#sendPacket({ type: EnginePacketType.MESSAGE, data });
  }

  /** Sends what is buffered, then the close packet, and ends the session (`"forced close"`). */
  close(): void {
    if (this.readyState === "closing" || this.readyState === "closed") return;
    const wasOpen = this.readyState === "open";
    this.readyState = "closing";
    const finish = (): void => this.#onClose("forced close");
    if (!wasOpen) return finish();
    // A probe not yet answered is dropped; an upgrade under way completes, and the close packet leaves on the WebSocket.
    if (!this.#isUpgrading) this.#dropProbe();
    this.#writeBuffer.push({ type: EnginePacketType.CLOSE });
    this.#flush();
    // A connection (WebSocket, TCP, TLS, IPC, UDP) sends what it was given before it closes.
    if (this.#writeBuffer.length === 0 && this.transport.name !== "polling") return finish();
    // Polling: the close packet leaves with the last POST. The session ends once that POST and the waiting GET
    // (which the server answers as it closes) are over: aborting a request in flight would cost its connection.
    this.#afterFlush = () => {
      this.#afterFlush = undefined;
      this.transport.pause(finish);
    };
  }

  /** @internal */
  onTransportOpen(): void {
    // The session opens with the server's `open` packet, not with the transport.
  }

  /** @internal */
  onTransportPacket(packet: EnginePacket): void {
    switch (packet.type) {
      case EnginePacketType.OPEN:
        return this.#onHandshake(packet.data);
      case EnginePacketType.PING:
        if (this.#handshake === undefined) return; // before `open`: no session of ours to keep alive
        this.#resetPingTimer();
        this.#sendPacket({ type: EnginePacketType.PONG });
        this.emitReserved("ping");
        return;
      case EnginePacketType.MESSAGE:
        if (this.readyState === "open" || this.readyState === "closing")
          this.emitReserved("message", packet.data ?? "");
        return;
      case EnginePacketType.CLOSE:
        // The answer to our own close packet: the requests still in flight (its POST) end first.
        if (this.readyState === "closing") return this.transport.pause(() => this.#onClose("forced close"));
        return this.#onClose("transport close");
      case EnginePacketType.PONG:
      case EnginePacketType.UPGRADE:
      case EnginePacketType.NOOP:
        return;
    }
  }

  /** @internal */
  onTransportClose(reason: "transport close" | "transport error", description?: Error): void {
    this.#onClose(reason, description);
  }

  /** @internal */
  onTransportDrain(): void {
    this.#flush();
    if (this.#writeBuffer.length === 0 && this.#afterFlush !== undefined) this.#afterFlush();
  }

  #createTransport(name: ClientTransportName): ClientTransport {
    const { url, query, extraHeaders, withCredentials, cookies, tls } = this.#options;
    const settings: ClientTransportSettings = {
      url: (transport) => {
        const params = new URLSearchParams({ ...query, EIO: "4", transport });
        if (this.id !== undefined) params.set("sid", this.id);
        return `${url}?${params.toString()}`;
      },
      extraHeaders,
      withCredentials,
      cookies,
      tls,
    };
    const Transport = transportClasses[name];
    if (Transport === undefined) throw new TypeError(`the "${name}" transport is not in this build of the client`);
    return new Transport(settings);
  }

  #onHandshake(data: EnginePacket["data"]): void {
    const handshake = this.readyState === "opening" ? parseHandshake(data) : undefined;
    if (handshake === undefined) return this.#onClose("parse error", new Error("invalid handshake"));
    this.#handshake = handshake;
    this.id = handshake.sid;
    this.readyState = "open";
    this.#resetPingTimer();
    this.emitReserved("open");
    this.#flush();
    const { upgrade, transports } = this.#options;
    const canUpgrade =
      upgrade &&
      this.transport.name === "polling" &&
      transports.includes("websocket") &&
      "websocket" in transportClasses;
    if (canUpgrade && handshake.upgrades.includes("websocket") && this.readyState === "open") this.#startProbe();
  }

  /** engine.io-protocol-v4.md › "Upgrade": probe, pause polling, then switch. */
  #startProbe(): void {
    const probe = this.#createTransport("websocket");
    this.#probe = probe;
    const fail = (error: Error): void => {
      if (this.#probe !== probe) return;
      this.#probe = undefined;
      this.#isUpgrading = false;
      probe.close();
      this.emitReserved("upgradeError", error);
      this.#flush();
    };
    probe.owner = {
      onTransportOpen: () => probe.send([{ type: EnginePacketType.PING, data: "probe" }]),
      onTransportPacket: (packet) => {
        if (packet.type !== EnginePacketType.PONG || packet.data !== "probe" || this.#isUpgrading) {
          return fail(new Error("probe error"));
        }
        this.#isUpgrading = true;
        this.emitReserved("upgrading", probe);
        this.transport.pause(() => {
          if (this.#probe !== probe || this.readyState === "closed") return;
          this.#probe = undefined;
          probe.send([{ type: EnginePacketType.UPGRADE }]);
          this.transport.owner = undefined;
          this.transport.close();
          this.transport = probe;
          probe.owner = this;
          this.#isUpgrading = false;
          this.emitReserved("upgrade", probe);
          this.#flush();
        });
      },
      onTransportClose: (_reason, description) => fail(description ?? new Error("probe closed")),
      onTransportDrain: () => undefined,
    };
    probe.open();
  }

  #sendPacket(packet: EnginePacket): void {
    if (this.readyState !== "open") return;
    this.#writeBuffer.push(packet);
    this.#flush();
  }

  #flush(): void {
    if (this.readyState === "closed" || this.#isUpgrading || this.#writeBuffer.length === 0) return;
    if (!this.transport.writable || this.id === undefined) return;
    this.transport.send(this.#takeBatch());
  }

  /** All of the buffer for a WebSocket; for polling, as much as one POST of `maxPayload` may carry. */
  #takeBatch(): EnginePacket[] {
    const buffer = this.#writeBuffer;
    if (this.transport.name !== "polling") {
      this.#writeBuffer = [];
      return buffer;
    }
    const maxPayload = this.#handshake?.maxPayload ?? 1e6;
    let size = 0;
    let count = 0;
    while (count < buffer.length) {
      size += payloadLength(buffer[count]!);
      if (count > 0 && size > maxPayload) break;
      count++;
    }
    return buffer.splice(0, count);
  }

  #resetPingTimer(): void {
    clearTimeout(this.#pingTimer);
    const { pingInterval, pingTimeout } = this.#handshake!;
    this.#pingTimer = setTimeout(() => this.#onClose("ping timeout"), pingInterval + pingTimeout);
  }

  #dropProbe(): void {
    this.#probe?.close();
    this.#probe = undefined;
  }

  #onClose(reason: EngineCloseReason, description?: Error): void {
    if (this.readyState === "closed") return;
    // Whatever ends a session that is closing (the server's close packet, say), it was closed on purpose.
    const why = this.readyState === "closing" ? "forced close" : reason;
    this.readyState = "closed";
    clearTimeout(this.#pingTimer);
    this.#writeBuffer = [];
    this.#afterFlush = undefined;
    this.transport.close();
    this.#dropProbe();
    this.emitReserved("close", why, description);
  }
}
