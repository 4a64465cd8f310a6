// SIGINT and SIGTERM: the first asks the command to stop cleanly, a second one
// (someone pressing Ctrl-C again, a supervisor losing patience) exits at once.
import { constants } from "node:os";
import type { CliContext } from "./context.js";

export type ShutdownSignal = "SIGINT" | "SIGTERM";

/**
 * Calls `stop` on the first SIGINT or SIGTERM; on the second, exits at once with
 * 128 + the signal's number (130, 143), as shells report a process a signal ended.
 * `interrupt()` counts as a signal too (Ctrl-C read by a prompt in raw mode);
 * `remove()` takes the handlers away.
 */
export function onShutdownSignal(
  context: CliContext,
  stop: (signal: ShutdownSignal) => void,
): { interrupt: () => void; remove: () => void } {
  let isStopping = false;
  const handle = (signal: ShutdownSignal): void => {
    if (isStopping) process.exit(128 + constants.signals[signal]);
    isStopping = true;
    stop(signal);
  };
  const signals: ShutdownSignal[] = ["SIGINT", "SIGTERM"];
  for (const signal of signals) context.signals.on(signal, handle);
  return {
    interrupt: () => handle("SIGINT"),
    remove: () => {
      for (const signal of signals) context.signals.off(signal, handle);
    },
  };
}
