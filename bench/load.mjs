// The load generator: its own process, started by run.mjs for one scenario against
// one server. It measures the server's CPU from /proc and its own, and reports one
// result over IPC. Every loop is bounded in count and time.
import { Buffer } from "node:buffer";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { cpuMs } from "./lib/proc.mjs";
import { percentile } from "./lib/stats.mjs";
import { connectPeers, Peer } from "./lib/peer.mjs";

const ECHO = `["echo",{"text":"hello world","n":42}]`;
const PAYLOAD = `{"text":"a broadcast of about a hundred bytes, like a chat line or a small update","n":42}`;

/** Runs `ops` for `ms` and reports the rate and the CPU both sides spent. */
async function measure(serverPid, ops, ms) {
  const start = { at: performance.now(), server: cpuMs(serverPid), load: cpuMs(process.pid), ops: ops() };
  await sleep(ms);
  const end = { at: performance.now(), server: cpuMs(serverPid), load: cpuMs(process.pid), ops: ops() };
  const elapsed = end.at - start.at;
  const count = end.ops - start.ops;
  return {
    ops: count,
    opsPerSecond: (count / elapsed) * 1000,
    serverUsPerOp: ((end.server - start.server) * 1000) / count,
    serverCpu: (end.server - start.server) / elapsed,
    loadCpu: (end.load - start.load) / elapsed,
  };
}

async function echo({ port, serverPid, warmupMs, measureMs }) {
  const peers = await connectPeers(port, 100);
  let acks = 0;
  for (const peer of peers) {
    peer.onAck = () => {
      acks++;
      peer.emitWithAck(ECHO);
    };
    for (let i = 0; i < 10; i++) peer.emitWithAck(ECHO);
  }
  await sleep(warmupMs);
  const result = await measure(serverPid, () => acks, measureMs);
  for (const peer of peers) peer.close();
  return result;
}

/** Broadcasts from one sender, at most `window` broadcasts ahead of the slowest delivery count. */
async function broadcast({ port, serverPid, warmupMs, measureMs, rooms }) {
  const peers = await connectPeers(port, 1000);
  if (rooms > 0) {
    await Promise.all(
      peers.map(
        (peer, index) =>
          new Promise((resolve) => {
            peer.onAck = resolve;
            peer.emitWithAck(`["join","r${index % rooms}"]`);
          }),
      ),
    );
  }
  const perBroadcast = rooms > 0 ? peers.length / rooms : peers.length;
  const window = 20;
  const expectedLength = Buffer.byteLength(`42["m",${PAYLOAD}]`);
  let deliveries = 0;
  let corrupt = 0;
  let sent = 0;
  const [sender] = peers;
  const pump = () => {
    while (sent - Math.floor(deliveries / perBroadcast) < window) {
      sender.emitWithAck(rooms > 0 ? `["room","r${sent % rooms}",${PAYLOAD}]` : `["all",${PAYLOAD}]`);
      sent++;
    }
  };
  const received = new Uint32Array(peers.length);
  peers.forEach((peer, index) => {
    peer.onAck = undefined;
    peer.onEvent = (frame) => {
      received[index]++;
      if (frame.length !== expectedLength) corrupt++;
      if (++deliveries % 64 === 0) pump();
    };
  });
  sender.onAck = pump;
  pump();
  await sleep(warmupMs);
  const result = await measure(serverPid, () => deliveries, measureMs);
  // Integrity: every frame is the one sent, and members of the same room saw the same broadcasts
  // give or take the flow-control window.
  const counts = [...received];
  const perRoom = rooms > 0 ? rooms : 1;
  let spread = 0;
  for (let room = 0; room < perRoom; room++) {
    const members = counts.filter((_, index) => index % perRoom === room);
    spread = Math.max(spread, Math.max(...members) - Math.min(...members));
  }
  for (const peer of peers) peer.close();
  return { ...result, corrupt, spread, broadcasts: sent };
}

