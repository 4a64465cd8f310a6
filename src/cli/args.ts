// Command-line parsing: node:util's parseArgs, with its errors turned into one
// clear usage line, and the value checks every command shares (ports, numbers,
// files, key=value pairs).
import { readFileSync } from "node:fs";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { CliError, describeError, usageError } from "./cli-error.js";

/** The options of a command, as parseArgs takes them (every command also has `--help`). */
export type OptionSpecs = NonNullable<ParseArgsConfig["options"]>;

/** What a command's line holds once parsed. */
export interface ParsedArgs {
  /** Each option by name: a string, a boolean, or an array for options that may repeat. */
  readonly values: Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>;
  readonly positionals: readonly string[];
}

/**
 * Parses `argv` for `command` (`"connect"`, …) against `options`.
 * @throws CliError (usage) for an unknown option, a missing value or a stray argument.
 */
export function parseCommandArgs(
  command: string,
  argv: readonly string[],
  options: OptionSpecs,
  maxPositionals: number,
): ParsedArgs {
  let parsed: ParsedArgs;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { help: { type: "boolean", short: "h" }, ...options },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw usageError(`${explainParseError(error)} (see "enchufe ${command} --help")`);
  }
  if (parsed.values.help !== true && parsed.positionals.length > maxPositionals) {
    const extra = parsed.positionals[maxPositionals]!;
    throw usageError(`unexpected argument "${extra}" (see "enchufe ${command} --help")`);
  }
  return parsed;
}

/** parseArgs's long messages, shortened to what went wrong. */
function explainParseError(error: unknown): string {
  const { code, message } = error as { code?: string; message?: string };
  const option = /'(-[^' ]*)/.exec(message ?? "")?.[1];
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") return `unknown option "${option ?? "?"}"`;
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
    return option !== undefined && /argument missing/.test(message ?? "")
      ? `option "${option}" needs a value`
      : `option "${option ?? "?"}" takes no value`;
  }
  return message ?? String(error);
}

/** A string option's value, or undefined when absent. */
export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const value = args.values[name];
  return typeof value === "string" ? value : undefined;
}

/** A repeatable string option's values (none when absent). */
export function stringList(args: ParsedArgs, name: string): string[] {
  const value = args.values[name];
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === "string");
  return typeof value === "string" ? [value] : [];
}

/** Whether a boolean flag was given. */
export function flag(args: ParsedArgs, name: string): boolean {
  return args.values[name] === true;
}

/** A TCP port (0 to 65535) from a flag or an environment variable called `what`. */
export function parsePort(text: string, what: string): number {
  const port = /^\d{1,5}$/.test(text.trim()) ? Number(text) : NaN;
  if (!(port >= 0 && port <= 65535)) throw usageError(`${what} must be a port number from 0 to 65535, got "${text}"`);
  return port;
}

/** The longest delay a timer takes (Node fires longer ones at once): 2^31 - 1 ms, about 24.8 days. */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** A whole number from `min` to `max`, from a flag called `what`. */
export function parseInteger(text: string, what: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const value = /^\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!(value >= min && value <= max)) {
    throw usageError(`${what} must be a whole number from ${min} to ${max}, got "${text}"`);
  }
  return value;
}

/** `key=value` pairs (from repeated `--query k=v`) as an object. */
export function parsePairs(pairs: readonly string[], what: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const pair of pairs) {
    const equals = pair.indexOf("=");
    if (equals <= 0) throw usageError(`${what} takes key=value, got "${pair}"`);
    result[pair.slice(0, equals)] = pair.slice(equals + 1);
  }
  return result;
}

/** The bytes of the file a flag names. @throws CliError (runtime) when it cannot be read. */
export function readFileArg(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new CliError(`cannot read ${what} "${path}": ${describeError(error)}`);
  }
}
