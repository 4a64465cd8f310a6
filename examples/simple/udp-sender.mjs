// A UDP sender: sends each message as one datagram, prints the receiver's answer, then exits.
//
//   node examples/simple/udp-sender.mjs [url] [message...]   (default udp://127.0.0.1:4000, or HOST and PORT)
//
// UDP promises no delivery: an answer that does not come within 2 s is reported and the
// sender goes on. A message larger than a datagram (1200 bytes unless the receiver says
// otherwise) throws ENCHUFE_ERR_MESSAGE_TOO_LARGE. Exits with 1 when the receiver cannot
// be reached or refuses, a message is too large, or an answer is missing.
import { connect } from "enchufe/simple";

const [url = `udp://${process.env.HOST ?? "127.0.0.1"}:${process.env.PORT ?? 4000}`, ...messages] =
  process.argv.slice(2);

let conn;
try {
  conn = await connect(url, { timeout: 5000 });
  for (const message of messages.length > 0 ? messages : ["one", "two", "three"]) {
    conn.write(message);
    const answer = await conn.read({ timeout: 2000 }).catch(() => undefined);
    if (answer !== undefined) console.log(answer);
    else {
      console.error(`udp sender: no answer to "${message}"`);
      process.exitCode = 1;
    }
  }
} catch (error) {
  console.error(`udp sender: ${error.message}`);
  process.exitCode = 1;
} finally {
  conn?.close();
}
