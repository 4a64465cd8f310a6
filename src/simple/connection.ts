// A message-oriented connection for classic socket programs: write a message, read
// the next one (or wait for it with a timeout), iterate, close. Both ends of
// `enchufe/simple` use it: the client's socket and each socket a server accepts.
import { ErrorCode, TimeoutError } from "../errors.js";

/** What a simple connection needs of the socket under it (client or server side). */
export interface MessageSocket {
  send(...args: unknown[]): unknown;
  on(event: "message", listener: (data: unknown) => void): unknown;
  on(event: "disconnect", listener: (reason: string) => void): unknown;
  disconnect(close?: boolean): unknown;
}

/** A message: text, or bytes. */
export type Message = string | Uint8Array;

/** Largest number of unread messages kept for `read()`; past it the oldest is dropped. */
export const MAX_UNREAD_MESSAGES = 10_000;

interface Waiter {
  resolve: (message: Message | undefined) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/** A connection over `Socket` (the client's socket, or a server's): `socket` has the rest of its API. */
export class Connection<Socket extends MessageSocket = MessageSocket> implements AsyncIterable<Message> {
  /** Why the connection closed, once it has: `"closed"` after `close()`, else a Socket.IO disconnect reason. */
  closeReason: string | undefined;
  readonly #socket: Socket;
  readonly #unread: Message[] = [];
  readonly #waiters: Waiter[] = [];

  constructor(socket: Socket) {
    this.#socket = socket;
    socket.on("message", (data) => this.#receive(data));
    socket.on("disconnect", (reason) => this.#end(reason));
  }

  /** Whether the connection is still open. */
  get isOpen(): boolean {
    return this.closeReason === undefined;
  }

  /** The underlying socket, for events beyond messages (`on`, `emit`, rooms on a server). */
  get socket(): Socket {
    return this.#socket;
  }

  /** Sends one message (text or bytes). Returns false once the connection is closed. */
  write(message: Message): boolean {
    if (!this.isOpen) return false;
    this.#socket.send(message);
    return true;
  }

  /**
   * The next message; `undefined` once the connection is closed and every message
   * was read (like `recv()` returning nothing at the end of a stream).
   *
   * @throws TimeoutError (as a rejection) when `timeout` ms pass without a message.
   */
  read(options: { timeout?: number } = {}): Promise<Message | undefined> {
    const next = this.#unread.shift();
    if (next !== undefined) return Promise.resolve(next);
    if (!this.isOpen) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, timer: undefined };
      if (options.timeout !== undefined) {
        waiter.timer = setTimeout(() => {
          this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
          reject(new TimeoutError(ErrorCode.READ_TIMEOUT, `no message within ${options.timeout} ms`));
        }, options.timeout);
      }
      this.#waiters.push(waiter);
    });
  }

  /** Closes the connection; pending reads resolve `undefined`. */
  close(): void {
    if (!this.isOpen) return;
    this.#end("closed"); // before the socket's own disconnect event names another reason
    this.#socket.disconnect(true);
  }

  /** Every message until the connection closes. */
  async *[Symbol.asyncIterator](): AsyncIterator<Message> {
    for (;;) {
      const message = await this.read();
      if (message === undefined) return;
      yield message;
    }
  }

  #receive(message: unknown): void {
    // A peer's `message` event may carry anything (an object, nothing at all): only text and
    // bytes are messages. Nothing else may reach read(), where `undefined` would mean the end.
    if (typeof message !== "string" && !(message instanceof Uint8Array)) return;
    const waiter = this.#waiters.shift();
    if (waiter !== undefined) {
      clearTimeout(waiter.timer);
      return waiter.resolve(message);
    }
    this.#unread.push(message);
    if (this.#unread.length > MAX_UNREAD_MESSAGES) this.#unread.shift();
  }

  #end(reason: string): void {
    if (!this.isOpen) return;
    this.closeReason = reason;
    for (const waiter of this.#waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.resolve(undefined);
    }
  }
}
