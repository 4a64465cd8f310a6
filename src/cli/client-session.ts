// The client side of `enchufe connect`: one connection (a Manager) to a server and
// the sockets of the namespaces opened on it, one of them current. It runs the
// prompt's commands and reports what happens as records; it knows nothing of
// terminals or JSON.
import { performance } from "node:perf_hooks";
import {
  io,
  isEnchufeError,
  type ClientOptions,
  type Manager,
  type Socket,
  type SocketOptions,
} from "../client/node.js";
import type { AckId } from "./prompt-command.js";
import type { Output } from "./output.js";

/** Disconnect reasons after which the client does not come back by itself. */
const FINAL_REASONS: ReadonlySet<string> = new Set(["io server disconnect", "io client disconnect", "forced close"]);

export interface ClientSessionSettings {
  readonly url: string;
  /** The client's options (transports, auth, TLS, reconnection, …). */
  readonly client: ClientOptions;
  /** The first namespace, instead of the URL's. */
  readonly namespace: string | undefined;
  /** Default wait for an acknowledgement, in ms. */
  readonly ackTimeoutMs: number;
}

export class ClientSession {
  readonly #output: Output;
  readonly #settings: ClientSessionSettings;
  readonly #manager: Manager;
  /** The namespaces opened here, in order; the URL's first socket is left out when --namespace replaced it. */
  readonly #sockets = new Map<string, Socket>();
  readonly #pendingAcks = new Set<Promise<void>>();
  #current: Socket;
  #nextAckId = 1;
  /** Whether a namespace was ever joined: before that, waiting for the connection goes without saying. */
  #hasConnected = false;

  constructor(settings: ClientSessionSettings, output: Output) {
    this.#settings = settings;
    this.#output = output;
    const first = io(settings.url, { ...settings.client, forceNew: true, autoConnect: false });
    this.#manager = first.io;
    this.#watchManager();
    this.#current =
      settings.namespace === undefined || settings.namespace === first.nsp
        ? this.#adopt(first)
        : this.#adopt(this.#manager.socket(settings.namespace, this.#socketOptions()));
  }

  /** The namespace commands go to. */
  get namespace(): string {
    return this.#current.nsp;
  }

  /**
   * Opens the connection and resolves once the first namespace is joined;
   * rejects with the first failure (a refused connection, a refused namespace).
   */
  start(): Promise<void> {
    const socket = this.#current;
    this.#output.report({ type: "connecting", url: this.#settings.url });
    const joined = new Promise<void>((resolve, reject) => {
      const onConnect = (): void => {
        socket.off("connect_error", onError);
        resolve();
      };
      const onError = (error: Error): void => {
        socket.off("connect", onConnect);
        reject(error);
      };
      socket.once("connect", onConnect).once("connect_error", onError);
    });
    socket.connect();
    return joined;
  }

