// socket.io-client 4.8 (npm) against enchufe with socket.io-client's default transports: polling, then the upgrade to WebSocket:
// the interop suites, run once per transport choice (see the other files of this folder).
import { afterEach } from "node:test";
import { closeAll, useClientTransports } from "../helpers/peers.js";
import { connectionSuite } from "./suites/connection.js";
import { disconnectSuite } from "./suites/disconnect.js";
import { eventsSuite } from "./suites/events.js";
import { networkPartitionSuite } from "./suites/network-partition.js";
import { roomsSuite } from "./suites/rooms.js";

useClientTransports(undefined);
afterEach(closeAll);

connectionSuite();
eventsSuite();
roomsSuite();
disconnectSuite();
networkPartitionSuite();
