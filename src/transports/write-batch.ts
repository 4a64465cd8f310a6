// Writes queued during one turn of the event loop leave together, one syscall per
// connection (issue #3: fewer, larger writes are how to go below the per-frame
// kernel cost). One setImmediate serves every connection with something queued.

/** A connection that holds queued bytes until {@link scheduleFlush} runs it. */
export interface Flushable {
  flush(): void;
}

const pending: Flushable[] = [];
let isScheduled = false;

function flushPending(): void {
  isScheduled = false;
  // A flush can queue more (an error closing another session): the loop sees it.
  for (let i = 0; i < pending.length; i++) pending[i]!.flush();
  pending.length = 0;
}

/** Flushes `target` once, at the end of this turn of the event loop. Call it once per turn. */
export function scheduleFlush(target: Flushable): void {
  pending.push(target);
  if (!isScheduled) {
    isScheduled = true;
    setImmediate(flushPending);
  }
}
