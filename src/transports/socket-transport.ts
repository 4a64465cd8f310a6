// What the stream transports share (Engine.IO frames, and the message modes): a
// net or TLS socket, a write queue flushed once per turn of the event loop in one
// corked write, backpressure figures, a graceful end, and a close reported once.
import type { Buffer } from "node:buffer";
import type { Socket } from "node:net";
import { endSocket } from "./socket-end.js";
import type { StreamTransportName } from "./stream.js";
import type { TransportCloseReason, TransportOwner } from "./transport.js";
import { scheduleFlush, type Flushable } from "./write-batch.js";

export abstract class SocketTransport implements Flushable {
  readonly name: StreamTransportName;
  owner: TransportOwner | undefined;
  protected readonly socket: Socket;
  #queue: Buffer[] = [];
  #queuedBytes = 0;
  #isFlushScheduled = false;
  #isReported = false;

  constructor(socket: Socket, name: StreamTransportName) {
    this.name = name;
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.receive(chunk));
    socket.on("end", () => this.onEnd());
    socket.on("error", (error) => this.report("transport error", error));
    socket.on("close", () => this.report("transport close"));
  }

  get bufferedBytes(): number {
    return this.#queuedBytes + this.socket.writableLength;
  }

  get backlogBytes(): number {
    return this.socket.writableLength;
  }

  get writable(): boolean {
    return this.socket.writableLength === 0 && this.socket.writable;
  }

  /** Whether the owner was told of the end: nothing more is read or written then. */
  protected get isReported(): boolean {
    return this.#isReported;
  }

  /** @internal Writes the queue in one go; run by the write batch. */
  flush(): void {
    this.#isFlushScheduled = false;
    const queue = this.#queue;
    if (queue.length === 0) return;
    this.#queue = [];
    this.#queuedBytes = 0;
    const socket = this.socket;
    if (!socket.writable) return;
    socket.cork();
    for (const chunk of queue) socket.write(chunk);
    socket.uncork();
  }

  close(): void {
    this.flush();
    endSocket(this.socket);
    this.report("transport close");
  }

  destroy(): void {
    this.#queue = [];
    this.#queuedBytes = 0;
    this.socket.destroy();
    this.report("transport close");
  }

  /** Bytes from the peer. */
  protected abstract receive(chunk: Buffer): void;

  /** The peer closed its side: check that nothing was cut short, then end ours. */
  protected abstract onEnd(): void;

  /** Input that is not valid: this connection is closed as a parse error. */
  protected fail(error: Error): void {
    this.report("parse error", error);
    this.socket.destroy();
  }

  /** Tells the owner, once, that this transport is done. */
  protected report(reason: TransportCloseReason, error?: Error): void {
    if (this.#isReported) return;
    this.#isReported = true;
    this.owner?.onTransportClose(reason, error);
  }

  protected enqueue(chunk: Buffer): void {
    if (this.#isReported) return;
    this.#queue.push(chunk);
    this.#queuedBytes += chunk.length;
    if (!this.#isFlushScheduled) {
      this.#isFlushScheduled = true;
      scheduleFlush(this);
    }
  }
}
