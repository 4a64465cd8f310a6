// Records as people read them: a mark, what happened, and the values in short
// (`← chat "hola" <Buffer 3 bytes>`), coloured when the Style says so.
import type { OutputRecord } from "./output.js";
import type { Style } from "./style.js";
import { formatValue, formatValues } from "./values.js";

// What a peer sends (event names, reasons, messages) must not drive the terminal: control
// characters (ANSI escapes, C1) and bidirectional overrides are shown as \u escapes.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** `text` with the characters that could forge or hide output escaped. */
export function safe(text: string): string {
  return text.replace(UNSAFE, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** Where a record comes from: the socket id on a server, the namespace when it is not "/". */
function origin(record: { namespace: string; socket?: string }, style: Style): string {
  const parts = [record.socket, record.namespace === "/" ? undefined : record.namespace];
  const text = safe(parts.filter((part) => part !== undefined).join(" "));
  return text === "" ? "" : `${style.dim(text)} `;
}

function milliseconds(value: number): string {
  return `${value < 10 ? value.toFixed(2) : value.toFixed(1)} ms`;
}

/** The lines that show `record` (most records are one line). */
export function formatHuman(record: OutputRecord, style: Style): string[] {
  switch (record.type) {
    case "event": {
      const args = record.args.length === 0 ? "" : ` ${formatValues(record.args)}`;
      const ack = record.ack === true ? style.dim(" (ack requested)") : "";
      return [`${style.cyan("←")} ${origin(record, style)}${style.bold(safe(record.event))}${safe(args)}${ack}`];
    }
    case "disconnect": {
      const then =
        record.willReconnect === true ? " (reconnecting)" : record.willReconnect === false ? " (no reconnection)" : "";
      return [style.red(`✗ ${origin(record, style)}disconnected: ${safe(record.reason)}${then}`)];
    }
    case "upgrade":
      return [
        style.dim(`~ ${record.socket === undefined ? "" : `${record.socket} `}upgraded to ${safe(record.transport)}`),
      ];
    case "error":
      return [style.red(`! ${safe(record.message)}`)];
    case "info":
      return [style.dim(record.message)];
    case "help":
      return record.lines;
    case "connecting":
      return [style.dim(`connecting to ${record.url}…`)];
    case "connect":
      return [
        style.green(`✓ connected`) +
          ` ${record.namespace === "/" ? "" : `to ${record.namespace} `}` +
          style.dim(`(id ${safe(record.socket)}, ${record.transport})`), // the id is the server's word
      ];
    case "connect_error": {
      const data = record.data === undefined ? "" : ` ${formatValue(record.data)}`;
      return [
        style.red(`! ${record.namespace === "/" ? "" : `${record.namespace} `}connect_error: ${safe(record.message)}`) +
          safe(data),
      ];
    }
    case "reconnect_attempt":
      return [style.yellow(`… reconnecting (attempt ${record.attempt})`)];
    case "reconnect":
      return [style.green(`✓ reconnected after ${record.attempt} attempt${record.attempt === 1 ? "" : "s"}`)];
    case "reconnect_failed":
      return [style.red(`✗ gave up reconnecting (type "connect" to try again)`)];
    case "namespace":
      return [style.dim(`commands now go to ${record.namespace} (open: ${record.namespaces.join(", ")})`)];
    case "ack": {
      const args = record.args.length === 0 ? style.dim("(no arguments)") : formatValues(record.args);
      return [
        `${style.green("↩")} ${style.dim(`#${record.id}`)} ${safe(record.event)} ${style.dim(milliseconds(record.latencyMs))} ${safe(args)}`,
      ];
    }
    case "ack_error":
      return [style.red(`! #${record.id} ${safe(record.event)}: no acknowledgement: ${safe(record.message)}`)];
    case "listening": {
      const mode = record.mode === undefined || record.mode === "engine.io" ? "" : `, ${record.mode} mode`;
      return [style.green(`listening on ${record.url}`) + style.dim(` (echo ${record.echo ? "on" : "off"}${mode})`)];
    }
    case "connection":
      return [
        `${style.green("+")} ${style.dim(record.socket)} connected${record.namespace === "/" ? "" : ` to ${safe(record.namespace)}`}` +
          style.dim(` over ${safe(record.transport)} from ${safe(record.address)}`),
      ];
    case "closing":
      return [style.dim("closing…")];
  }
}
