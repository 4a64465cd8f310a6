// engine.io-protocol-v4.md › "Upgrade": a WebSocket offered for a polling session is
// probed (2probe / 3probe), the polling transport stops keeping the client waiting
// (its GET gets a noop), and on the client's `upgrade` packet the session moves to
// the WebSocket with whatever polling still held, in order. Any other packet, a
// close, or no upgrade within upgradeTimeout, and the WebSocket is closed while the
// session goes on over polling.
import { EnginePacketType, type EnginePacket } from "../protocol/engine-packet.js";
import type { Transport, TransportOwner } from "../transports/transport.js";

const PONG_PROBE: EnginePacket = { type: EnginePacketType.PONG, data: "probe" };

/** What an upgrade needs of its session. */
export interface Upgradable {
  /** The transport in use, which the upgrade replaces. */
  readonly transport: Transport;
  /** The client probed the new transport and is about to switch. */
  onUpgradeProbed(candidate: Transport): void;
  /** The client sent `upgrade`: the session must move to `candidate`. */
  completeUpgrade(upgrade: Upgrade, candidate: Transport): void;
  /** The upgrade failed or was given up; the session keeps its transport. */
  endUpgrade(upgrade: Upgrade): void;
}

function onTimeout(upgrade: Upgrade): void {
  upgrade.abort();
}

/** One attempt to move a session to a new transport. */
export class Upgrade implements TransportOwner {
  readonly #session: Upgradable;
  readonly #candidate: Transport;
  readonly #timer: ReturnType<typeof setTimeout>;
  #isProbed = false;
  #isOver = false;

  constructor(session: Upgradable, candidate: Transport, timeoutMs: number) {
    this.#session = session;
    this.#candidate = candidate;
    candidate.owner = this;
    this.#timer = setTimeout(onTimeout, timeoutMs, this);
  }

  /** @internal */
  onTransportPacket(packet: EnginePacket): void {
    if (this.#isOver) return;
    if (packet.type === EnginePacketType.PING && packet.data === "probe" && !this.#isProbed) {
      this.#isProbed = true;
      this.#candidate.sendPacket(PONG_PROBE);
      this.#session.transport.setPaused?.(true);
      this.#session.onUpgradeProbed(this.#candidate);
    } else if (packet.type === EnginePacketType.UPGRADE && this.#isProbed) {
      this.#end();
      this.#session.completeUpgrade(this, this.#candidate);
    } else {
      this.abort();
    }
  }

  /** @internal */
  onTransportClose(): void {
    this.abort();
  }

  /** Whether the client was answered `3probe`: from then on it switches to the new transport whatever happens. */
  get isProbed(): boolean {
    return this.#isProbed;
  }

  /** Gives up: the new transport is closed and the session keeps polling. */
  abort(): void {
    if (this.#isOver) return;
    this.#end();
    this.#candidate.owner = undefined;
    this.#candidate.close();
    this.#session.transport.setPaused?.(false);
    this.#session.endUpgrade(this);
  }

  #end(): void {
    this.#isOver = true;
    clearTimeout(this.#timer);
  }
}
