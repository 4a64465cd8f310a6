// Files in and out. Out: an offer, then chunks, each sent once the previous one
// is acknowledged (so a slow network slows the sender instead of filling
// memory). In: chunks are collected as they come and become a download link
// (a Blob URL) when the last one arrives. The server keeps no copy.
import { formatBytes, h } from "./dom.js";

const ACK_TIMEOUT_MS = 20_000;

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
  #incoming = new Map();
  #urls = new Set();
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
    for (const url of this.#urls) URL.revokeObjectURL(url);
    this.#urls.clear();
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
        const answer = await this.#request("file:chunk", start.id, bytes);
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

  /** Emits with an acknowledgement; rejects on a refusal, a timeout or a disconnection. */
  async #request(event, ...args) {
    const answer = await this.#socket.timeout(ACK_TIMEOUT_MS).emitWithAck(event, ...args);
    if (!answer?.ok) throw new Error(answer?.error ?? "refused");
    return answer;
  }

  #onOffer(offer) {
    if (typeof offer?.id !== "string" || !Number.isSafeInteger(offer.size)) return;
    const view = fileCard({ name: String(offer.name), size: offer.size, nick: String(offer.nick), isMine: false });
    view.setState("receiving");
    this.#incoming.set(offer.id, { offer, view, chunks: [], received: 0 });
    this.#show(view.card);
  }

  #onChunk(id, offset, data) {
    const file = this.#incoming.get(id);
    if (file === undefined || !(data instanceof ArrayBuffer) || offset !== file.received) return;
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
    this.#urls.add(url);
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
