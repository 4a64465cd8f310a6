#!/usr/bin/env node
// The `enchufe` command: picks the command, runs it, and turns its outcome into
// an exit code. Expected failures are one line on stderr (`enchufe: …`); only a
// bug shows a stack trace.
import { ArgumentError } from "../errors.js";
import { CliError, ExitCode, usageError } from "./cli-error.js";
import { processContext, type CliContext } from "./context.js";
import { MAIN_HELP } from "./help.js";
import { packageVersion } from "./version.js";

type Command = (argv: readonly string[], context: CliContext) => Promise<number>;

/** Each command, loaded when asked for: `enchufe --help` need not load a server. */
const COMMANDS: Readonly<Record<string, () => Promise<Command>>> = {
  serve: async () => (await import("./serve.js")).runServe,
  connect: async () => (await import("./connect.js")).runConnect,
  listen: async () => (await import("./listen.js")).runListen,
};

/** Runs the command line `argv` (without `node` and the script) and resolves with the exit code. */
export async function main(argv: readonly string[], context: CliContext): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === "--version" || name === "-v") {
      context.stdout.write(`${packageVersion()}\n`);
      return ExitCode.OK;
    }
    if (name === "--help" || name === "-h" || name === "help") {
      if (name === "help" && rest[0] !== undefined && Object.hasOwn(COMMANDS, rest[0]))
        return await run(rest[0], ["--help"], context);
      context.stdout.write(MAIN_HELP);
      return ExitCode.OK;
    }
    if (name === undefined) {
      context.stderr.write(MAIN_HELP);
      return ExitCode.USAGE;
    }
    if (name.startsWith("-")) throw usageError(`unknown option "${name}" (see "enchufe --help")`);
    // hasOwn, not `in`: "toString" is no command.
    if (!Object.hasOwn(COMMANDS, name)) {
      throw usageError(
        `unknown command "${name}" (commands: ${Object.keys(COMMANDS).join(", ")}; see "enchufe --help")`,
      );
    }
    return await run(name, rest, context);
  } catch (error) {
    return report(error, context);
  }
}

async function run(name: string, argv: readonly string[], context: CliContext): Promise<number> {
  const command = await COMMANDS[name]!();
  return command(argv, context);
}

function report(error: unknown, context: CliContext): number {
  if (error instanceof CliError) {
    context.stderr.write(`enchufe: ${error.message}\n`);
    return error.exitCode;
  }
  if (error instanceof ArgumentError) {
    context.stderr.write(`enchufe: ${error.message}\n`);
    return ExitCode.USAGE;
  }
  context.stderr.write(`enchufe: unexpected error (a bug; please report it): ${String(error)}\n`);
  if (error instanceof Error && error.stack !== undefined) context.stderr.write(`${error.stack}\n`);
  return ExitCode.RUNTIME;
}

/** How long the process may take to wind down by itself (sockets closing) before it is made to exit. */
const EXIT_GRACE_MS = 2000;

// A reader that went away (`enchufe listen … | head`) ends the program quietly, as for any Unix tool.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(ExitCode.OK);
  throw error;
});

void main(process.argv.slice(2), processContext()).then((code) => {
  process.exitCode = code;
  // Open handles (a closing socket, stdin) end on their own; this unreferenced timer fires only if one does not.
  setTimeout(() => process.exit(code), EXIT_GRACE_MS).unref();
});
