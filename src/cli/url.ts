// The URL checks the CLI makes itself: that a URL is one at all, and for `connect`
// that its scheme is one enchufe's client takes (which listeners exist is the
// server's to say: it refuses what it does not know).
import { usageError } from "./cli-error.js";

/** Scheme, `://`, then something. */
const URL_SHAPE = /^[a-z][a-z0-9+.-]*:\/\/./i;

const EXAMPLES = "expected, say, http://localhost:3000, tcp://127.0.0.1:4000 or ipc:///tmp/app.sock";

/** Checks the shape only (`tcp://:4000` is fine for a listener). @throws CliError (usage) otherwise. */
export function checkUrlShape(url: string): void {
  if (!URL_SHAPE.test(url)) throw usageError(`invalid URL "${url}" (${EXAMPLES})`);
}

/** The schemes enchufe's Node client connects to. */
const CLIENT_SCHEMES = /^(https?|wss?|tcp|tls|ipc|udp):$/;

/** Checks that `url` parses as a URL the client takes. @throws CliError (usage) otherwise. */
export function checkUrl(url: string): void {
  checkUrlShape(url);
  if (!URL.canParse(url)) throw usageError(`invalid URL "${url}" (${EXAMPLES})`);
  const { protocol } = new URL(url);
  if (!CLIENT_SCHEMES.test(protocol)) {
    throw usageError(`cannot connect to ${protocol}// URLs: use http(s), ws(s), tcp, tls, ipc or udp`);
  }
}
