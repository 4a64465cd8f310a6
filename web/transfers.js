// Files in and out. Out: an offer, then chunks, each sent once the previous one
// is acknowledged (so a slow network slows the sender instead of filling
// memory); a chunk refused with `retryMs` (the sender's byte budget on the
// server) is sent again after that wait. In: chunks are collected as they come
// and become a download link (a Blob URL) when the last one arrives. The server
// keeps no copy, and the page keeps at most MAX_KEPT_BYTES: the oldest files
// received are released ("expired") to make room for new ones.
//
// A file card's data-state: "sending" or "receiving", then "done", "failed" or,
// for a received file released to make room, "expired".
import { formatBytes, h } from "./dom.js";

const ACK_TIMEOUT_MS = 20_000;

/** Longest wait for one "slow down" answer, whatever `retryMs` says. */
const MAX_RETRY_WAIT_MS = 5000;

/** Shortest wait before sending a refused chunk again. */
const MIN_RETRY_WAIT_MS = 5;

/** Most bytes of received files kept (finished ones, and the announced sizes of those arriving): 100 MiB. */
const MAX_KEPT_BYTES = 100 * 1024 * 1024;

const EXPIRED = "expired — ask the sender to share it again";

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The file types kept for a download (the server's list, src/demo/validate.ts); others become octet-stream. */
const SAFE_TYPES = /^(image\/(png|jpeg|gif|webp)|text\/plain|text\/csv|application\/(pdf|zip|json))$/;

/** A card in the message list showing one file, with its progress bar. */
function fileCard({ name, size, nick, isMine }) {
  const bar = h("progress", { class: "file-progress", max: size, value: 0, "data-testid": "file-progress" });
  const status = h("span", { class: "file-status", "data-testid": "file-status" }, isMine ? "sending…" : "receiving…");
  const actions = h("div", { class: "file-actions" });
  const card = h(
    "li",
    { class: `file${isMine ? " mine" : ""}`, "data-testid": "file-card" },
    h(
      "div",
      { class: "meta" },
      h("span", { class: "nick" }, nick),
      h("span", { class: "file-size" }, formatBytes(size)),
    ),
    h("div", { class: "file-name", "data-testid": "file-name" }, name),
    bar,
    h("div", { class: "file-footer" }, status, actions),
  );
  const update = (received, text) => {
    bar.value = received;
    card.dataset.progress = String(Math.round((received / size) * 100));
    if (text !== undefined) status.textContent = text;
  };
  return { card, update, actions, setState: (state) => (card.dataset.state = state) };
}

export class Transfers {
  #socket;
  #show;
  /** Files arriving, by id: `{ offer, view, chunks, received }`. */
  #incoming = new Map();
  /** Files received and still downloadable, oldest first: `{ url, size, view }`. */
  #kept = [];
  #keptBytes = 0;
  #sending = Promise.resolve();

  /** `show(element)` puts a card in the message list; `notify(text)` reports a local problem. */
  constructor(socket, show, notify) {
    this.#socket = socket;
    this.#show = show;
    this.notify = notify;
    socket.on("file:offer", (offer) => this.#onOffer(offer));
    socket.on("file:chunk", (id, offset, data) => this.#onChunk(id, offset, data));
    socket.on("file:done", ({ id }) => this.#onDone(id));
    socket.on("file:abort", ({ id, reason }) => this.#onAbort(id, reason));
  }

  /** Sends files one after the other. */
  send(files, nick, limits) {
    for (const file of files) {
      this.#sending = this.#sending.then(() => this.#sendOne(file, nick, limits)).catch(() => undefined);
    }
    return this.#sending;
  }

  /** Forgets the files shown (the list was cleared): their Blob URLs are released. */
  clear() {
    for (const { url } of this.#kept) URL.revokeObjectURL(url);
    this.#kept = [];
    this.#keptBytes = 0;
    this.#incoming.clear();
  }

  async #sendOne(file, nick, { maxFileBytes, fileChunkBytes }) {
    if (file.size > maxFileBytes) {
      return this.notify(`${file.name} is too large (${formatBytes(file.size)}; at most ${formatBytes(maxFileBytes)})`);
    }
    if (file.size === 0) return this.notify(`${file.name} is empty`);
    if (!this.#socket.connected) return this.notify(`offline: ${file.name} not sent`);
    const view = fileCard({ name: file.name, size: file.size, nick, isMine: true });
    this.#show(view.card);
    view.setState("sending");
    try {
      const start = await this.#request("file:start", { name: file.name, size: file.size, type: file.type });
      const chunkBytes = Math.min(start.chunkBytes ?? fileChunkBytes, fileChunkBytes);
      let offset = 0;
      while (offset < file.size) {
        const bytes = await file.slice(offset, offset + chunkBytes).arrayBuffer();
        const answer = await this.#sendChunk(start.id, bytes);
        if (!Number.isSafeInteger(answer.received) || answer.received <= offset || answer.received > file.size) {
          throw new Error("unexpected answer from the server");
        }
        offset = answer.received;
        view.update(offset, `${formatBytes(offset)} of ${formatBytes(file.size)}`);
      }
      view.update(file.size, "sent to the room");
      view.setState("done");
    } catch (error) {
      view.update(0, `not sent: ${error.message}`);
      view.setState("failed");
    }
  }

  /**
   * Sends one chunk. Refused with `retryMs` (over the sender's byte budget: the server relayed
   * nothing), it waits that long (MAX_RETRY_WAIT_MS at most) and sends the same chunk again, for
   * ACK_TIMEOUT_MS of waiting in all; any other refusal rejects.
   */
  async #sendChunk(id, bytes) {
    let waited = 0;
    for (;;) {
      const answer = await this.#socket.timeout(ACK_TIMEOUT_MS).emitWithAck("file:chunk", id, bytes);
      if (answer?.ok) return answer;
      if (typeof answer?.retryMs !== "number" || !(answer.retryMs >= 0) || waited >= ACK_TIMEOUT_MS) {
        throw new Error(answer?.error ?? "refused");
      }
      const wait = Math.min(Math.max(answer.retryMs, MIN_RETRY_WAIT_MS), MAX_RETRY_WAIT_MS);
      await sleep(wait);
      waited += wait;
      if (!this.#socket.connected) throw new Error("offline");
    }
  }

  /** Emits with an acknowledgement; rejects on a refusal, a timeout or a disconnection. */
  async #request(event, ...args) {
    const answer = await this.#socket.timeout(ACK_TIMEOUT_MS).emitWithAck(event, ...args);
    if (!answer?.ok) throw new Error(answer?.error ?? "refused");
    return answer;
  }

  #onOffer(offer) {
    if (typeof offer?.id !== "string" || !Number.isSafeInteger(offer.size) || offer.size < 1) return;
    if (this.#incoming.has(offer.id)) return;
    const view = fileCard({ name: String(offer.name), size: offer.size, nick: String(offer.nick), isMine: false });
    this.#show(view.card);
    if (!this.#makeRoom(offer.size)) return this.#fail(view, "too many files arriving at once");
    view.setState("receiving");
    this.#incoming.set(offer.id, { offer, view, chunks: [], received: 0 });
  }

  /**
   * Makes room for `size` more bytes within MAX_KEPT_BYTES, releasing the oldest files
   * received; false when the files still arriving leave too little.
   */
  #makeRoom(size) {
    let arriving = 0;
    for (const file of this.#incoming.values()) arriving += file.offer.size;
    while (this.#kept.length > 0 && this.#keptBytes + arriving + size > MAX_KEPT_BYTES) {
      this.#expire(this.#kept.shift());
    }
    return this.#keptBytes + arriving + size <= MAX_KEPT_BYTES;
  }

  /** Releases a received file: its Blob URL, its link and its preview; the card says so. */
  #expire(kept) {
    URL.revokeObjectURL(kept.url);
    this.#keptBytes -= kept.size;
    kept.view.actions.replaceChildren();
    kept.view.card.querySelector(".file-preview")?.remove();
    kept.view.update(kept.size, EXPIRED);
    kept.view.setState("expired");
  }

  #onChunk(id, offset, data) {
    const file = this.#incoming.get(id);
    if (file === undefined || !(data instanceof ArrayBuffer) || offset !== file.received) return;
    if (file.received + data.byteLength > file.offer.size) {
      // Never more than announced: what was counted for this file is all it may take.
      this.#incoming.delete(id);
      return this.#fail(file.view, "more bytes than announced");
    }
    file.chunks.push(data);
    file.received += data.byteLength;
    file.view.update(file.received, `${formatBytes(file.received)} of ${formatBytes(file.offer.size)}`);
  }

  #onDone(id) {
    const file = this.#incoming.get(id);
    if (file === undefined) return;
    this.#incoming.delete(id);
    const { offer, view } = file;
    if (file.received !== offer.size) return this.#fail(view, "incomplete");
    // Only a type the browser shows inertly: a sender's text/html or SVG opened from this blob:
    // link would run in the chat's origin (the server sends only such types; this is the second lock).
    const type = SAFE_TYPES.test(offer.type) ? offer.type : "application/octet-stream";
    const url = URL.createObjectURL(new Blob(file.chunks, { type }));
    file.chunks = []; // the Blob has the bytes
    this.#kept.push({ url, size: offer.size, view });
    this.#keptBytes += offer.size;
    view.update(offer.size, "received");
    view.setState("done");
    view.actions.append(
      h(
        "a",
        { class: "button file-download", href: url, download: offer.name, "data-testid": "file-download" },
        "Download",
      ),
    );
    if (/^image\/(png|jpeg|gif|webp)$/.test(offer.type)) {
      view.card.append(h("img", { class: "file-preview", src: url, alt: offer.name }));
    }
  }

  #onAbort(id, reason) {
    const file = this.#incoming.get(id);
    if (file === undefined) return;
    this.#incoming.delete(id);
    this.#fail(file.view, String(reason ?? "cancelled"));
  }

  #fail(view, reason) {
    view.update(0, `stopped: ${reason}`);
    view.setState("failed");
  }
}
