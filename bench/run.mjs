// `npm run bench` (quick, about 2 minutes) and `npm run bench -- --full` (under 10):
// enchufe, socket.io 4.8 and raw ws, side by side in one run. Each measurement
// starts a fresh server process and a fresh load-generator process; candidates are
// interleaved (A B C, C B A, …) and repeated; medians and paired ratios are printed
// as a markdown table and saved with the raw runs as JSON, and an SVG chart of the
// ratios is drawn from that JSON (bench/chart.mjs).
import { fork } from "node:child_process";
import { writeFileSync, mkdirSync } from "node:fs";
import { cpus } from "node:os";
import { parseArgs } from "node:util";
import { drawChart } from "./chart.mjs";
import { median } from "./lib/stats.mjs";

const { values: args } = parseArgs({
  options: {
    full: { type: "boolean", default: false },
    only: { type: "string" },
    servers: { type: "string", default: "enchufe,socketio,ws" },
    /** Writes a V8 CPU profile of each server process to .scratch/profiles/. */
    profile: { type: "boolean", default: false },
  },
});
const MODE = args.full ? "full" : "quick";
const SERVERS = args.servers.split(",");
const here = new URL(".", import.meta.url);

const timing = args.full ? { warmupMs: 1500, measureMs: 4000, reps: 4 } : { warmupMs: 1000, measureMs: 2000, reps: 2 };
const SCENARIOS = [
  { name: "echo", load: "echo", reps: timing.reps, params: { warmupMs: timing.warmupMs, measureMs: timing.measureMs } },
  {
    name: "broadcast",
    load: "broadcast",
    reps: timing.reps,
    params: { rooms: 0, warmupMs: timing.warmupMs, measureMs: timing.measureMs },
  },
  {
    name: "rooms",
    load: "broadcast",
    reps: timing.reps,
    params: { rooms: 10, warmupMs: timing.warmupMs, measureMs: timing.measureMs },
  },
  {
    name: "connections",
    load: "connections",
    reps: timing.reps,
    params: { total: args.full ? 5000 : 2000, warmup: 500 },
  },
  { name: "memory", load: "memory", reps: args.full ? 3 : 1, params: { counts: [5000, 10000] } },
  {
    name: "latencyEcho",
    load: "latencyEcho",
    reps: args.full ? 3 : 1,
    params: { warmupMs: 1000, measureMs: args.full ? 3000 : 2000 },
  },
  {
    name: "latencyBroadcast",
    load: "latencyBroadcast",
    reps: args.full ? 3 : 1,
    params: { warmupMs: 1000, measureMs: args.full ? 3000 : 2000 },
  },
].filter((scenario) => args.only === undefined || args.only.split(",").includes(scenario.name));

/** The rows of the report: which metric, which way is better, and issue #3's target for enchufe/socket.io. */
const ROWS = [
  { scenario: "echo", metric: "opsPerSecond", label: "echo with ack, acks/s", better: "higher", target: 1.5 },
  { scenario: "echo", metric: "serverUsPerOp", label: "echo with ack, server µs/ack", better: "lower", target: 0.65 },
  {
    scenario: "broadcast",
    metric: "opsPerSecond",
    label: "broadcast to 1,000, deliveries/s",
    better: "higher",
    target: 1,
  },
  {
    scenario: "broadcast",
    metric: "serverUsPerOp",
    label: "broadcast, server µs/delivery",
    better: "lower",
    target: 0.5,
  },
  { scenario: "rooms", metric: "opsPerSecond", label: "10 rooms of 100, deliveries/s", better: "higher", target: 1.5 },
  { scenario: "rooms", metric: "serverUsPerOp", label: "rooms, server µs/delivery", better: "lower", target: 0.5 },
  { scenario: "connections", metric: "opsPerSecond", label: "handshakes/s", better: "higher" },
  { scenario: "connections", metric: "serverUsPerOp", label: "server µs/handshake", better: "lower", target: 0.6 },
  { scenario: "memory", metric: "rss5000", label: "idle RSS per connection at 5k, KB", better: "lower", target: 0.5 },
  { scenario: "memory", metric: "heap5000", label: "idle heap per connection at 5k, KB", better: "lower", target: 0.5 },
  { scenario: "memory", metric: "rss10000", label: "idle RSS per connection at 10k, KB", better: "lower", target: 0.5 },
  {
    scenario: "memory",
    metric: "heap10000",
    label: "idle heap per connection at 10k, KB",
    better: "lower",
    target: 0.5,
  },
  { scenario: "latencyEcho", metric: "p50", label: "echo latency p50, ms (1k req/s)", better: "lower" },
  { scenario: "latencyEcho", metric: "p99", label: "echo latency p99, ms (1k req/s)", better: "lower", target: 1 },
  { scenario: "latencyBroadcast", metric: "p50", label: "broadcast latency p50, ms (100 × 50/s)", better: "lower" },
  {
    scenario: "latencyBroadcast",
    metric: "p99",
    label: "broadcast latency p99, ms (100 × 50/s)",
    better: "lower",
    target: 1,
  },
];

function startServer(name) {
  const execArgv = ["--expose-gc"];
  if (args.profile)
    execArgv.push("--cpu-prof", "--cpu-prof-dir=.scratch/profiles", `--cpu-prof-name=${name}-${Date.now()}.cpuprofile`);
  const child = fork(new URL(`servers/${name}.mjs`, here), { execArgv, stdio: "inherit" });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`${name} server exited with ${code}`)));
    child.once("message", (message) => resolve({ child, port: message.port }));
  });
}

function askMemory(server) {
  return new Promise((resolve) => {
    server.once("message", resolve);
    server.send({ type: "memory" });
  });
}

