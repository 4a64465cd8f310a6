// `enchufe connect <url>`: an interactive client. Lines from the prompt (or stdin)
// become commands for a ClientSession; what happens comes back as records for
// the Output. The first connection must succeed, or the command fails (exit 1).
import { describeError, ExitCode } from "./cli-error.js";
import { ClientSession } from "./client-session.js";
import { parseConnectArgs } from "./connect-options.js";
import { styleFor, type CliContext } from "./context.js";
import { CONNECT_HELP, PROMPT_HELP } from "./help.js";
import { safe } from "./human-format.js";
import { isInteractive, openLineInput, type LineInput } from "./line-input.js";
import { createOutput, type Output } from "./output.js";
import { parsePromptCommand, type PromptCommand } from "./prompt-command.js";
import { onShutdownSignal } from "./shutdown.js";
import { PLAIN } from "./style.js";

export async function runConnect(argv: readonly string[], context: CliContext): Promise<number> {
  const settings = parseConnectArgs(argv);
  if ("help" in settings) {
    context.stdout.write(CONNECT_HELP);
    return ExitCode.OK;
  }
  const interactive = isInteractive(context.stdin, context.stdout, settings.isJson);
  let input: LineInput | undefined;
  const output = createOutput(settings.isJson, settings.isJson ? PLAIN : styleFor(context), (line) =>
    input === undefined ? context.stdout.write(`${line}\n`) : input.print(line),
  );
  const session = new ClientSession(settings, output);

  return new Promise<number>((resolve) => {
    let isDone = false;
    const finish = (code: number): void => {
      if (isDone) return;
      isDone = true;
      shutdown.remove();
      input?.close();
      session.close();
      resolve(code);
    };
    const shutdown = onShutdownSignal(context, () => finish(ExitCode.OK));
    const started = session.start();
    started.catch((error: unknown) => {
      // The reason may be the server's own words (a connect_error): shown, not obeyed.
      context.stderr.write(`enchufe: cannot connect to ${settings.url}: ${safe(describeError(error))}\n`);
      finish(ExitCode.RUNTIME);
    });
    input = openLineInput(context.stdin, context.stdout, interactive, {
      line: (line) => {
        if (!isDone) run(line, session, output, input!, () => finish(ExitCode.OK));
      },
      // The end of stdin: wait (bounded) for the connection and what is still owed, then leave.
      end: () => {
        void started
          .then(() => session.settle(settings.ackTimeoutMs))
          .then(
            () => finish(ExitCode.OK),
            () => {},
          );
      },
      interrupt: () => shutdown.interrupt(),
    });
  });
}

/** Runs one line's command; a bad line is reported and the session goes on. */
function run(line: string, session: ClientSession, output: Output, input: LineInput, quit: () => void): void {
  let command: PromptCommand;
  try {
    command = parsePromptCommand(line);
  } catch (error) {
    output.report({ type: "error", message: (error as Error).message });
    return;
  }
  switch (command.kind) {
    case "emit":
      return session.emit(command.event, command.args);
    case "call":
      return session.call(command.event, command.args, command.id, command.timeoutMs);
    case "send":
      return session.send(command.text);
    case "ns":
      session.use(command.namespace);
      input.setPrompt(session.namespace === "/" ? "> " : `${session.namespace}> `);
      return;
    case "connect":
      return session.connect();
    case "disconnect":
      return session.disconnect();
    case "help":
      return output.report({ type: "help", lines: [...PROMPT_HELP] });
    case "quit":
      return quit();
    case "nothing":
      return;
  }
}
