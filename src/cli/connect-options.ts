// `enchufe connect`'s command line, read into the client's options.
import type { ClientOptions } from "../client/node.js";
import {
  flag,
  parseCommandArgs,
  parseInteger,
  parsePairs,
  readFileArg,
  stringList,
  stringOption,
  type OptionSpecs,
  type ParsedArgs,
  MAX_TIMEOUT_MS,
} from "./args.js";
import { transportsOf } from "../simple/urls.js";
import { usageError } from "./cli-error.js";
import type { ClientSessionSettings } from "./client-session.js";
import { checkUrl } from "./url.js";

export const CONNECT_OPTIONS: OptionSpecs = {
  namespace: { type: "string", short: "n" },
  auth: { type: "string" },
  query: { type: "string", multiple: true },
  transport: { type: "string" },
  ca: { type: "string" },
  cert: { type: "string" },
  key: { type: "string" },
  insecure: { type: "boolean" },
  "no-reconnect": { type: "boolean" },
  timeout: { type: "string" },
  "ack-timeout": { type: "string" },
  json: { type: "boolean" },
};

/** How long `call` waits for an acknowledgement, unless told. */
export const DEFAULT_ACK_TIMEOUT_MS = 10_000;

export interface ConnectSettings extends ClientSessionSettings {
  readonly isJson: boolean;
}

/** Reads `enchufe connect` arguments. @throws CliError (usage) for anything wrong. */
export function parseConnectArgs(argv: readonly string[]): { help: true } | ConnectSettings {
  const args = parseCommandArgs("connect", argv, CONNECT_OPTIONS, 1);
  if (flag(args, "help")) return { help: true };
  const url = args.positionals[0];
  if (url === undefined) throw usageError('missing URL: enchufe connect <url> (see "enchufe connect --help")');
  checkUrl(url);
  const namespace = stringOption(args, "namespace");
  return {
    url,
    client: clientOptions(url, args),
    namespace: namespace === undefined ? undefined : namespace.startsWith("/") ? namespace : `/${namespace}`,
    ackTimeoutMs: optionalInteger(args, "ack-timeout") ?? DEFAULT_ACK_TIMEOUT_MS,
    isJson: flag(args, "json"),
  };
}

function optionalInteger(args: ParsedArgs, name: string): number | undefined {
  const text = stringOption(args, name);
  return text === undefined ? undefined : parseInteger(text, `--${name}`, 1, MAX_TIMEOUT_MS);
}

function clientOptions(url: string, args: ParsedArgs): ClientOptions {
  const options: ClientOptions = {};
  const auth = stringOption(args, "auth");
  if (auth !== undefined) options.auth = parseAuth(auth);
  const query = stringList(args, "query");
  if (query.length > 0) options.query = parsePairs(query, "--query");
  const transport = stringOption(args, "transport");
  if (transport !== undefined) {
    if (transport !== "websocket" && transport !== "polling") {
      throw usageError(`--transport must be websocket or polling, got "${transport}"`);
    }
    options.transports = [transport];
  } else {
    Object.assign(options, transportsOf(url));
  }
  const ca = stringOption(args, "ca");
  if (ca !== undefined) options.ca = readFileArg(ca, "--ca");
  const cert = stringOption(args, "cert");
  const key = stringOption(args, "key");
  if ((cert === undefined) !== (key === undefined)) throw usageError("--cert and --key go together");
  if (cert !== undefined && key !== undefined) {
    options.cert = readFileArg(cert, "--cert");
    options.key = readFileArg(key, "--key");
  }
  if (flag(args, "insecure")) options.rejectUnauthorized = false;
  if (flag(args, "no-reconnect")) options.reconnection = false;
  const timeout = optionalInteger(args, "timeout");
  if (timeout !== undefined) options.timeout = timeout;
  return options;
}

function parseAuth(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw usageError(`--auth takes a JSON object, got ${JSON.stringify(text)}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw usageError(`--auth takes a JSON object, got ${text}`);
  }
  return value as Record<string, unknown>;
}
