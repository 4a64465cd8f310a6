// Lines in, lines out, for `enchufe connect`: at a terminal a prompt that stays at
// the bottom while events print above it; otherwise (a pipe, a script, --json)
// plain lines from stdin and plain lines to stdout.
import { clearLine, createInterface, cursorTo, type Interface } from "node:readline";
import type { Readable, Writable } from "node:stream";

export interface LineInputHandlers {
  /** A line was typed or read. */
  line: (line: string) => void;
  /** The input ended (Ctrl-D, or the end of stdin). */
  end: () => void;
  /** Ctrl-C at the prompt. */
  interrupt: () => void;
}

export interface LineInput {
  /** Prints a line above the prompt (or just a line, without one). */
  print(line: string): void;
  /** Changes the prompt (at a terminal). */
  setPrompt(prompt: string): void;
  /** Stops reading; `end` is not called for it. */
  close(): void;
}

type Terminal = Writable & { isTTY?: boolean };

/** Whether `connect` should show a prompt: people at a terminal, not --json. */
export function isInteractive(input: Readable & { isTTY?: boolean }, output: Terminal, isJson: boolean): boolean {
  return !isJson && input.isTTY === true && output.isTTY === true;
}

export function openLineInput(
  input: Readable,
  output: Terminal,
  interactive: boolean,
  handlers: LineInputHandlers,
): LineInput {
  let isClosed = false;
  const rl: Interface = interactive
    ? createInterface({ input, output, terminal: true, prompt: "> " })
    : createInterface({ input, terminal: false, crlfDelay: Infinity });
  rl.on("line", (line) => {
    handlers.line(line);
    if (interactive && !isClosed) rl.prompt();
  });
  rl.on("close", () => {
    if (isClosed) return;
    isClosed = true;
    handlers.end();
  });
  if (interactive) {
    rl.on("SIGINT", () => handlers.interrupt());
    rl.prompt();
  }
  return {
    print(line) {
      if (!interactive || isClosed) {
        output.write(`${line}\n`);
        return;
      }
      clearLine(output, 0);
      cursorTo(output, 0);
      output.write(`${line}\n`);
      rl.prompt(true);
    },
    setPrompt(prompt) {
      rl.setPrompt(prompt);
    },
    close() {
      if (isClosed) return;
      isClosed = true;
      rl.close();
      if (interactive) output.write("\n");
      input.destroy(); // a paused pipe would keep the process alive
    },
  };
}
