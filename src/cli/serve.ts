// `enchufe serve`: the demo (chat, dashboard, line port), with its addresses
// printed, and a graceful shutdown on SIGTERM or SIGINT (a second one exits at once).
import { startDemo, type DemoServer } from "../demo/index.js";
import { CliError, ExitCode } from "./cli-error.js";
import { styleFor, type CliContext } from "./context.js";
import { SERVE_HELP } from "./help.js";
import { parseServeArgs, redisNotice } from "./serve-options.js";
import { onShutdownSignal } from "./shutdown.js";
import type { Style } from "./style.js";

/** The longest a graceful shutdown may take before the process leaves anyway. */
const SHUTDOWN_TIMEOUT_MS = 30_000;

export async function runServe(argv: readonly string[], context: CliContext): Promise<number> {
  const settings = parseServeArgs(argv, context.env);
  if ("help" in settings) {
    context.stdout.write(SERVE_HELP);
    return ExitCode.OK;
  }
  const notice = redisNotice(context.env);
  if (notice !== undefined) context.stderr.write(`enchufe: ${notice}\n`);
  const style = styleFor(context);
  const print = (line: string): void => void context.stdout.write(`${line}\n`);
  let demo: DemoServer;
  // The demo's own start-up lines say what the banner below says better; later ones (shutting down…) are shown.
  let isStarted = false;
  const log = (line: string): void => {
    if (isStarted) print(style.dim(line));
  };
  try {
    demo = await startDemo({ ...settings, log });
  } catch (error) {
    throw new CliError(`cannot serve the demo: ${(error as Error).message}`, ExitCode.RUNTIME, { cause: error });
  }
  // Handlers first: whoever reads the banner may signal at once.
  const stopped = new Promise<number>((resolve) => {
    const shutdown = onShutdownSignal(context, (signal) => {
      print(style.dim(`${signal}: shutting down (again to exit at once)`));
      const timer = setTimeout(() => resolve(ExitCode.RUNTIME), SHUTDOWN_TIMEOUT_MS);
      demo.close().then(
        () => {
          clearTimeout(timer);
          shutdown.remove();
          resolve(ExitCode.OK);
        },
        (error: unknown) => {
          clearTimeout(timer);
          context.stderr.write(`enchufe: shutdown failed: ${(error as Error).message}\n`);
          resolve(ExitCode.RUNTIME);
        },
      );
    });
  });
  isStarted = true;
  for (const line of banner(demo, settings.adminPassword !== undefined, style)) print(line);
  return stopped;
}

/** Where the demo is, for people: the chat, nc, the dashboard, health. */
function banner(demo: DemoServer, isAdminOn: boolean, style: Style): string[] {
  const lines = [style.bold("enchufe demo"), `  chat        ${style.cyan(`${demo.url}/`)}`];
  if (demo.lineUrl !== undefined) {
    const { hostname, port } = new URL(demo.lineUrl);
    const command = demo.lineUrl.startsWith("tls:")
      ? `openssl s_client -quiet -connect ${hostname}:${port}`
      : `nc ${hostname} ${port}`;
    lines.push(`  terminal    ${style.cyan(command)}`);
  }
  lines.push(
    isAdminOn
      ? `  dashboard   ${style.cyan(`${demo.url}/admin`)}`
      : `  dashboard   ${style.dim("off: set ENCHUFE_ADMIN_PASSWORD to enable /admin")}`,
    `  health      ${style.cyan(`${demo.url}/healthz`)}`,
    style.dim("Ctrl-C to stop"),
  );
  return lines;
}
