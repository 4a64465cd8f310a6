// enchufe/client against enchufe's own server: the shared client suites, once per
// transport setting (default: polling then the upgrade; polling only; WebSocket only;
// the raw streams, tcp, tls and ipc, and udp's datagrams, which only enchufe's server listens on).
import { afterEach, describe } from "node:test";
import {
  closeAll,
  hasHttp,
  streamOf,
  transportLabel,
  type Setup,
  type TransportSetting,
} from "../helpers/client-peers.js";
import { connectSuite } from "./suites/connect.js";
import { cookieSuite } from "./suites/cookies.js";
import { datagramSuite } from "./suites/datagram.js";
import { disconnectSuite } from "./suites/disconnect.js";
import { eventsSuite } from "./suites/events.js";
import { reconnectionSuite } from "./suites/reconnection.js";
import { retriesSuite } from "./suites/retries.js";

afterEach(closeAll);

const settings: TransportSetting[] = [undefined, ["polling"], ["websocket"], ["tcp"], ["tls"], ["ipc"], ["udp"]];
for (const transports of settings) {
  const setup: Setup = { kind: "enchufe", transports };
  describe(`enchufe server, transports: ${transportLabel(transports)}`, () => {
    connectSuite(setup);
    eventsSuite(setup);
    disconnectSuite(setup);
    reconnectionSuite(setup);
    retriesSuite(setup);
    // The cookie travels on HTTP requests of the session: polling's.
    if (hasHttp(setup) && transports?.[0] !== "websocket") cookieSuite(setup);
    // Datagram sizes, loss and forgotten sessions: UDP's alone. Every shared test above runs on
    // udp too: on the loopback nothing is lost or reordered, so none depends on what UDP lacks.
    if (streamOf(setup) === "udp") datagramSuite(setup);
  });
}
