// What `connect` and `listen` report, as records: the commands say what happened
// (`{ type: "event", … }`) and an Output writes it for people (one readable line,
// coloured on a TTY) or for scripts (one JSON object per line, --json).
import { formatHuman, safe } from "./human-format.js";
import type { Style } from "./style.js";
import { toJsonValue } from "./values.js";

/** Something that happened, as both output modes see it. Values in `args` and `data` are as received. */
export type OutputRecord =
  // Either side.
  | { type: "event"; namespace: string; event: string; args: unknown[]; socket?: string; ack?: boolean }
  | { type: "disconnect"; namespace: string; reason: string; socket?: string; willReconnect?: boolean }
  | { type: "upgrade"; transport: string; socket?: string }
  | { type: "error"; message: string }
  | { type: "info"; message: string }
  | { type: "help"; lines: string[] }
  // connect: the client's side.
  | { type: "connecting"; url: string }
  | { type: "connect"; namespace: string; socket: string; transport: string }
  | { type: "connect_error"; namespace: string; message: string; data?: unknown }
  | { type: "reconnect_attempt"; attempt: number }
  | { type: "reconnect"; attempt: number }
  | { type: "reconnect_failed" }
  | { type: "namespace"; namespace: string; namespaces: string[] }
  | { type: "ack"; id: string | number; namespace: string; event: string; latencyMs: number; args: unknown[] }
  | { type: "ack_error"; id: string | number; namespace: string; event: string; code?: string; message: string }
  // listen: the server's side.
  | { type: "listening"; url: string; echo: boolean; mode?: string }
  | { type: "connection"; socket: string; namespace: string; transport: string; address: string }
  | { type: "closing" };

/** Where records go. */
export interface Output {
  readonly isJson: boolean;
  report(record: OutputRecord): void;
}

/**
 * One record as one JSON line: binary as `{"$binary": base64}`. JSON.stringify leaves
 * C1 controls and bidi overrides raw; they are escaped too (the same JSON value), for
 * --json read at a terminal.
 */
export function formatJson(record: OutputRecord): string {
  const json: Record<string, unknown> = { ...record };
  if ("args" in record) json.args = record.args.map(toJsonValue);
  if ("data" in record) json.data = toJsonValue(record.data);
  return safe(JSON.stringify(json));
}

/** An Output that hands each formatted line to `writeLine`. */
export function createOutput(isJson: boolean, style: Style, writeLine: (line: string) => void): Output {
  return {
    isJson,
    report: isJson
      ? (record) => writeLine(formatJson(record))
      : (record) => {
          for (const line of formatHuman(record, style)) writeLine(line);
        },
  };
}
