// A TCP echo client: sends each message, prints each reply, then closes and exits.
//
//   node examples/simple/tcp-echo-client.mjs [url] [message...]   (default tcp://127.0.0.1:4000, or HOST and PORT)
//
// Any URL works (ws://, http://, ipc:///path, …). Exits with 1 when the server cannot
// be reached, refuses the connection, closes it, or does not answer within 5 s.
import { connect } from "enchufe/simple";

const [url = `tcp://${process.env.HOST ?? "127.0.0.1"}:${process.env.PORT ?? 4000}`, ...messages] =
  process.argv.slice(2);

try {
  const conn = await connect(url, { timeout: 5000 });
  for (const message of messages.length > 0 ? messages : ["hello", "world"]) {
    conn.write(message);
    const reply = await conn.read({ timeout: 5000 });
    if (reply === undefined) throw new Error("the server closed the connection");
    console.log(reply);
  }
  conn.close();
} catch (error) {
  console.error(`echo client: ${error.message}`);
  process.exitCode = 1;
}
