// The transport classes a client can use, by name. An entry point registers the
// ones it offers (`enchufe/client`: polling and WebSocket; `enchufe/client/websocket`:
// WebSocket alone), so a bundle that never registers polling leaves its code out.
import type { ClientTransport, ClientTransportName, ClientTransportSettings } from "./transport.js";

export type ClientTransportClass = new (settings: ClientTransportSettings) => ClientTransport;

export const transportClasses: Partial<Record<ClientTransportName, ClientTransportClass>> = {};
