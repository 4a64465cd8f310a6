// The dashboard: signs in to the /admin namespace with the password, then shows
// the snapshot the server pushes every second and offers a disconnect button.
import { drawRates } from "./chart.js";
import { byId, formatBytes, h, setStatus, socketIo } from "./dom.js";

const ui = {
  status: byId("status"),
  loginForm: byId("login-form"),
  password: byId("password-input"),
  loginError: byId("login-error"),
  logout: byId("logout-button"),
  dashboard: byId("dashboard"),
  total: byId("total-connections"),
  byTransport: byId("by-transport"),
  byNamespace: byId("by-namespace"),
  rss: byId("memory-rss"),
  heap: byId("memory-heap"),
  loopMean: byId("loop-mean"),
  loopP99: byId("loop-p99"),
  uptime: byId("uptime"),
  rateIn: byId("rate-in"),
  rateOut: byId("rate-out"),
  chart: byId("rate-chart"),
  rooms: byId("rooms-table"),
  sockets: byId("sockets-table"),
  socketCount: byId("socket-count"),
};

let socket;
let lastStats;

function signIn(password) {
  socket?.disconnect();
  ui.loginError.textContent = "";
  setStatus(ui.status, "connecting", "signing in…");
  socket = socketIo()("/admin", { auth: { password }, forceNew: true });
  window.dashboard = { socket }; // for end-to-end tests
  socket.on("connect", () => {
    sessionStorage.setItem("enchufe.admin", password);
    setStatus(ui.status, "online", "live");
    ui.loginForm.hidden = true;
    ui.dashboard.hidden = false;
    ui.logout.hidden = false;
  });
  socket.on("connect_error", (error) => {
    if (socket.active) return setStatus(ui.status, "reconnecting", "reconnecting…"); // a network problem: retried
    // Refused by the server (a wrong password): back to the form, saying why.
    sessionStorage.removeItem("enchufe.admin");
    setStatus(ui.status, "offline", "signed out");
    ui.loginError.textContent = error.message;
    ui.loginForm.hidden = false;
    ui.dashboard.hidden = true;
  });
  socket.on("disconnect", () => setStatus(ui.status, socket.active ? "reconnecting" : "offline", "disconnected"));
  socket.on("stats", (stats) => {
    lastStats = stats;
    render(stats);
  });
}

function pairs(list, entries) {
  list.replaceChildren(
    ...entries.map(([name, value]) =>
      h(
        "li",
        { class: value === 0 ? "zero" : "", dataset: { key: name } },
        h("span", {}, name),
        h("strong", {}, String(value)),
      ),
    ),
  );
}

function duration(seconds) {
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  return hours > 0 ? `${hours} h ${minutes} min` : minutes > 0 ? `${minutes} min ${seconds % 60} s` : `${seconds} s`;
}

function render({ connections, rooms, rates, process, sockets }) {
  ui.total.textContent = String(connections.total);
  pairs(ui.byTransport, Object.entries(connections.byTransport));
  pairs(ui.byNamespace, Object.entries(connections.byNamespace));
  ui.rss.textContent = formatBytes(process.memory.rss);
  ui.heap.textContent = `${formatBytes(process.memory.heapUsed)} of ${formatBytes(process.memory.heapTotal)}`;
  ui.loopMean.textContent = `${process.eventLoop.mean} ms`;
  ui.loopP99.textContent = `${process.eventLoop.p99} ms`;
  ui.uptime.textContent = duration(process.uptime);
  const last = rates.at(-1) ?? { in: 0, out: 0 };
  ui.rateIn.textContent = String(last.in);
  ui.rateOut.textContent = String(last.out);
  drawRates(ui.chart, rates);
  ui.rooms.replaceChildren(
    ...rooms.map(({ name, count }) =>
      h("tr", { dataset: { room: name } }, h("td", {}, `#${name}`), h("td", {}, String(count))),
    ),
  );
  const listed = connections.byNamespace["/"] ?? sockets.length;
  ui.socketCount.textContent =
    sockets.length < listed ? `${sockets.length} of ${listed} shown` : String(sockets.length);
  ui.sockets.replaceChildren(...sockets.map(socketRow));
}

function socketRow({ id, nick, transport, address, rooms }) {
  const kick = h(
    "button",
    { class: "kick", "data-testid": `kick-${id}`, title: "Disconnect this socket" },
    "Disconnect",
  );
  kick.addEventListener("click", () => {
    kick.disabled = true;
    socket.timeout(5000).emit("kick", id, (error, answer) => {
      if (error || !answer?.ok) {
        kick.disabled = false;
        kick.textContent = "Retry";
      } else kick.textContent = "Gone";
    });
  });
  return h(
    "tr",
    { dataset: { socketId: id }, "data-testid": "socket-row" },
    h("td", {}, h("code", {}, id)),
    h("td", {}, nick ?? "–"),
    h("td", {}, transport),
    h("td", {}, address),
    h("td", {}, rooms.map((room) => `#${room}`).join(", ")),
    h("td", {}, kick),
  );
}

ui.loginForm.addEventListener("submit", (event) => {
  event.preventDefault();
  signIn(ui.password.value);
});
ui.logout.addEventListener("click", () => {
  sessionStorage.removeItem("enchufe.admin");
  socket?.disconnect();
  ui.logout.hidden = true;
  ui.dashboard.hidden = true;
  ui.loginForm.hidden = false;
  setStatus(ui.status, "offline", "signed out");
});
window.addEventListener("resize", () => lastStats && drawRates(ui.chart, lastStats.rates));

const remembered = sessionStorage.getItem("enchufe.admin");
if (remembered !== null) signIn(remembered);
