// Helpers for the Spanish tutorial's tests: the programs of examples/tutorial/ run as
// real child processes (from the repo root, so that `enchufe`, `enchufe/client` and
// `enchufe/simple` resolve to dist/), and the tutorial's blocks read from
// docs/es/tutorial.md. Every wait is bounded.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { finish as finishProgram, startProgram, type Example, type Run } from "../simple/helpers.js";

/** The repository's root: this file runs from <build dir>/test/tutorial/. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

/** The tutorial, and the folder of its programs, relative to ROOT. */
export const TUTORIAL = "docs/es/tutorial.md";
export const EXAMPLES = "examples/tutorial";

/** How long a program may run before it is killed: each one ends by itself well within it. */
export const RUN_MS = 20_000;

/** Fails with a clear message when dist/ is missing: the programs import the package from it. */
export function assertBuilt(): void {
  for (const entry of ["dist/index.js", "dist/client/node.js", "dist/simple/index.js"]) {
    if (!existsSync(join(ROOT, entry))) {
      throw new Error(`${entry} is missing: run \`npm run build\` first (the tutorial's programs import enchufe)`);
    }
  }
}

/** A running program of the tutorial. */
export type Program = Example;

/** Starts `node examples/tutorial/<name> ...args` from the repo root, with a free port (PORT=0) unless `env` says. */
export function start(name: string, args: string[] = [], env: Record<string, string> = {}): Program {
  return startProgram(join(EXAMPLES, name), args, { PORT: "0", ...env });
}

/** Waits for a started program to end (killing it after `timeoutMs`): its exit code and output. */
export function finish(program: Program, timeoutMs = RUN_MS): Promise<Run> {
  return finishProgram(program, timeoutMs);
}

/** Runs a program to its end. */
export function run(name: string, args: string[] = [], env: Record<string, string> = {}): Promise<Run> {
  return finish(start(name, args, env));
}

/** Kills every program a test left running. */
export { cleanup } from "../simple/helpers.js";

/** Ports differ from run to run: `127.0.0.1:4000` and `localhost:39201` both become `<host>:PORT`. */
export function withoutPorts(text: string): string {
  return text.replace(/\b(127\.0\.0\.1|localhost):\d+/g, "$1:PORT");
}

/**
 * A fenced block of the tutorial, announced by the paragraph line right before it:
 * - `Archivo [`examples/tutorial/x.mjs`](../../examples/tutorial/x.mjs):` — the whole file;
 * - `Fragmento de [`examples/tutorial/x.mjs`](../../examples/tutorial/x.mjs):` — lines quoted from it;
 * - ``Salida de `node examples/tutorial/x.mjs --flag`:`` — what the program prints (port numbers aside).
 */
export interface Block {
  kind: "file" | "excerpt" | "output";
  /** The program's path, relative to the repo root (`examples/tutorial/x.mjs`). */
  path: string;
  /** For an output: the arguments of the command. */
  args: string[];
  body: string;
  /** The line of the announcing paragraph, from 1. */
  line: number;
}

const ANNOUNCED_FILE = /^(Archivo|Fragmento de) \[`(examples\/tutorial\/[^`]+)`\]\(\.\.\/\.\.\/([^)]+)\):$/;
const ANNOUNCED_OUTPUT = /^Salida de `node (examples\/tutorial\/\S+)((?: [^`]+)?)`:$/;

export function readTutorial(): string {
  return readFileSync(join(ROOT, TUTORIAL), "utf8");
}

/** Every announced block of the tutorial, in order. @throws when an announcement is not followed by a block. */
export function tutorialBlocks(markdown = readTutorial()): Block[] {
  const lines = markdown.split("\n");
  const blocks: Block[] = [];
  lines.forEach((text, index) => {
    const file = ANNOUNCED_FILE.exec(text);
    const output = ANNOUNCED_OUTPUT.exec(text);
    if (file === null && output === null) return;
    const fence = lines[index + 2] ?? "";
    if (lines[index + 1] !== "" || !fence.startsWith("```")) {
      throw new Error(`${TUTORIAL}:${index + 1}: "${text}" is not followed by a blank line and a fenced block`);
    }
    const end = lines.indexOf("```", index + 3);
    if (end === -1) throw new Error(`${TUTORIAL}:${index + 3}: the block is not closed`);
    const body = lines.slice(index + 3, end).join("\n") + "\n";
    if (file !== null) {
      if (file[2] !== file[3]) throw new Error(`${TUTORIAL}:${index + 1}: the link and its text name different files`);
      blocks.push({
        kind: file[1] === "Archivo" ? "file" : "excerpt",
        path: file[2]!,
        args: [],
        body,
        line: index + 1,
      });
    } else {
      const args = output![2]!.trim() === "" ? [] : output![2]!.trim().split(/\s+/);
      blocks.push({ kind: "output", path: output![1]!, args, body, line: index + 1 });
    }
  });
  return blocks;
}