/** One measurement: a fresh server, a fresh load generator, one scenario. */
async function measureOnce(serverName, scenario) {
  const { child: server, port } = await startServer(serverName);
  const load = fork(new URL("load.mjs", here), { stdio: "inherit" });
  const memory = {};
  try {
    const result = await new Promise((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error("no result within 120 s")), 120_000);
      load.on("message", async (message) => {
        if (message.type === "checkpoint") {
          memory[message.count] = await askMemory(server);
          load.send({ type: "continue" });
        } else if (message.type === "result") {
          clearTimeout(deadline);
          resolve(message.result);
        } else if (message.type === "error") {
          clearTimeout(deadline);
          reject(new Error(message.message));
        }
      });
      load.send({ scenario: scenario.load, params: { ...scenario.params, port, serverPid: server.pid } });
    });
    if (scenario.name === "memory") {
      const base = memory[0];
      for (const count of scenario.params.counts) {
        result[`rss${count}`] = (memory[count].rss - base.rss) / count / 1024;
        result[`heap${count}`] = (memory[count].heapUsed - base.heapUsed) / count / 1024;
      }
    }
    return result;
  } finally {
    server.removeAllListeners("exit");
    // Closing the IPC channel makes the server exit by itself (and write its profile, if any).
    const exited = new Promise((resolve) => server.once("exit", resolve));
    server.disconnect();
    const killer = setTimeout(() => server.kill(), 5000);
    await exited;
    clearTimeout(killer);
    load.kill();
  }
}

function format(value) {
  if (!Number.isFinite(value)) return "–";
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString("en-US");
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

function report(runs) {
  const value = (server, row) => median(runs[row.scenario]?.[server]?.map((run) => run[row.metric]) ?? []);
  const pairedRatio = (a, b, row) => {
    const left = runs[row.scenario]?.[a] ?? [];
    const right = runs[row.scenario]?.[b] ?? [];
    return median(left.map((run, index) => run[row.metric] / right[index]?.[row.metric]));
  };
  const rows = ROWS.filter((row) => runs[row.scenario] !== undefined).map((row) => {
    const ratio = pairedRatio("enchufe", "socketio", row);
    const met =
      row.target === undefined || !Number.isFinite(ratio)
        ? undefined
        : row.better === "higher"
          ? ratio >= row.target
          : ratio <= row.target;
    return {
      ...row,
      values: Object.fromEntries(SERVERS.map((server) => [server, value(server, row)])),
      ratioSocketIo: ratio,
      ratioWs: pairedRatio("enchufe", "ws", row),
      met,
    };
  });
  const cpuRows = Object.entries(runs)
    .filter(([, byServer]) => byServer.enchufe?.[0]?.serverCpu !== undefined)
    .map(([scenario, byServer]) => {
      const cells = SERVERS.map(
        (server) =>
          `${format(median(byServer[server].map((run) => run.serverCpu * 100)))}% / ${format(median(byServer[server].map((run) => run.loadCpu * 100)))}%`,
      );
      return `| ${scenario} | ${cells.join(" | ")} |`;
    });
  const header = `| metric | ${SERVERS.join(" | ")} | enchufe/socket.io | enchufe/ws | target (vs socket.io) |`;
  const lines = [
    header,
    `|${" --- |".repeat(SERVERS.length + 4)}`,
    ...rows.map((row) => {
      const target =
        row.target === undefined ? "" : `${row.better === "higher" ? "≥" : "≤"} ${row.target} ${row.met ? "✅" : "❌"}`;
      return `| ${row.label} | ${SERVERS.map((server) => format(row.values[server])).join(" | ")} | ${format(row.ratioSocketIo)} | ${format(row.ratioWs)} | ${target} |`;
    }),
    "",
    `CPU of one core, server / load generator (medians):`,
    "",
    `| scenario | ${SERVERS.join(" | ")} |`,
    `|${" --- |".repeat(SERVERS.length + 1)}`,
    ...cpuRows,
  ];
  return { rows, markdown: lines.join("\n") };
}

async function main() {
  const started = Date.now();
  const runs = {};
  console.log(`enchufe bench, ${MODE} mode, ${cpus().length} cores, Node ${process.version}`);
  for (const scenario of SCENARIOS) {
    runs[scenario.name] = Object.fromEntries(SERVERS.map((server) => [server, []]));
    for (let rep = 0; rep < scenario.reps; rep++) {
      const order = rep % 2 === 0 ? SERVERS : [...SERVERS].reverse();
      for (const server of order) {
        const result = await measureOnce(server, scenario);
        runs[scenario.name][server].push(result);
        const shown = Object.entries(result)
          .map(([key, value]) => `${key}=${format(value)}`)
          .join(" ");
        console.log(`  ${scenario.name} #${rep + 1} ${server}: ${shown}`);
      }
    }
  }
  const { rows, markdown } = report(runs);
  const seconds = Math.round((Date.now() - started) / 1000);
  console.log(`\n${markdown}\n\n${MODE} mode took ${seconds} s`);
  mkdirSync(new URL("results/", here), { recursive: true });
  const meta = { mode: MODE, node: process.version, cores: cpus().length, date: new Date().toISOString(), seconds };
  writeFileSync(new URL(`results/${MODE}.json`, here), JSON.stringify({ meta, rows, runs }, null, 2) + "\n");
  writeFileSync(new URL(`results/${MODE}.md`, here), `${markdown}\n`);
  writeFileSync(new URL(`results/${MODE}.svg`, here), drawChart(rows, meta));
  console.log(`saved bench/results/${MODE}.json, .md and .svg`);
}

await main();
