// What the client transports over one connection share (WebSocket in browsers and
// Node; TCP, TLS and Unix sockets in Node): writable from the moment the connection
// opens, a drain right after each send (the connection queues what it is given),
// nothing in flight to wait for on pause, and one report of how it ended.
import type { EnginePacket } from "../../protocol/engine-packet.js";
import type {
  ClientTransport,
  ClientTransportCloseReason,
  ClientTransportName,
  ClientTransportOwner,
  ClientTransportSettings,
} from "./transport.js";

export abstract class ConnectionClientTransport implements ClientTransport {
  abstract readonly name: ClientTransportName;
  owner: ClientTransportOwner | undefined;
  protected readonly settings: ClientTransportSettings;
  #isOpen = false;

  constructor(settings: ClientTransportSettings) {
    this.settings = settings;
  }

  get writable(): boolean {
    return this.#isOpen;
  }

  abstract open(): void;

  abstract send(packets: readonly EnginePacket[]): void;

  pause(onPaused: () => void): void {
    onPaused();
  }

  close(): void {
    this.owner = undefined;
    this.#isOpen = false;
    this.closeConnection(true);
  }

  /** Closes the connection: `graceful`, what was written goes out first; else at once. */
  protected abstract closeConnection(graceful: boolean): void;

  /** The connection is open: the owner may send. */
  protected opened(): void {
    this.#isOpen = true;
    this.owner?.onTransportOpen();
  }

  /** After a send: the owner may write again once this turn is over. */
  protected drained(): void {
    queueMicrotask(this.#notifyDrain);
  }

  readonly #notifyDrain = (): void => this.owner?.onTransportDrain();

  /** The connection ended by itself, or sent what cannot be read: closed at once, and reported once. */
  protected end(reason: ClientTransportCloseReason, description?: Error): void {
    const owner = this.owner;
    if (owner === undefined) return;
    this.owner = undefined;
    this.#isOpen = false;
    this.closeConnection(false);
    owner.onTransportClose(reason, description);
  }
}
