// Small DOM helpers shared by the pages. User data only ever goes in through
// textContent (never innerHTML), so a message like "<b>hi</b>" shows as typed.

/**
 * Creates an element: `h("li", { class: "x", dataset: { id: "1" } }, "text", child)`.
 * Strings become text nodes; `on*` properties become listeners.
 */
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") element.className = value;
    else if (key === "dataset") Object.assign(element.dataset, value);
    else if (key.startsWith("on")) element.addEventListener(key.slice(2), value);
    else if (key in element && typeof value !== "string") element[key] = value;
    else element.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    element.append(
      typeof child === "string" || typeof child === "number" ? document.createTextNode(String(child)) : child,
    );
  }
  return element;
}

/** The element with this id; throws when the page lacks it (a typo shows at once). */
export function byId(id) {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`#${id} is missing from the page`);
  return element;
}

/** `1.2 MB`. */
export function formatBytes(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  if (bytes < 1024 * 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return `${(bytes / 1024 / 1024 / 1024).toFixed(2)} GB`;
}

/** `14:05`, in the reader's locale. */
export function formatTime(ms) {
  return new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

/** Sets the connection pill: `state` is a CSS hook (online, connecting, reconnecting, offline), `text` what it says. */
export function setStatus(pill, state, text) {
  pill.dataset.state = state;
  pill.textContent = text;
}

/** The global `io` of /socket.io/socket.io.min.js, loaded by a classic script before the modules. */
export function socketIo() {
  const io = globalThis.io;
  if (typeof io !== "function") throw new Error("the enchufe client (/socket.io/socket.io.min.js) did not load");
  return io;
}
