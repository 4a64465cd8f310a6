// What every server under test shares: the port it listens on and how it reports
// its memory. Each server file implements the same four events:
//   "echo" (payload, ack)         -> ack(payload)
//   "join" (room, ack)            -> the socket joins `room`, then ack()
//   "all" (payload, ack)          -> emit "m" (payload) to every client, then ack()
//   "room" (room, payload, ack)   -> emit "m" (payload) to the members of `room`, then ack()
// The runner starts each server with --expose-gc and an IPC channel; on
// { type: "memory" } the server collects garbage and answers with its memory.

/** Tells the runner the port, once listening. */
export function announce(httpServer) {
  process.send?.({ type: "ready", port: httpServer.address().port });
}

/** Answers the runner's memory requests: RSS and heap after full collections. */
export function serveMemoryRequests() {
  process.on("message", async (message) => {
    if (message?.type === "snapshot") {
      // For investigating memory by hand (.scratch/heap-per-conn.mjs), not used by run.mjs.
      globalThis.gc?.();
      const { writeHeapSnapshot } = await import("node:v8");
      writeHeapSnapshot(message.path);
      process.send?.({ type: "snapshot" });
      return;
    }
    if (message?.type !== "memory") return;
    for (let i = 0; i < 3; i++) {
      globalThis.gc?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
    const { rss, heapUsed } = process.memoryUsage();
    process.send?.({ type: "memory", rss, heapUsed });
  });
  process.on("disconnect", () => process.exit(0));
}
