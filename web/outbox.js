// Messages on their way: each waits here, in order, until the server acknowledges
// it. While offline they stay queued; on reconnection they go out one at a time.
// A message the server already stored (its acknowledgement was lost) is stored
// once: the server recognises its id (cid) and answers with the stored copy.

const ACK_TIMEOUT_MS = 10_000;

/** A random id; crypto.randomUUID needs a secure context, which a page on http://192.168.… is not. */
function randomId() {
  return Array.from(crypto.getRandomValues(new Uint8Array(12)), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

export class Outbox {
  #socket;
  #onChange;
  #queue = [];
  #isSending = false;
  #isReady = false;
  #retryTimer = undefined;

  /** `onChange(entry)` runs when an entry's state changes: pending, delivered or failed (with `error`). */
  constructor(socket, onChange) {
    this.#socket = socket;
    this.#onChange = onChange;
  }

  /** Queues a message for `room`; returns its entry `{ cid, text, room, state }`. */
  add(text, room) {
    const entry = { cid: randomId(), text, room, state: "pending", error: undefined, ts: Date.now() };
    this.#queue.push(entry);
    this.#pump();
    return entry;
  }

  /** The messages not yet delivered. */
  get pending() {
    return [...this.#queue];
  }

  /** Whether the server may take messages now (after its welcome), or not (disconnected). */
  setReady(isReady) {
    this.#isReady = isReady;
    if (isReady) this.#pump();
  }

  /** The server has the message with this cid (seen in the history): it is delivered. */
  confirm(cid) {
    const index = this.#queue.findIndex((entry) => entry.cid === cid);
    if (index === -1) return undefined;
    const [entry] = this.#queue.splice(index, 1);
    this.#settle(entry, "delivered");
    return entry;
  }

  #settle(entry, state, error) {
    entry.state = state;
    entry.error = error;
    this.#onChange(entry);
  }

  #pump() {
    if (this.#isSending || !this.#isReady || !this.#socket.connected || this.#retryTimer !== undefined) return;
    const entry = this.#queue[0];
    if (entry === undefined) return;
    this.#isSending = true;
    this.#socket.timeout(ACK_TIMEOUT_MS).emit("chat", entry.text, entry.cid, (error, answer) => {
      this.#isSending = false;
      if (this.#queue[0] !== entry) return this.#pump(); // confirmed meanwhile
      if (error) return this.#retryLater(1000); // timeout or disconnect: it stays queued
      if (answer?.ok) {
        this.#queue.shift();
        this.#settle(entry, "delivered");
      } else if (answer?.retryMs !== undefined) {
        return this.#retryLater(answer.retryMs); // rate-limited: wait for a token
      } else {
        this.#queue.shift();
        this.#settle(entry, "failed", answer?.error ?? "refused");
      }
      this.#pump();
    });
  }

  #retryLater(ms) {
    clearTimeout(this.#retryTimer);
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      this.#pump();
    }, ms);
  }
}
