// The URL checks the CLI makes itself: that a URL is one at all, and for `connect`
// that its scheme is one enchufe's client takes (which listeners exist is the
// server's to say: it refuses what it does not know).
import { isClientUrl } from "../simple/urls.js";
import { usageError } from "./cli-error.js";

/** Scheme, `://`, then something. */
const URL_SHAPE = /^[a-z][a-z0-9+.-]*:\/\/./i;

const EXAMPLES = "expected, say, http://localhost:3000, tcp://127.0.0.1:4000 or ipc:///tmp/app.sock";

/** Checks the shape only (`tcp://:4000` is fine for a listener). @throws CliError (usage) otherwise. */
export function checkUrlShape(url: string): void {
  if (!URL_SHAPE.test(url)) throw usageError(`invalid URL "${url}" (${EXAMPLES})`);
}

/** Checks that `url` parses as a URL the client takes. @throws CliError (usage) otherwise. */
export function checkUrl(url: string): void {
  checkUrlShape(url);
  if (!URL.canParse(url)) throw usageError(`invalid URL "${url}" (${EXAMPLES})`);
  if (!isClientUrl(url)) {
    throw usageError(`cannot connect to ${new URL(url).protocol}// URLs: use http(s), ws(s), tcp, tls, ipc or udp`);
  }
}
