// `enchufe serve`'s settings: flags first, then the environment (PORT and HOST as
// PaaS set them, ENCHUFE_* for the rest), read into the demo's options.
import type { DemoOptions } from "../demo/index.js";
import { flag, parseCommandArgs, parsePort, readFileArg, stringOption, type OptionSpecs } from "./args.js";
import { usageError } from "./cli-error.js";

export const SERVE_OPTIONS: OptionSpecs = {
  port: { type: "string" },
  host: { type: "string" },
  "line-port": { type: "string" },
  "no-line": { type: "boolean" },
  "tls-key": { type: "string" },
  "tls-cert": { type: "string" },
  "trust-proxy": { type: "string" },
  redis: { type: "string" },
};

/** Values of ENCHUFE_LINE_PORT that turn the line port off. */
const OFF = new Set(["off", "false", "no", "none"]);

/** The demo's options, without `log` (the command adds it). */
export type ServeSettings = Omit<DemoOptions, "log">;

/** Reads `enchufe serve`'s flags and environment. @throws CliError (usage) for anything wrong. */
export function parseServeArgs(argv: readonly string[], env: NodeJS.ProcessEnv): { help: true } | ServeSettings {
  const args = parseCommandArgs("serve", argv, SERVE_OPTIONS, 0);
  if (flag(args, "help")) return { help: true };
  // Asked for on the command line, Redis is refused; REDIS_URL alone (a PaaS add-on sets it
  // for other uses too) only earns a notice: see redisNotice().
  if (stringOption(args, "redis") !== undefined) {
    throw usageError(
      "Redis is not available yet (a later version adds the Redis adapter); serve in memory without --redis",
    );
  }
  const settings: ServeSettings = {};
  const port = stringOption(args, "port") ?? nonEmpty(env.PORT);
  if (port !== undefined) settings.port = parsePort(port, stringOption(args, "port") === undefined ? "PORT" : "--port");
  const host = stringOption(args, "host") ?? nonEmpty(env.HOST);
  if (host !== undefined) settings.host = host;
  const linePort = lineSetting(stringOption(args, "line-port"), flag(args, "no-line"), nonEmpty(env.ENCHUFE_LINE_PORT));
  if (linePort !== undefined) settings.linePort = linePort;
  const tls = tlsSetting(args.values, env);
  if (tls !== undefined) settings.tls = tls;
  const trustProxy = stringOption(args, "trust-proxy") ?? nonEmpty(env.ENCHUFE_TRUST_PROXY);
  if (trustProxy !== undefined) settings.trustProxy = trustProxySetting(trustProxy);
  const adminPassword = nonEmpty(env.ENCHUFE_ADMIN_PASSWORD);
  if (adminPassword !== undefined) settings.adminPassword = adminPassword;
  return settings;
}

/** What `serve` says on stderr when REDIS_URL is set: it cannot use it yet, and serves from memory. */
export function redisNotice(env: NodeJS.ProcessEnv): string | undefined {
  if (nonEmpty(env.REDIS_URL) === undefined) return undefined;
  return "REDIS_URL is set, but Redis is not available yet (a later version adds the Redis adapter): serving from memory, one node";
}

/** `true`/`false`, or the number of proxies in front (X-Forwarded-For hops to trust). */
function trustProxySetting(value: string): boolean | number {
  const text = value.trim().toLowerCase();
  if (text === "true" || text === "yes") return true;
  if (text === "false" || text === "no") return false;
  if (/^\d{1,2}$/.test(text)) return Number(text);
  throw usageError(`--trust-proxy/ENCHUFE_TRUST_PROXY must be true, false or a number of proxies, got "${value}"`);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}

function lineSetting(
  flagValue: string | undefined,
  isOff: boolean,
  envValue: string | undefined,
): number | false | undefined {
  if (isOff) {
    if (flagValue !== undefined) throw usageError("--line-port and --no-line contradict each other");
    return false;
  }
  if (flagValue !== undefined) return parsePort(flagValue, "--line-port");
  if (envValue === undefined) return undefined;
  return OFF.has(envValue.trim().toLowerCase()) ? false : parsePort(envValue, "ENCHUFE_LINE_PORT");
}

/**
 * The key and certificate: flags name files; ENCHUFE_TLS_KEY and ENCHUFE_TLS_CERT
 * hold a file name or the PEM text itself (as a PaaS secret often does).
 */
function tlsSetting(values: Readonly<Record<string, unknown>>, env: NodeJS.ProcessEnv): DemoOptions["tls"] {
  const keyFlag = values["tls-key"] as string | undefined;
  const certFlag = values["tls-cert"] as string | undefined;
  const key =
    keyFlag === undefined ? pemOrFile(env.ENCHUFE_TLS_KEY, "ENCHUFE_TLS_KEY") : readFileArg(keyFlag, "--tls-key");
  const cert =
    certFlag === undefined ? pemOrFile(env.ENCHUFE_TLS_CERT, "ENCHUFE_TLS_CERT") : readFileArg(certFlag, "--tls-cert");
  if (key === undefined && cert === undefined) return undefined;
  if (key === undefined || cert === undefined) {
    throw usageError(
      "HTTPS needs both a key and a certificate (--tls-key and --tls-cert, or ENCHUFE_TLS_KEY and ENCHUFE_TLS_CERT)",
    );
  }
  return { key, cert };
}

function pemOrFile(value: string | undefined, name: string): string | Buffer | undefined {
  const text = nonEmpty(value);
  if (text === undefined) return undefined;
  return text.trimStart().startsWith("-----BEGIN") ? text : readFileArg(text, name);
}
