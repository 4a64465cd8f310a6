// The text of `--help` for enchufe and each command, and of `help` at the prompt.
// docs/cli.md says the same at length.
import { MANAGER_DEFAULTS } from "../client/options.js";
import { DEFAULT_ACK_TIMEOUT_MS } from "./connect-options.js";

export const MAIN_HELP = `enchufe: real-time sockets from the command line

Usage:
  enchufe serve [options]          run the demo: chat, dashboard, and a line port for nc
  enchufe connect <url> [options]  an interactive client for any enchufe or Socket.IO server
  enchufe listen <url> [options]   a server that prints every connection and event, and echoes

  enchufe <command> --help         the options of a command
  enchufe --version                the version

URLs: http(s)://host:port (polling, then WebSocket), ws(s)://host:port (WebSocket),
      tcp://host:port, tls://host:port, ipc:///path/to/socket, udp://host:port

Exit codes: 0 done, 1 runtime error (port in use, connection refused), 2 usage error.
`;

export const SERVE_HELP = `Usage: enchufe serve [options]

Runs the demo: the chat and the dashboard over HTTP, and a TCP line port that
\`nc\` joins. Flags win over environment variables.

Options:
  --port <n>           HTTP port (env PORT; default 3000; 0 for any free port)
  --host <host>        address to listen on (env HOST; default: all)
  --line-port <n>      TCP line port for nc/telnet (env ENCHUFE_LINE_PORT; default 4000)
  --no-line            no line port (or ENCHUFE_LINE_PORT=off)
  --trust-proxy <v>    true, or the number of proxies in front: client addresses from
                       X-Forwarded-For (env ENCHUFE_TRUST_PROXY; default false)
  --tls-key <file>     serve HTTPS with this key (env ENCHUFE_TLS_KEY: a file or PEM text)
  --tls-cert <file>    and this certificate (env ENCHUFE_TLS_CERT: a file or PEM text)
  --redis <url>        Redis for several nodes (env REDIS_URL): not available yet
  -h, --help           this help

Environment:
  ENCHUFE_ADMIN_PASSWORD   enables the dashboard at /admin, behind this password
                           (an environment variable only, so that it stays out of \`ps\`)

SIGTERM or SIGINT shuts down gracefully (exit 0); a second one exits at once.
`;

export const CONNECT_HELP = `Usage: enchufe connect <url> [options]

Connects to a server and shows what happens: events with their arguments,
connection changes, acknowledgements. Type commands at the prompt (see "help"
once connected), or pipe them in.

  enchufe connect http://localhost:3000          polling, then WebSocket
  enchufe connect ws://localhost:3000/admin      WebSocket, namespace /admin
  enchufe connect tcp://localhost:4000 --json    one JSON object per line

Options:
  -n, --namespace <name>   namespace to join (default: the URL's path, or /)
  --auth <json>            the CONNECT payload (handshake.auth), a JSON object
  --query <key=value>      a query parameter (repeatable; http(s)://, ws(s)://)
  --transport <name>       websocket or polling only (default: polling then WebSocket
                           for http(s)://, WebSocket for ws(s)://)
  --ca <file>              trust this CA certificate (PEM) for https://, wss://, tls://
  --cert <file>            a client certificate (PEM), for mutual TLS, with --key
  --key <file>             the client certificate's key (PEM)
  --insecure               do not check the server's certificate (trials only)
  --no-reconnect           do not reconnect after a lost connection
  --timeout <ms>           time to connect before giving up (default ${MANAGER_DEFAULTS.timeout})
  --ack-timeout <ms>       time "call" waits for an acknowledgement (default ${DEFAULT_ACK_TIMEOUT_MS})
  --json                   machine mode: JSON lines out, commands from stdin
  -h, --help               this help

Exits 1 when the first connection fails (refused, timed out, refused by the server).
`;

export const LISTEN_HELP = `Usage: enchufe listen <url> [options]

A server for debugging a client: prints every connection, event and disconnect,
echoes each event back to its sender, and answers acknowledgements with the
arguments received. Every namespace is accepted.

  enchufe listen http://127.0.0.1:3000           WebSocket and polling
  enchufe listen tcp://127.0.0.1:4000            enchufe's framing (docs/protocol.md)
  enchufe listen tcp://127.0.0.1:4001 --mode line   nc and telnet: one line, one message
  enchufe listen ipc:///tmp/app.sock

Options:
  --tls-key <file>     key (PEM) for tls://, https://, wss://
  --tls-cert <file>    certificate (PEM) for tls://, https://, wss://
  --mode <mode>        tcp://, tls://, ipc:// only: engine.io (default), line, raw, sized
  --no-echo            print only; do not echo events (acknowledgements are still answered)
  --json               one JSON object per line
  -h, --help           this help

SIGTERM or SIGINT closes the server (exit 0); a second one exits at once.
`;

/** What `help` shows at the prompt of `enchufe connect`. */
export const PROMPT_HELP: readonly string[] = [
  'Commands (arguments are JSON when they parse as JSON, else text: emit chat hola = emit chat "hola"):',
  "  emit <event> [args…]   send an event",
  "  call <event> [args…]   send an event with an acknowledgement; shows its answer and latency",
  '  send <text>            send the rest of the line as a "message" event',
  "  ns [/name]             open a namespace on this connection and send there; alone: list them",
  "  disconnect             leave the current namespace",
  "  connect                join it again",
  "  help                   this list",
  "  quit                   leave (also Ctrl-C, Ctrl-D)",
  'Bytes are {"$binary":"<base64>"}. A line starting with { is a JSON command:',
  '  {"command":"call","event":"echo","args":["hi"],"id":"q1","timeout":5000}',
];
