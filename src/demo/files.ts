// File sharing: the sender offers a file, then sends it in chunks, each after the
// previous one's acknowledgement (the backpressure); the server relays every
// chunk to the browsers in the sender's room as it comes and keeps nothing, so a
// file is there for whoever is in the room while it travels (docs/demo.md).
// Each sender has a budget of bytes (a token bucket): a chunk past it is refused
// with the time to wait, so that nobody fills the receivers' memory too fast.
import { randomUUID } from "node:crypto";
import type { Member } from "./chat.js";
import { DEMO_LIMITS } from "./limits.js";
import { TokenBucket } from "./rate-limit.js";
import type { Relay } from "./relay.js";
import { formatBytes, forTerminal } from "./validate.js";

export interface FileOffer {
  id: string;
  name: string;
  size: number;
  type: string;
  nick: string;
  room: string;
  ts: number;
}

interface Upload {
  readonly offer: FileOffer;
  readonly member: Member;
  received: number;
  timer: NodeJS.Timeout;
}

/**
 * The answer to a chunk: how much arrived, or why it was refused. With `retryMs`, the sender
 * went over its byte budget: the chunk was not relayed and the upload goes on; the same chunk
 * may be sent again after `retryMs` milliseconds.
 */
export type ChunkAnswer =
  { ok: true; received: number; done: boolean } | { ok: false; error: string; retryMs?: number };

/** The refusal of a chunk over the sender's byte budget (without its `retryMs`). */
const SLOW_DOWN = `slow down: at most ${formatBytes(DEMO_LIMITS.fileBytesPerSecond)} of files a second`;

export class FileRelay {
  readonly #uploads = new Map<string, Upload>();
  /**
   * Byte budgets by sender (fileBurstBytes, then fileBytesPerSecond; a token a byte); it
   * outlives the sender's uploads (files back to back share it).
   */
  readonly #budgets = new WeakMap<Member, TokenBucket>();
  readonly #relay: Relay;
  readonly #publicUrl: () => string;
  #onIdle: (() => void) | undefined;

  constructor(relay: Relay, publicUrl: () => string) {
    this.#relay = relay;
    this.#publicUrl = publicUrl;
  }

  /** Announces a file to the room; an error message when it cannot be sent. */
  offer(member: Member, name: string, size: number, type: string): FileOffer | string {
    if (member.room === undefined) return "join a room first";
    if (size > DEMO_LIMITS.maxFileBytes) {
      return `file too large (${formatBytes(size)}; at most ${formatBytes(DEMO_LIMITS.maxFileBytes)})`;
    }
    for (const upload of this.#uploads.values()) {
      if (upload.member === member) return "one file at a time: wait for the previous one to finish";
    }
    const offer: FileOffer = {
      id: randomUUID(),
      name,
      size,
      type,
      nick: member.nick,
      room: member.room,
      ts: Date.now(),
    };
    this.#uploads.set(offer.id, { offer, member, received: 0, timer: this.#idleTimer(offer.id) });
    this.#relay.toBrowsers(offer.room, "file:offer", [offer], member.socket.id);
    // Browsers have the file card; terminals cannot take the file, so they are told where to get it.
    const text = `${member.nick} shares ${name} (${formatBytes(size)}); open ${this.#publicUrl()} in a browser to download it`;
    this.#relay.toTerminals(offer.room, `* ${forTerminal(text)}`, member.socket.id);
    return offer;
  }

  /** Relays the next chunk of an upload. */
  chunk(member: Member, id: string, bytes: Uint8Array): ChunkAnswer {
    const upload = this.#uploads.get(id);
    if (upload === undefined || upload.member !== member) return { ok: false, error: "no such upload" };
    if (bytes.byteLength === 0 || bytes.byteLength > DEMO_LIMITS.fileChunkBytes) {
      this.abort(id, "chunk of a wrong size");
      return { ok: false, error: `a chunk must hold 1 to ${DEMO_LIMITS.fileChunkBytes} bytes` };
    }
    if (upload.received + bytes.byteLength > upload.offer.size) {
      this.abort(id, "more bytes than announced");
      return { ok: false, error: "more bytes than announced" };
    }
    // Over budget: nothing relayed, nothing kept, and the upload as it was (its idle timer
    // included: a refusal is no progress, and an honest sender waits less than a second).
    const retryMs = this.#budgetOf(member).take(bytes.byteLength);
    if (retryMs > 0) return { ok: false, error: SLOW_DOWN, retryMs };
    const offset = upload.received;
    upload.received += bytes.byteLength;
    upload.timer.refresh();
    this.#relay.toBrowsers(upload.offer.room, "file:chunk", [id, offset, bytes], member.socket.id);
    const done = upload.received === upload.offer.size;
    if (done) {
      this.#relay.toBrowsers(upload.offer.room, "file:done", [{ id }], member.socket.id);
      this.#finish(id);
    }
    return { ok: true, received: upload.received, done };
  }

  /** Stops an upload; the receivers drop what they had. */
  abort(id: string, reason: string): void {
    const upload = this.#uploads.get(id);
    if (upload === undefined) return;
    this.#relay.toBrowsers(upload.offer.room, "file:abort", [{ id, reason }], upload.member.socket.id);
    this.#finish(id);
  }

  /** Stops an upload at its sender's request. */
  cancel(member: Member, id: string): void {
    if (this.#uploads.get(id)?.member === member) this.abort(id, `${member.nick} cancelled it`);
  }

  /** Stops every upload of `member` (it left its room or disconnected). */
  abortAllOf(member: Member, reason: string): void {
    for (const [id, upload] of [...this.#uploads]) if (upload.member === member) this.abort(id, reason);
  }

  /** Resolves once no upload is in progress, or after `timeoutMs`. */
  whenIdle(timeoutMs: number): Promise<void> {
    if (this.#uploads.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.#onIdle = done;
    });
  }

  #budgetOf(member: Member): TokenBucket {
    let budget = this.#budgets.get(member);
    if (budget === undefined) {
      budget = new TokenBucket(DEMO_LIMITS.fileBurstBytes, DEMO_LIMITS.fileBytesPerSecond);
      this.#budgets.set(member, budget);
    }
    return budget;
  }

  #idleTimer(id: string): NodeJS.Timeout {
    return setTimeout(() => this.abort(id, "the sender stopped sending"), DEMO_LIMITS.fileIdleTimeoutMs).unref();
  }

  #finish(id: string): void {
    const upload = this.#uploads.get(id);
    if (upload !== undefined) clearTimeout(upload.timer);
    this.#uploads.delete(id);
    if (this.#uploads.size === 0) this.#onIdle?.();
  }
}
