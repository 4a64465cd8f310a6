// The chat page: connects with the enchufe client, shows the room, and sends
// through the outbox (messages) and the transfers (files). The server's events
// and their payloads are described in docs/demo.md.
import { byId, formatTime, h, setStatus, socketIo } from "./dom.js";
import { Outbox } from "./outbox.js";
import { Transfers } from "./transfers.js";

const NICK = /^[\p{L}\p{N}_.-]{1,24}$/u;
const TYPING_IDLE_MS = 3000;
const TYPING_SHOWN_MS = 5000;

const ui = {
  app: byId("app"),
  status: byId("status"),
  roomTitle: byId("room-title"),
  roomList: byId("room-list"),
  memberList: byId("member-list"),
  memberCount: byId("member-count"),
  messages: byId("messages"),
  typing: byId("typing"),
  composer: byId("composer"),
  input: byId("message-input"),
  fileButton: byId("file-button"),
  fileInput: byId("file-input"),
  dropZone: byId("drop-zone"),
  nickButton: byId("nick-button"),
  nickDialog: byId("nick-dialog"),
  nickForm: byId("nick-form"),
  nickInput: byId("nick-input"),
  nickError: byId("nick-error"),
  newRoomForm: byId("new-room-form"),
  newRoomInput: byId("new-room-input"),
  sidebarToggle: byId("sidebar-toggle"),
  terminalHint: byId("terminal-hint"),
};

/** The room in a link's #fragment; a malformed one (`#%E0%A4%A`) is no room rather than a broken page. */
function decodeHash(text) {
  try {
    return decodeURIComponent(text);
  } catch {
    return "";
  }
}

/** This tab's secret: a reconnection that comes before the server noticed the old one gets the nickname back. */
function tabKey() {
  let key = sessionStorage.getItem("enchufe.key");
  if (key === null) {
    key = Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, "0")).join("");
    sessionStorage.setItem("enchufe.key", key);
  }
  return key;
}

const state = {
  nick: localStorage.getItem("enchufe.nick") ?? "",
  room: decodeHash(location.hash.slice(1)) || localStorage.getItem("enchufe.room") || "general",
  limits: { maxMessageLength: 2000, maxFileBytes: 10 * 1024 * 1024, fileChunkBytes: 64 * 1024 },
  isShuttingDown: false,
  typing: new Map(),
};

// ---- the connection ----------------------------------------------------------

const socket = socketIo()({
  autoConnect: false,
  // Called on every (re)connection: the server restores the nickname and the room from it.
  auth: (callback) => callback({ nick: state.nick, room: state.room, key: tabKey() }),
});
window.chat = { socket, state }; // for the curious, and for end-to-end tests

const outbox = new Outbox(socket, (entry) => renderTick(entry));
const transfers = new Transfers(
  socket,
  (card) => append(card),
  (text) => showNotice({ kind: "error", text }),
);

socket.on("connect", () => setStatus(ui.status, "online", "online"));
socket.io.on("reconnect_attempt", (attempt) => setStatus(ui.status, "reconnecting", `reconnecting (${attempt})…`));
socket.on("connect_error", (error) => {
  if (socket.active) return; // the client retries by itself
  if (state.isShuttingDown || /shutting down/.test(error.message)) {
    setStatus(ui.status, "reconnecting", "server restarting…");
    setTimeout(() => socket.connect(), 2000 + Math.random() * 2000);
  } else {
    setStatus(ui.status, "offline", `offline (${error.message}): click to retry`);
  }
});
socket.on("disconnect", (reason) => {
  outbox.setReady(false);
  state.typing.clear();
  renderTyping();
  if (reason === "io server disconnect" && state.isShuttingDown) {
    // The server is restarting (a deploy): come back once it is.
    setStatus(ui.status, "reconnecting", "server restarting…");
    setTimeout(() => socket.connect(), 1000 + Math.random() * 2000);
  } else if (socket.active) {
    setStatus(ui.status, "reconnecting", "reconnecting…");
  } else {
    setStatus(ui.status, "offline", "offline: click to retry");
  }
});
ui.status.addEventListener("click", () => {
  if (!socket.connected && !socket.active) {
    setStatus(ui.status, "connecting", "connecting…");
    socket.connect();
  }
});

