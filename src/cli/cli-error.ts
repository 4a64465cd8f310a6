// The CLI's errors and exit codes. An expected failure (a bad flag, a port in use,
// a refused connection) is a CliError: main prints its message as one line on
// stderr and exits with its code, never with a stack trace.

/** The exit codes of every command, documented in docs/cli.md. */
export const ExitCode = {
  /** The command did what it was asked. */
  OK: 0,
  /** Something failed at run time: a port in use, a refused connection, a file that cannot be read. */
  RUNTIME: 1,
  /** The command line (or the environment) is wrong: an unknown command or flag, a bad value or URL. */
  USAGE: 2,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** An expected failure: `message` is shown as `enchufe: <message>` and the process exits with `exitCode`. */
export class CliError extends Error {
  override name = "CliError";
  readonly exitCode: number;

  constructor(message: string, exitCode: number = ExitCode.RUNTIME, options?: ErrorOptions) {
    super(message, options);
    this.exitCode = exitCode;
  }
}

/** A wrong command line: exit code 2. */
export function usageError(message: string): CliError {
  return new CliError(message, ExitCode.USAGE);
}

/** Short words for the system errors people meet with sockets, by Node's error code. */
const SYSTEM_ERRORS: Readonly<Record<string, string>> = {
  EADDRINUSE: "address already in use",
  EADDRNOTAVAIL: "address not available on this machine",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset by peer",
  EPIPE: "connection closed by peer",
  ETIMEDOUT: "timed out",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host not found (DNS lookup failed)",
  ENOENT: "no such file or directory",
  EISDIR: "is a directory",
  ENOTSOCK: "not a socket",
};

/** The Node error code (`ECONNREFUSED`, …) somewhere in an error or its causes, if any. */
export function systemCodeOf(error: unknown): string | undefined {
  for (let current = error, depth = 0; current instanceof Object && depth < 5; depth++) {
    const { code, cause, description } = current as { code?: unknown; cause?: unknown; description?: unknown };
    if (typeof code === "string" && code in SYSTEM_ERRORS) return code;
    current = cause ?? description;
  }
  return undefined;
}

/**
 * One line saying what went wrong: the usual words for a system error
 * (`connection refused`), else the error's own message.
 */
export function describeError(error: unknown): string {
  const code = systemCodeOf(error);
  if (code !== undefined) return SYSTEM_ERRORS[code]!;
  if (error instanceof Error) {
    // A transport error often wraps the real cause ("xhr poll error" ← "socket hang up").
    const inner = (error as { description?: unknown }).description ?? error.cause;
    const detail = inner instanceof Error && inner.message !== error.message ? `: ${inner.message}` : "";
    return (error.message || error.name) + detail;
  }
  return String(error);
}