  /** `emit <event> [args…]`. */
  emit(event: string, args: readonly unknown[]): void {
    if (!this.#send(() => this.#current.emit(event, ...args))) return;
    this.#noteIfOffline();
  }

  /** `send <text>`: the `message` event. */
  send(text: string): void {
    this.emit("message", [text]);
  }

  /** `call <event> [args…]`: emits with an acknowledgement and reports its answer and latency. */
  call(event: string, args: readonly unknown[], id?: AckId, timeoutMs = this.#settings.ackTimeoutMs): void {
    const ackId = id ?? this.#nextAckId++;
    const socket = this.#current;
    const namespace = socket.nsp;
    let settle = (): void => {};
    const pending = new Promise<void>((resolve) => (settle = resolve));
    const started = performance.now();
    const onAnswer = (error: unknown, ...answer: unknown[]): void => {
      const latencyMs = Math.round((performance.now() - started) * 100) / 100;
      if (error instanceof Error) {
        this.#output.report({
          type: "ack_error",
          id: ackId,
          namespace,
          event,
          ...(isEnchufeError(error) && { code: error.code }),
          message: error.message,
        });
      } else {
        this.#output.report({ type: "ack", id: ackId, namespace, event, latencyMs, args: answer });
      }
      settle();
    };
    if (!this.#send(() => socket.timeout(timeoutMs).emit(event, ...args, onAnswer))) return;
    this.#pendingAcks.add(pending);
    void pending.then(() => this.#pendingAcks.delete(pending));
    this.#noteIfOffline();
  }

  /** `ns /name`: opens (or goes back to) a namespace on the same connection; `ns` alone lists them. */
  use(namespace: string | undefined): void {
    if (namespace !== undefined) {
      let socket = this.#sockets.get(namespace);
      if (socket === undefined) socket = this.#adopt(this.#manager.socket(namespace, this.#socketOptions()));
      this.#current = socket;
      if (!socket.active) socket.connect();
    }
    this.#output.report({ type: "namespace", namespace: this.#current.nsp, namespaces: [...this.#sockets.keys()] });
  }

  /** `connect`: joins the current namespace again (opening the connection if it is closed). */
  connect(): void {
    if (this.#current.connected) {
      this.#output.report({ type: "info", message: `already connected to ${this.#current.nsp}` });
      return;
    }
    this.#current.connect();
  }

  /** `disconnect`: leaves the current namespace; the connection closes with its last namespace. */
  disconnect(): void {
    if (!this.#current.active) {
      this.#output.report({ type: "info", message: `not connected to ${this.#current.nsp}` });
      return;
    }
    this.#current.disconnect();
  }

  /**
   * Resolves once every acknowledgement asked for has come (or timed out) and every
   * event waiting for a connection went out, or after `maxMs`, whichever is first.
   */
  async settle(maxMs: number): Promise<void> {
    const waits: Promise<unknown>[] = [...this.#pendingAcks];
    for (const socket of this.#sockets.values()) {
      if (socket.active && !socket.connected && socket.sendBuffer.length > 0) {
        waits.push(new Promise((resolve) => socket.once("connect", () => resolve(undefined))));
      }
    }
    if (waits.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled(waits), new Promise((resolve) => (timer = setTimeout(resolve, maxMs)))]);
    clearTimeout(timer);
  }

  /** Leaves every namespace and closes the connection, without reconnecting. */
  close(): void {
    for (const socket of this.#sockets.values()) if (socket.active) socket.disconnect();
    this.#manager.close();
  }

  #socketOptions(): SocketOptions {
    const { auth } = this.#settings.client;
    return auth === undefined ? {} : { auth };
  }

  /** Runs an emit; a refused one (a reserved event name) is reported, not thrown. */
  #send(emit: () => void): boolean {
    try {
      emit();
      return true;
    } catch (error) {
      this.#output.report({ type: "error", message: (error as Error).message });
      return false;
    }
  }

  #noteIfOffline(): void {
    if (this.#hasConnected && !this.#current.connected) {
      this.#output.report({ type: "info", message: `not connected to ${this.#current.nsp}: sent once connected` });
    }
  }

  /** Reports what happens to `socket` and keeps it among this session's namespaces. */
  #adopt(socket: Socket): Socket {
    const namespace = socket.nsp;
    this.#sockets.set(namespace, socket);
    socket.on("connect", () => {
      this.#hasConnected = true;
      const transport = this.#manager.engine?.transport.name ?? "unknown";
      this.#output.report({ type: "connect", namespace, socket: socket.id ?? "", transport });
    });
    socket.on("connect_error", (error) => {
      const data = (error as { data?: unknown }).data;
      this.#output.report({
        type: "connect_error",
        namespace,
        message: error.message,
        ...(data !== undefined && { data }),
      });
    });
    socket.on("disconnect", (reason) => {
      const willReconnect = this.#manager.opts.reconnection && !FINAL_REASONS.has(reason);
      this.#output.report({ type: "disconnect", namespace, reason, willReconnect });
    });
    socket.onAny((event: string, ...args: unknown[]) => {
      // The server asked for an acknowledgement: answer it (with nothing), so that it does not wait.
      const ack = typeof args[args.length - 1] === "function" ? (args.pop() as () => void) : undefined;
      this.#output.report({ type: "event", namespace, event, args, ...(ack !== undefined && { ack: true }) });
      ack?.();
    });
    return socket;
  }

  #watchManager(): void {
    const manager = this.#manager;
    manager.on("open", () => {
      manager.engine?.on("upgrade", (transport) => this.#output.report({ type: "upgrade", transport: transport.name }));
    });
    manager.on("reconnect_attempt", (attempt) => this.#output.report({ type: "reconnect_attempt", attempt }));
    manager.on("reconnect", (attempt) => this.#output.report({ type: "reconnect", attempt }));
    manager.on("reconnect_failed", () => this.#output.report({ type: "reconnect_failed" }));
  }
}
