// One UDP socket serving many peers: it reads each datagram's header and hands the
// datagram to its session's transport, opens sessions for open requests (padded,
// rate-limited, never answered with more bytes than they carried), and re-sends
// unanswered pings on one timer for all its sessions (no timer per session).
import type { RemoteInfo, Socket as DgramSocket } from "node:dgram";
import { decodeDatagramFrames, MIN_OPEN_REQUEST_BYTES, readDatagramHeader } from "../protocol/datagram.js";
import { CLOSE_DATAGRAM, DatagramTransport, type DatagramPeer, type DatagramSender } from "./datagram.js";

export interface DatagramEndpointOptions {
  maxDatagramBytes: number;
  maxNewSessionsPerSecond: number;
  /** How often unanswered pings are sent again (a fraction of `pingTimeout`). */
  pingResendMs: number;
}

/**
 * How long a session waits for its peer to prove its address. Forged open requests
 * cost a session each until then: within the new-sessions limit, for 10 s at most.
 */
const UNVERIFIED_TIMEOUT_MS = 10_000;

/**
 * Sessions one host may have waiting for their address proof. A host that never proves
 * its addresses (a flood of open requests from many ports) gets no more until those
 * expire, and cannot take the new-sessions window from others.
 */
const MAX_UNVERIFIED_PER_HOST = 16;

function peerKey(peer: DatagramPeer): string {
  return `${peer.address}|${peer.port}`;
}

function resendPings(endpoint: DatagramEndpoint): void {
  endpoint.resendPings();
}

export class DatagramEndpoint implements DatagramSender {
  readonly #socket: DgramSocket;
  readonly #options: DatagramEndpointOptions;
  /** Opens a session on a new transport; returns its id. */
  readonly #onOpen: (transport: DatagramTransport) => string;
  readonly #sessions = new Map<string, DatagramTransport>();
  /** Sessions whose peer has not proved its address yet, by address: a repeated open request gets the same answer. */
  readonly #unverified = new Map<string, DatagramTransport>();
  /** Unverified sessions by host (address without port): one host cannot take the new-session window alone. */
  readonly #unverifiedPerHost = new Map<string, number>();
  /** Verified sessions by address: a newer session verified from the same address replaces the older one. */
  readonly #verified = new Map<string, DatagramTransport>();
  #windowStart = 0;
  #openedInWindow = 0;
  #isAccepting = true;
  /** Datagrams handed to the socket and not sent yet. */
  #sending = 0;
  #pingTimer: ReturnType<typeof setInterval> | undefined;
  #onEmpty: (() => void) | undefined;

  constructor(socket: DgramSocket, options: DatagramEndpointOptions, onOpen: (transport: DatagramTransport) => string) {
    this.#socket = socket;
    this.#options = options;
    this.#onOpen = onOpen;
    socket.on("message", (datagram: Buffer, peer: RemoteInfo) => this.#receive(datagram, peer));
  }

  /** Sessions on this socket, verified or not. */
  get size(): number {
    return this.#sessions.size;
  }

  send(datagram: Uint8Array, peer: DatagramPeer): void {
    try {
      this.#socket.send(datagram, peer.port, peer.address, this.#onSent);
      this.#sending++;
    } catch {
      // dgram refuses some addresses at once (a closed socket, a bad port): that datagram is lost, as UDP may.
    }
  }

  /** A send is done. Its error (an unreachable peer, say) concerns one datagram: UDP promised nothing. */
  readonly #onSent = (): void => {
    this.#sending--;
    this.#maybeEmpty();
  };

