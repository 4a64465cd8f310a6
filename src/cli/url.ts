// The only URL checks the CLI makes itself: that a URL is one at all. Which
// schemes work is for the client and the server to say (they know udp:// the day
// it lands), so that the CLI never lags behind them.
import { usageError } from "./cli-error.js";

/** Scheme, `://`, then something. */
const URL_SHAPE = /^[a-z][a-z0-9+.-]*:\/\/./i;

const EXAMPLES = "expected, say, http://localhost:3000, tcp://127.0.0.1:4000 or ipc:///tmp/app.sock";

/** Checks the shape only (`tcp://:4000` is fine for a listener). @throws CliError (usage) otherwise. */
export function checkUrlShape(url: string): void {
  if (!URL_SHAPE.test(url)) throw usageError(`invalid URL "${url}" (${EXAMPLES})`);
}

/** Checks that `url` parses as a URL. @throws CliError (usage) otherwise. */
export function checkUrl(url: string): void {
  checkUrlShape(url);
  if (!URL.canParse(url)) throw usageError(`invalid URL "${url}" (${EXAMPLES})`);
}