/** Opens, joins "/" and closes `total` connections, `concurrency` at a time. */
async function connections({ port, serverPid, total, warmup }) {
  const cycle = async (count) => {
    let started = 0;
    const worker = async () => {
      while (started < count) {
        started++;
        const peer = await new Peer(port).ready;
        await new Promise((resolve) => {
          peer.ws.once("close", resolve);
          peer.ws.close();
        });
      }
    };
    await Promise.all(Array.from({ length: 100 }, worker));
  };
  await cycle(warmup);
  let done = 0;
  const counting = cycle(total).then(() => (done = total));
  const start = { at: performance.now(), server: cpuMs(serverPid), load: cpuMs(process.pid) };
  await counting;
  const elapsed = performance.now() - start.at;
  const server = cpuMs(serverPid) - start.server;
  return {
    ops: done,
    opsPerSecond: (done / elapsed) * 1000,
    serverUsPerOp: (server * 1000) / done,
    serverCpu: server / elapsed,
    loadCpu: (cpuMs(process.pid) - start.load) / elapsed,
  };
}

/** Connects idle clients in steps and lets the runner read the server's memory at each. */
async function memory({ port, counts }) {
  const warm = await connectPeers(port, 200);
  for (const peer of warm) peer.close();
  await sleep(500);
  await checkpoint(0);
  const peers = [];
  for (const count of counts) {
    peers.push(...(await connectPeers(port, count - peers.length)));
    await sleep(500);
    await checkpoint(count);
  }
  for (const peer of peers) peer.close();
  return {};
}

function checkpoint(count) {
  return new Promise((resolve) => {
    process.once("message", resolve);
    process.send({ type: "checkpoint", count });
  });
}

async function latencyEcho({ port, warmupMs, measureMs }) {
  const peers = await connectPeers(port, 10);
  const samples = [];
  let recording = false;
  // Each client on its own 1 ms offset: clients are not synchronized in life, and a
  // burst of ten requests would measure the queue of the burst, not the server.
  const timers = [];
  peers.forEach((peer, index) => {
    const sentAt = new Map();
    peer.onAck = (id) => {
      if (recording) samples.push(performance.now() - sentAt.get(id));
      sentAt.delete(id);
    };
    const send = () => sentAt.set(peer.emitWithAck(ECHO), performance.now());
    timers.push(setTimeout(() => timers.push(setInterval(send, 10)), index));
  });
  await sleep(warmupMs);
  recording = true;
  await sleep(measureMs);
  recording = false;
  for (const timer of timers) clearInterval(timer);
  for (const peer of peers) peer.close();
  return { p50: percentile(samples, 50), p99: percentile(samples, 99), samples: samples.length };
}

async function latencyBroadcast({ port, warmupMs, measureMs }) {
  const peers = await connectPeers(port, 100);
  const samples = [];
  let recording = false;
  for (const peer of peers) {
    peer.onEvent = (frame) => {
      if (!recording) return;
      const text = frame.toString();
      const sentAt = Number(text.slice(text.indexOf('"t":') + 4, text.lastIndexOf("}")));
      samples.push(performance.now() - sentAt);
    };
  }
  const [sender] = peers;
  const timer = setInterval(() => sender.emitWithAck(`["all",{"t":${performance.now()}}]`), 20);
  await sleep(warmupMs);
  recording = true;
  await sleep(measureMs);
  recording = false;
  clearInterval(timer);
  for (const peer of peers) peer.close();
  return { p50: percentile(samples, 50), p99: percentile(samples, 99), samples: samples.length };
}

const SCENARIOS = { echo, broadcast, connections, memory, latencyEcho, latencyBroadcast };

process.once("message", async ({ scenario, params }) => {
  try {
    const result = await SCENARIOS[scenario](params);
    process.send({ type: "result", result });
  } catch (error) {
    process.send({ type: "error", message: String(error?.stack ?? error) });
  }
  await sleep(50);
  process.exit(0);
});
