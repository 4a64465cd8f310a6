// The Manager owns one Engine.IO connection to a server and multiplexes the
// sockets of its namespaces over it: it decodes Socket.IO packets and hands each
// to its namespace's socket, and reconnects with backoff when the connection is lost.
import { EnchufeError, ErrorCode } from "../errors.js";
import { TypedEmitter } from "../events/typed-emitter.js";
import type { DefaultEventsMap, EventsMap } from "../events/typed-events.js";
import { encodeSocketPacket, SocketPacketDecoder, type SocketPacket } from "../protocol/socket-packet.js";
import { Backoff } from "./backoff.js";
import { toPlatformBinary } from "./binary-type.js";
import { EngineSocket, type EngineCloseReason } from "./engine/engine-socket.js";
import { defined, MANAGER_DEFAULTS, type ManagerOptions, type SocketOptions } from "./options.js";
import { Socket } from "./socket.js";
import { CookieJar } from "./transports/cookie-jar.js";
import type { TlsSettings } from "./transports/transport.js";

export interface ManagerEvents {
  /** The connection opened. */
  open: () => void;
  /** The connection could not open (or a reconnection attempt failed). */
  error: (error: Error) => void;
  /** The server pinged. */
  ping: () => void;
  /** The connection closed. */
  close: (reason: EngineCloseReason, description?: Error) => void;
  reconnect_attempt: (attempt: number) => void;
  reconnect: (attempt: number) => void;
  reconnect_error: (error: Error) => void;
  reconnect_failed: () => void;
}

type ResolvedManagerOptions = typeof MANAGER_DEFAULTS & ManagerOptions;

export class Manager<
  ListenEvents extends EventsMap = DefaultEventsMap,
  EmitEvents extends EventsMap = ListenEvents,
