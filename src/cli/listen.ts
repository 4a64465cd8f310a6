// `enchufe listen <url>`: a server for debugging a client. Every namespace is
// accepted; every connection, event and disconnect is reported; each event is
// echoed to its sender and each acknowledgement answered with what came.
import type { Socket } from "../server/socket.js";
import { flag, parseCommandArgs, readFileArg, stringOption, type OptionSpecs, type ParsedArgs } from "./args.js";
import { ExitCode, usageError } from "./cli-error.js";
import { styleFor, type CliContext } from "./context.js";
import { LISTEN_HELP } from "./help.js";
import { LISTENER_MODES } from "../server/raw-listener.js";
import { listenOn, type ListenTarget, type StreamMode } from "./listen-server.js";
import { createOutput, type Output } from "./output.js";
import { onShutdownSignal } from "./shutdown.js";
import { PLAIN } from "./style.js";
import { checkUrlShape } from "./url.js";

const LISTEN_OPTIONS: OptionSpecs = {
  "tls-key": { type: "string" },
  "tls-cert": { type: "string" },
  mode: { type: "string" },
  "no-echo": { type: "boolean" },
  json: { type: "boolean" },
};

/** The longest a graceful close may take before the process leaves anyway. */
const CLOSE_TIMEOUT_MS = 5000;

export async function runListen(argv: readonly string[], context: CliContext): Promise<number> {
  const args = parseCommandArgs("listen", argv, LISTEN_OPTIONS, 1);
  if (flag(args, "help")) {
    context.stdout.write(LISTEN_HELP);
    return ExitCode.OK;
  }
  const target = listenTarget(args);
  const isJson = flag(args, "json");
  const isEcho = !flag(args, "no-echo");
  const output = createOutput(isJson, isJson ? PLAIN : styleFor(context), (line) => context.stdout.write(`${line}\n`));

  const server = await listenOn(target);
  const onConnection = (socket: Socket): void => watch(socket, output, isEcho);
  server.io.on("connection", onConnection);
  server.io.of(/^\/.+/).on("connection", onConnection); // every other namespace

  // Handlers first: whoever reads "listening" may signal at once.
  const stopped = new Promise<number>((resolve) => {
    const shutdown = onShutdownSignal(context, () => {
      output.report({ type: "closing" });
      const timer = setTimeout(() => resolve(ExitCode.OK), CLOSE_TIMEOUT_MS);
      void server.close().finally(() => {
        clearTimeout(timer);
        shutdown.remove();
        resolve(ExitCode.OK);
      });
    });
  });
  output.report({
    type: "listening",
    url: server.url,
    echo: isEcho,
    ...(target.mode !== undefined && { mode: target.mode }),
  });
  return stopped;
}

function listenTarget(args: ParsedArgs): ListenTarget {
  const url = args.positionals[0];
  if (url === undefined) throw usageError('missing URL: enchufe listen <url> (see "enchufe listen --help")');
  checkUrlShape(url);
  const keyFile = stringOption(args, "tls-key");
  const certFile = stringOption(args, "tls-cert");
  if ((keyFile === undefined) !== (certFile === undefined)) throw usageError("--tls-key and --tls-cert go together");
  const mode = stringOption(args, "mode");
  if (mode !== undefined && !(LISTENER_MODES as readonly string[]).includes(mode)) {
    throw usageError(`--mode must be one of ${LISTENER_MODES.join(", ")}, got "${mode}"`);
  }
  return {
    url,
    tls:
      keyFile === undefined || certFile === undefined
        ? undefined
        : { key: readFileArg(keyFile, "--tls-key"), cert: readFileArg(certFile, "--tls-cert") },
    mode: mode as StreamMode | undefined,
  };
}

/** Reports what `socket` does, and echoes. */
function watch(socket: Socket, output: Output, isEcho: boolean): void {
  const namespace = socket.nsp.name;
  const id = socket.id;
  output.report({
    type: "connection",
    socket: id,
    namespace,
    transport: socket.conn.transport.name,
    address: socket.handshake.address || "local",
  });
  const onUpgrade = (transport: { name: string }): void =>
    output.report({ type: "upgrade", socket: id, transport: transport.name });
  socket.conn.on("upgrade", onUpgrade);
  socket.on("disconnect", (reason) => {
    socket.conn.off("upgrade", onUpgrade); // a peer leaving and joining again on one connection must not pile them up
    output.report({ type: "disconnect", socket: id, namespace, reason });
  });
  socket.onAny((event: string, ...args: unknown[]) => {
    const ack =
      typeof args[args.length - 1] === "function" ? (args.pop() as (...answer: unknown[]) => void) : undefined;
    output.report({ type: "event", socket: id, namespace, event, args, ack: ack !== undefined });
    try {
      if (isEcho) socket.emit(event as never, ...(args as never[]));
    } catch (error) {
      output.report({ type: "error", message: `cannot echo "${event}": ${(error as Error).message}` });
    }
    try {
      ack?.(...args);
    } catch (error) {
      output.report({ type: "error", message: `cannot answer "${event}": ${(error as Error).message}` });
    }
  });
}