socket.on("welcome", (welcome) => {
  state.isShuttingDown = false;
  state.nick = welcome.nick;
  state.room = welcome.room;
  state.limits = welcome.limits ?? state.limits;
  localStorage.setItem("enchufe.nick", state.nick);
  localStorage.setItem("enchufe.room", state.room);
  history.replaceState(null, "", `#${state.room}`);
  ui.input.maxLength = state.limits.maxMessageLength;
  const { terminal } = welcome;
  ui.terminalHint.parentElement.hidden = !terminal;
  if (terminal) {
    const host = location.hostname.includes(":") ? `[${location.hostname}]` : location.hostname;
    ui.terminalHint.textContent = terminal.tls
      ? `openssl s_client -quiet -connect ${host}:${terminal.port}`
      : `nc ${location.hostname} ${terminal.port}`;
  }
  ui.nickButton.textContent = state.nick;
  ui.roomTitle.textContent = `#${state.room}`;
  document.title = `#${state.room} · enchufe chat`;
  renderRoom(welcome.history);
  renderMembers(welcome.members);
  renderRooms(welcome.rooms);
  outbox.setReady(true);
});
socket.on("chat", (message) => {
  if (message?.room === state.room) append(messageItem(message));
  state.typing.delete(message?.nick);
  renderTyping();
});
socket.on("notice", (notice) => showNotice(notice));
socket.on("members", ({ room, members }) => {
  if (room === state.room) renderMembers(members);
});
socket.on("rooms", (rooms) => renderRooms(rooms));
socket.on("typing", ({ nick, typing }) => {
  if (typing) state.typing.set(nick, Date.now() + TYPING_SHOWN_MS);
  else state.typing.delete(nick);
  renderTyping();
});
socket.on("shutdown", ({ text }) => {
  state.isShuttingDown = true;
  showNotice({ kind: "error", text });
});

// ---- rendering ----------------------------------------------------------------

function isNearBottom() {
  const list = ui.messages;
  return list.scrollHeight - list.scrollTop - list.clientHeight < 80;
}

function append(item) {
  const shouldScroll = isNearBottom();
  ui.messages.append(item);
  if (shouldScroll) item.scrollIntoView({ block: "end" });
}

function messageItem({ id, cid, nick, via, text, ts }, tick) {
  const isMine = nick === state.nick;
  return h(
    "li",
    { class: `message${isMine ? " mine" : ""}`, dataset: { id: id ?? "", cid: cid ?? "" }, "data-testid": "message" },
    h(
      "div",
      { class: "meta" },
      h("span", { class: "nick", "data-testid": "message-nick" }, nick),
      via !== "web" && via !== undefined
        ? h("span", { class: "badge", title: `connected over ${via}` }, "terminal")
        : null,
      h("time", { datetime: new Date(ts).toISOString() }, formatTime(ts)),
      isMine ? h("span", { class: "tick", "data-testid": "tick", dataset: { state: tick ?? "delivered" } }) : null,
    ),
    h("div", { class: "text", "data-testid": "message-text" }, text),
  );
}

function renderTick(entry) {
  const item = ui.messages.querySelector(`li[data-cid="${entry.cid}"]`);
  const tick = item?.querySelector(".tick");
  if (tick === null || tick === undefined) return;
  tick.dataset.state = entry.state;
  tick.title = entry.error ?? entry.state;
}

function showNotice({ kind = "info", text, room }) {
  if (room !== undefined && room !== null && room !== state.room) return;
  append(h("li", { class: `notice notice-${kind}`, "data-testid": "notice", dataset: { kind } }, String(text)));
}

function renderRoom(messages) {
  transfers.clear();
  ui.messages.replaceChildren();
  for (const message of messages) {
    outbox.confirm(message.cid); // stored before its acknowledgement was lost
    ui.messages.append(messageItem(message));
  }
  if (messages.length > 0) ui.messages.append(h("li", { class: "notice notice-divider" }, "earlier messages above"));
  for (const entry of outbox.pending)
    ui.messages.append(messageItem({ ...entry, nick: state.nick, via: "web" }, entry.state));
  ui.messages.scrollTop = ui.messages.scrollHeight;
}

function renderMembers(members) {
  ui.memberCount.textContent = String(members.length);
  ui.memberList.replaceChildren(
    ...members.map(({ nick, via }) =>
      h(
        "li",
        { class: nick === state.nick ? "me" : "", dataset: { nick, via } },
        h("span", { class: "presence" }),
        nick,
        via === "web" ? null : h("span", { class: "badge" }, via),
      ),
    ),
  );
}

function renderRooms(rooms) {
  if (!rooms.some((room) => room.name === state.room)) rooms = [...rooms, { name: state.room, count: 1 }];
  ui.roomList.replaceChildren(
    ...rooms
      .sort((a, b) => (a.name === "general" ? -1 : b.name === "general" ? 1 : a.name.localeCompare(b.name)))
      .map(({ name, count }) =>
        h(
          "li",
          {},
          h(
            "button",
            {
              class: name === state.room ? "room active" : "room",
              dataset: { room: name },
              "data-testid": `room-${name}`,
              onclick: () => joinRoom(name),
            },
            h("span", { class: "hash" }, "#"),
            h("span", { class: "room-name" }, name),
            h("span", { class: "count" }, String(count)),
          ),
        ),
      ),
  );
}