> extends TypedEmitter<Record<never, never>, ManagerEvents> {
  /** The Engine.IO connection, while there is one. */
  engine: EngineSocket | undefined;
  readyState: "closed" | "opening" | "open" = "closed";
  readonly opts: ResolvedManagerOptions;
  /** The server's URL (scheme, host, port), without namespace. */
  readonly uri: string;
  /** The sockets of this manager, by namespace. */
  readonly nsps = new Map<string, Socket<ListenEvents, EmitEvents>>();
  readonly #backoff: Backoff;
  readonly #cookies: CookieJar | undefined;
  #decoder = new SocketPacketDecoder({ toBinary: toPlatformBinary });
  #isReconnecting = false;
  #skipReconnect = false;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  #cleanups: (() => void)[] = [];

  constructor(uri: string, options: ManagerOptions = {}) {
    super();
    this.uri = uri;
    this.opts = { ...MANAGER_DEFAULTS, ...defined(options) };
    const { reconnectionDelay, reconnectionDelayMax, randomizationFactor, withCredentials } = this.opts;
    this.#backoff = new Backoff(reconnectionDelay, reconnectionDelayMax, randomizationFactor);
    // Browsers keep cookies themselves (and hide Set-Cookie); Node needs a jar.
    this.#cookies = withCredentials && typeof document === "undefined" ? new CookieJar() : undefined;
    if (this.opts.autoConnect) this.open();
  }

  /** Whether a reconnection is pending or running. */
  get reconnecting(): boolean {
    return this.#isReconnecting;
  }

  /** Opens the connection; `callback` hears its outcome (an error, or nothing). */
  open(callback?: (error?: Error) => void): this {
    if (this.readyState !== "closed") return this;
    const { path, addTrailingSlash, transports, upgrade, query, extraHeaders, withCredentials, timeout } = this.opts;
    const { ca, cert, key, passphrase, servername, rejectUnauthorized } = this.opts;
    // A tcp://, tls://, ipc:// or udp:// URL names its transport; there is no HTTP path.
    const stream = /^(tcp|tls|ipc|udp):/.exec(this.uri)?.[1] as "tcp" | "tls" | "ipc" | "udp" | undefined;
    const engine = new EngineSocket({
      url: stream === undefined ? this.uri + path.replace(/\/$/, "") + (addTrailingSlash ? "/" : "") : this.uri,
      query,
      transports: stream === undefined ? transports : [stream],
      tls: defined({ ca, cert, key, passphrase, servername, rejectUnauthorized }) as TlsSettings,
      upgrade,
      extraHeaders,
      withCredentials,
      cookies: this.#cookies,
    });
    this.engine = engine;
    this.readyState = "opening";
    this.#skipReconnect = false;
    const timer = setTimeout(() => {
      fail(new Error("timeout")); // stops listening first, so the close below is not a second failure
      engine.close();
    }, timeout);
    this.#cleanups.push(() => clearTimeout(timer)); // a close() while opening ends the wait too
    const fail = (error: Error): void => {
      clearTimeout(timer);
      this.#cleanup();
      this.readyState = "closed";
      this.emitReserved("error", error);
      if (callback !== undefined) callback(error);
      else this.#maybeReconnect();
    };
    this.#listen(engine, "open", () => {
      clearTimeout(timer);
      this.#onOpen(engine);
      callback?.();
    });
    this.#listen(engine, "close", (reason: EngineCloseReason, description?: Error) => {
      if (this.readyState === "opening") fail(description ?? new Error(reason));
      else this.#onClose(reason, description);
    });
    return this;
  }

  /** Same as {@link open}. */
  connect(callback?: (error?: Error) => void): this {
    return this.open(callback);
  }

  /** The socket of namespace `nsp` on this connection (created on first use). */
  socket(nsp: string, options: SocketOptions = {}): Socket<ListenEvents, EmitEvents> {
    let socket = this.nsps.get(nsp);
    if (socket === undefined) {
      socket = new Socket<ListenEvents, EmitEvents>(this, nsp, options);
      this.nsps.set(nsp, socket);
    } else if (this.opts.autoConnect && !socket.active) {
      socket.connect();
    }
    return socket;
  }

  /**
   * @internal Sends a Socket.IO packet: its text, then its binary attachments.
   * @throws EnchufeError `ENCHUFE_ERR_MESSAGE_TOO_LARGE` when it does not fit in one UDP datagram.
   */
  packet(packet: SocketPacket): void {
    const engine = this.engine;
    if (engine === undefined) return;
    const payloads = encodeSocketPacket(packet);
    if (engine.transport.fits?.(payloads) === false) {
      throw new EnchufeError(
        ErrorCode.MESSAGE_TOO_LARGE,
        `the packet does not fit in one ${engine.transport.name} datagram`,
      );
    }
    for (const payload of payloads) engine.send(payload);
  }

  /** @internal A socket left: the connection closes when no socket is active any more. */
  destroySocket(): void {
    for (const socket of this.nsps.values()) if (socket.active) return;
    this.close();
  }

  /** Closes the connection, without reconnecting. */
  close(): void {
    this.#skipReconnect = true;
    this.#isReconnecting = false;
    this.#backoff.reset(); // a later open() starts its attempts over
    clearTimeout(this.#reconnectTimer);
    const engine = this.engine;
    if (this.readyState === "opening") this.#cleanup();
    this.#onClose("forced close");
    engine?.close();
  }

  /** Same as {@link close}. */
  disconnect(): void {
    this.close();
  }

  #onOpen(engine: EngineSocket): void {
    this.#cleanup();
    this.readyState = "open";
    this.#decoder = new SocketPacketDecoder({ toBinary: toPlatformBinary });
    this.#listen(engine, "message", (data: string | Uint8Array) => this.#onData(data));
    this.#listen(engine, "ping", () => this.emitReserved("ping"));
    this.#listen(engine, "close", (reason: EngineCloseReason, description?: Error) =>
      this.#onClose(reason, description),
    );
    this.emitReserved("open");
  }

  #onData(data: string | Uint8Array): void {
    let packet: SocketPacket | undefined;
    try {
      packet = this.#decoder.decode(data);
    } catch (error) {
      // A server that sends garbage is not to be trusted with this session.
      this.#onClose("parse error", error as Error);
      return;
    }
    if (packet !== undefined) this.nsps.get(packet.namespace)?.onPacket(packet);
  }

  #onClose(reason: EngineCloseReason, description?: Error): void {
    if (this.readyState === "closed" && this.engine === undefined) return;
    const engine = this.engine;
    this.#cleanup();
    this.engine = undefined;
    this.readyState = "closed";
    this.#decoder.reset();
    if (reason === "parse error") engine?.close();
    this.emitReserved("close", reason, description);
    if (this.opts.reconnection && !this.#skipReconnect) this.#reconnect();
  }

  #maybeReconnect(): void {
    if (!this.#isReconnecting && this.opts.reconnection) this.#reconnect();
  }

  #reconnect(): void {
    if (this.#isReconnecting || this.#skipReconnect) return;
    if (this.#backoff.attempts >= this.opts.reconnectionAttempts) {
      this.#backoff.reset();
      this.emitReserved("reconnect_failed");
      return;
    }
    this.#isReconnecting = true;
    this.#reconnectTimer = setTimeout(() => {
      if (this.#skipReconnect) return;
      this.emitReserved("reconnect_attempt", this.#backoff.attempts);
      if (this.#skipReconnect) return; // a listener closed the manager
      this.open((error) => {
        this.#isReconnecting = false;
        if (error !== undefined) {
          this.emitReserved("reconnect_error", error);
          this.#reconnect();
          return;
        }
        const attempt = this.#backoff.attempts;
        this.#backoff.reset();
        this.emitReserved("reconnect", attempt);
      });
    }, this.#backoff.duration());
  }

  /** Listens on the engine until the next {@link #cleanup}. */
  #listen(engine: EngineSocket, event: string, listener: (...args: never[]) => void): void {
    engine.on(event as never, listener as never);
    this.#cleanups.push(() => engine.off(event as never, listener as never));
  }

  #cleanup(): void {
    for (const cleanup of this.#cleanups.splice(0)) cleanup();
  }
}
