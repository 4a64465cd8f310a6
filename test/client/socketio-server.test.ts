// enchufe/client against the npm socket.io 4.8 server: the shared client suites,
// once per transport setting, plus connection-state recovery (socket.io only).
import { afterEach, describe } from "node:test";
import { closeAll, transportLabel, type Setup, type TransportSetting } from "../helpers/client-peers.js";
import { connectSuite } from "./suites/connect.js";
import { disconnectSuite } from "./suites/disconnect.js";
import { eventsSuite } from "./suites/events.js";
import { reconnectionSuite } from "./suites/reconnection.js";
import { recoverySuite } from "./suites/recovery.js";
import { retriesSuite } from "./suites/retries.js";

afterEach(closeAll);

const settings: TransportSetting[] = [undefined, ["polling"], ["websocket"]];
for (const transports of settings) {
  const setup: Setup = { kind: "socket.io", transports };
  describe(`socket.io server, transports: ${transportLabel(transports)}`, () => {
    connectSuite(setup);
    eventsSuite(setup);
    disconnectSuite(setup);
    reconnectionSuite(setup);
    retriesSuite(setup);
    recoverySuite(setup);
  });
}