function renderTyping() {
  const now = Date.now();
  for (const [nick, until] of state.typing) if (until < now) state.typing.delete(nick);
  const nicks = [...state.typing.keys()];
  ui.typing.textContent =
    nicks.length === 0
      ? ""
      : nicks.length === 1
        ? `${nicks[0]} is typing…`
        : `${nicks.slice(0, 3).join(", ")} are typing…`;
}
setInterval(renderTyping, 1000);

// ---- actions --------------------------------------------------------------------

function joinRoom(name) {
  ui.app.classList.remove("sidebar-open");
  if (name === state.room) return;
  socket.emit("join", name, (answer) => {
    if (!answer?.ok) showNotice({ kind: "error", text: answer?.error ?? "could not join" });
  });
}

let typingSince = 0;
let typingTimer;
function stopTyping() {
  clearTimeout(typingTimer);
  if (typingSince !== 0 && socket.connected) socket.emit("typing", false);
  typingSince = 0;
}

ui.input.addEventListener("input", () => {
  if (!socket.connected) return;
  if (ui.input.value === "") return stopTyping();
  if (Date.now() - typingSince > 2000) {
    socket.volatile.emit("typing", true);
    typingSince = Date.now();
  }
  clearTimeout(typingTimer);
  typingTimer = setTimeout(stopTyping, TYPING_IDLE_MS);
});

ui.composer.addEventListener("submit", (event) => {
  event.preventDefault();
  const text = ui.input.value;
  if (text.trim() === "") return;
  if (text.length > state.limits.maxMessageLength) {
    return showNotice({
      kind: "error",
      text: `message too long (at most ${state.limits.maxMessageLength} characters)`,
    });
  }
  ui.input.value = "";
  stopTyping();
  const entry = outbox.add(text, state.room);
  append(messageItem({ ...entry, nick: state.nick, via: "web" }, entry.state));
});

ui.newRoomForm.addEventListener("submit", (event) => {
  event.preventDefault();
  const name = ui.newRoomInput.value.trim().replace(/^#/, "").toLowerCase();
  if (name === "") return;
  ui.newRoomInput.value = "";
  joinRoom(name);
});

ui.sidebarToggle.addEventListener("click", () => ui.app.classList.toggle("sidebar-open"));

// Nickname: asked once, remembered in localStorage, changed from the top bar.
ui.nickButton.addEventListener("click", () => {
  ui.nickInput.value = state.nick;
  ui.nickError.textContent = "";
  ui.nickDialog.showModal();
});
ui.nickForm.addEventListener("submit", (event) => {
  const nick = ui.nickInput.value.trim();
  if (!NICK.test(nick)) {
    event.preventDefault();
    ui.nickError.textContent = "1 to 24 letters, digits, _ . or -";
    return;
  }
  if (!socket.connected && !socket.active) {
    state.nick = nick; // first time: the nickname goes with the connection
    socket.connect();
    setStatus(ui.status, "connecting", "connecting…");
    return;
  }
  socket.emit("nick", nick, (answer) => {
    if (!answer?.ok) return showNotice({ kind: "error", text: answer?.error ?? "could not rename" });
    state.nick = answer.nick;
    localStorage.setItem("enchufe.nick", state.nick);
    ui.nickButton.textContent = state.nick;
  });
});
ui.nickDialog.addEventListener("cancel", (event) => {
  if (!socket.active) event.preventDefault(); // the first time, a nickname is needed
});

// Files: the button, or a drop anywhere on the page.
ui.fileButton.addEventListener("click", () => ui.fileInput.click());
ui.fileInput.addEventListener("change", () => {
  void transfers.send([...ui.fileInput.files], state.nick, state.limits);
  ui.fileInput.value = "";
});
let dragDepth = 0;
document.addEventListener("dragenter", (event) => {
  if (!event.dataTransfer?.types.includes("Files")) return;
  dragDepth += 1;
  ui.dropZone.hidden = false;
});
document.addEventListener("dragleave", () => {
  dragDepth = Math.max(0, dragDepth - 1);
  if (dragDepth === 0) ui.dropZone.hidden = true;
});
document.addEventListener("dragover", (event) => event.preventDefault());
document.addEventListener("drop", (event) => {
  event.preventDefault();
  dragDepth = 0;
  ui.dropZone.hidden = true;
  const files = [...(event.dataTransfer?.files ?? [])];
  if (files.length > 0) void transfers.send(files, state.nick, state.limits);
});

// Start: with a remembered nickname at once, else after asking for one.
if (NICK.test(state.nick)) {
  ui.nickButton.textContent = state.nick;
  socket.connect();
} else {
  setStatus(ui.status, "offline", "choose a nickname");
  ui.nickDialog.showModal();
}