  forget(transport: DatagramTransport): void {
    if (transport.sid !== undefined && this.#sessions.get(transport.sid) === transport) {
      this.#sessions.delete(transport.sid);
    }
    const key = peerKey(transport.peer);
    this.#forgetUnverified(key, transport);
    if (this.#verified.get(key) === transport) this.#verified.delete(key);
    if (this.#sessions.size === 0) {
      clearInterval(this.#pingTimer);
      this.#pingTimer = undefined;
      this.#maybeEmpty();
    }
  }

  /** @internal Run by the timer; also ends sessions whose address was never proved. */
  resendPings(): void {
    const now = Date.now();
    for (const transport of this.#sessions.values()) {
      if (!transport.isVerified && now - transport.openedAt > UNVERIFIED_TIMEOUT_MS) transport.close();
      else transport.resendPing();
    }
  }

  /** Opens no more sessions; `onEmpty` runs once the sessions already open are gone and their last datagrams sent. */
  stopAccepting(onEmpty: () => void): void {
    this.#isAccepting = false;
    this.#onEmpty = onEmpty;
    this.#maybeEmpty();
  }

  /** Once stopped: no session left and the last datagrams (DISCONNECT, close) sent, the socket may close. */
  #maybeEmpty(): void {
    if (this.#onEmpty === undefined || this.#sessions.size > 0 || this.#sending > 0) return;
    const onEmpty = this.#onEmpty;
    this.#onEmpty = undefined;
    onEmpty();
  }

  #receive(datagram: Buffer, peer: RemoteInfo): void {
    // Source port 0 cannot be answered (dgram throws): only a forged datagram has it.
    if (datagram.length > this.#options.maxDatagramBytes || peer.port === 0) return;
    let header;
    try {
      header = readDatagramHeader(datagram);
    } catch {
      return; // not ours to answer: nothing names a session
    }
    if (header.kind === "open") return this.#open(datagram.length, peer);
    const transport = this.#sessions.get(header.sid);
    if (transport === undefined) {
      // A session this socket forgot (closed, expired, a restart): the client can start
      // over at once instead of waiting for its ping timeout. Never more bytes than came.
      if (datagram.length >= CLOSE_DATAGRAM.length) this.send(CLOSE_DATAGRAM, peer);
      return;
    }
    // A sid is secret, but a datagram from another address is not this peer's.
    if (transport.peer.address !== peer.address || transport.peer.port !== peer.port) return;
    // Only the `open` answer told the sid: the peer owns its address.
    if (!transport.isVerified) {
      const key = peerKey(peer);
      this.#forgetUnverified(key, transport);
      // The peer there started over (a client bound to a fixed port, a NAT reusing one). Datagrams
      // to a client name no session, so the older one's pings and broadcasts would reach the new
      // one as its own: it ends, silently. Only the peer at this address could learn the new sid.
      const previous = this.#verified.get(key);
      this.#verified.set(key, transport);
      previous?.abandon();
    }
    let frames;
    try {
      frames = decodeDatagramFrames(datagram, header.framesAt);
    } catch (error) {
      return transport.fail(error as Error);
    }
    transport.receive(frames);
  }

  #open(requestBytes: number, peer: RemoteInfo): void {
    if (requestBytes < MIN_OPEN_REQUEST_BYTES || !this.#isAccepting) return;
    const key = peerKey(peer);
    const pending = this.#unverified.get(key);
    if (pending !== undefined) return pending.answerOpen(requestBytes); // the answer was lost: the same session
    const pendingOfHost = this.#unverifiedPerHost.get(peer.address) ?? 0;
    if (pendingOfHost >= MAX_UNVERIFIED_PER_HOST || !this.#mayOpen()) return;
    this.#unverifiedPerHost.set(peer.address, pendingOfHost + 1);
    const transport = new DatagramTransport(
      this,
      { address: peer.address, port: peer.port, family: peer.family },
      this.#options.maxDatagramBytes,
    );
    this.#unverified.set(key, transport);
    const sid = this.#onOpen(transport);
    if (!transport.writable) return; // closed at once (an engine `connection` listener): already forgotten
    transport.sid = sid;
    this.#sessions.set(sid, transport);
    this.#pingTimer ??= setInterval(resendPings, this.#options.pingResendMs, this).unref();
    transport.answerOpen(requestBytes);
  }

  /** `transport` proved its address, or ended: it no longer counts as unverified. */
  #forgetUnverified(key: string, transport: DatagramTransport): void {
    if (this.#unverified.get(key) !== transport) return;
    this.#unverified.delete(key);
    const host = transport.peer.address;
    const count = (this.#unverifiedPerHost.get(host) ?? 1) - 1;
    if (count > 0) this.#unverifiedPerHost.set(host, count);
    else this.#unverifiedPerHost.delete(host);
  }

  /** The new-sessions-per-second limit, over one-second windows. */
  #mayOpen(): boolean {
    const now = Date.now();
    if (now - this.#windowStart >= 1000) {
      this.#windowStart = now;
      this.#openedInWindow = 0;
    }
    if (this.#openedInWindow >= this.#options.maxNewSessionsPerSecond) return false;
    this.#openedInWindow++;
    return true;
  }
}
