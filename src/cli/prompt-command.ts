// The commands `enchufe connect` reads at its prompt (or, with --json, from stdin):
// one line, one command, either as words (`emit chat "hola"`) or as a JSON object
// (`{"command": "emit", "event": "chat", "args": ["hola"]}`). Pure: text in, command out.
import { MAX_TIMEOUT_MS } from "./args.js";
import { usageError } from "./cli-error.js";
import { fromJsonValue, parseWord, splitWords } from "./values.js";

/** An acknowledgement's id, to find its answer in the output: given in JSON, else counted from 1. */
export type AckId = string | number;

export type PromptCommand =
  | { readonly kind: "emit"; readonly event: string; readonly args: readonly unknown[] }
  | {
      readonly kind: "call";
      readonly event: string;
      readonly args: readonly unknown[];
      readonly id?: AckId;
      readonly timeoutMs?: number;
    }
  | { readonly kind: "send"; readonly text: string }
  | { readonly kind: "ns"; readonly namespace?: string }
  | { readonly kind: "connect" | "disconnect" | "help" | "quit" | "nothing" };

/** The words a line may start with, for `help` and for error messages. */
export const COMMAND_NAMES = ["emit", "call", "send", "ns", "disconnect", "connect", "help", "quit"] as const;

/**
 * Reads one line. A line that starts with `{` is a JSON command; any other is words.
 * @throws CliError (usage) for an unknown command or missing arguments; the session goes on.
 */
export function parsePromptCommand(line: string): PromptCommand {
  const text = line.trim();
  if (text === "") return { kind: "nothing" };
  return text.startsWith("{") ? parseJsonCommand(text) : parseWordsCommand(text);
}

function parseWordsCommand(text: string): PromptCommand {
  const name = /^\S+/.exec(text)![0];
  const rest = text.slice(name.length).trim();
  switch (name.toLowerCase()) {
    case "emit":
    case "call": {
      const [first, ...words] = splitWords(rest);
      if (first === undefined) throw usageError(`usage: ${name.toLowerCase()} <event> [args…]`);
      const parsed = parseWord(first);
      const event = typeof parsed === "string" ? parsed : first;
      return { kind: name.toLowerCase() as "emit" | "call", event, args: words.map(parseWord) };
    }
    case "send":
      return { kind: "send", text: rest };
    case "ns":
    case "namespace":
      return rest === "" ? { kind: "ns" } : { kind: "ns", namespace: namespaceName(rest) };
    case "connect":
    case "disconnect":
    case "help":
    case "quit":
      return { kind: name.toLowerCase() as "connect" | "disconnect" | "help" | "quit" };
    case "exit":
    case "?":
      return { kind: name === "?" ? "help" : "quit" };
    default:
      throw usageError(`unknown command "${name}": type "help" for the list`);
  }
}

/** `/chat` as is; `chat` becomes `/chat`. */
function namespaceName(text: string): string {
  if (/\s/.test(text)) throw usageError(`a namespace has no spaces, got "${text}"`);
  return text.startsWith("/") ? text : `/${text}`;
}

function parseJsonCommand(text: string): PromptCommand {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw usageError(`invalid JSON command: ${(error as Error).message}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw usageError('a JSON command is an object with a "command" field');
  }
  const fields = value as Record<string, unknown>;
  const command = fields.command;
  switch (command) {
    case "emit":
    case "call": {
      const event = fields.event;
      if (typeof event !== "string" || event === "") throw usageError(`"${command}" needs "event", a string`);
      const args = fields.args ?? [];
      if (!Array.isArray(args)) throw usageError(`"args" must be an array`);
      const base = { event, args: args.map(fromJsonValue) };
      if (command === "emit") return { kind: "emit", ...base };
      const { id, timeout } = fields;
      if (id !== undefined && typeof id !== "string" && typeof id !== "number") {
        throw usageError(`"id" must be a string or a number`);
      }
      const isTimeout = typeof timeout === "number" && Number.isInteger(timeout) && timeout > 0;
      if (timeout !== undefined && !(isTimeout && timeout <= MAX_TIMEOUT_MS)) {
        throw usageError(`"timeout" must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}`);
      }
      return {
        kind: "call",
        ...base,
        ...(id !== undefined && { id }),
        ...(timeout !== undefined && { timeoutMs: timeout }),
      };
    }
    case "send":
      if (typeof fields.text !== "string") throw usageError(`"send" needs "text", a string`);
      return { kind: "send", text: fields.text };
    case "ns":
      if (fields.namespace === undefined) return { kind: "ns" };
      if (typeof fields.namespace !== "string") throw usageError(`"namespace" must be a string`);
      return { kind: "ns", namespace: namespaceName(fields.namespace) };
    case "connect":
    case "disconnect":
    case "help":
    case "quit":
      return { kind: command };
    default:
      throw usageError(`unknown command ${JSON.stringify(command)}: one of ${COMMAND_NAMES.join(", ")}`);
  }
}
