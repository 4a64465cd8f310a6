// What a command runs with: the process's streams, environment and signals,
// passed in rather than reached for, so that each command reads as a function
// of its inputs.
import type { Readable, Writable } from "node:stream";
import { isColourWanted, COLOURED, PLAIN, type Style } from "./style.js";

export interface CliContext {
  readonly stdin: Readable & { isTTY?: boolean };
  readonly stdout: Writable & { isTTY?: boolean };
  readonly stderr: Writable;
  readonly env: NodeJS.ProcessEnv;
  /** Where SIGINT and SIGTERM arrive: the process. */
  readonly signals: Pick<NodeJS.Process, "on" | "off">;
}

/** The context of the running process. */
export function processContext(): CliContext {
  return { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env, signals: process };
}

/** Colours for stdout, when it is a terminal and NO_COLOR is unset. */
export function styleFor(context: CliContext): Style {
  return isColourWanted(context.stdout, context.env) ? COLOURED : PLAIN;
}
