/**
 * Rooms and broadcasts go through an adapter, one per namespace: the in-memory one
 * by default, a Redis one when several processes share rooms. The API layer only
 * talks to rooms through this interface, so swapping the adapter changes nothing
 * above it.
 *
 * @module
 */
import { EncodedPacket } from "../protocol/encoded-packet.js";
import type { SocketPacket } from "../protocol/socket-packet.js";
import { RoomsView, SocketRoomsView } from "./room-views.js";

export type SocketId = string;
export type Room = string;

/** Modifiers of one broadcast. */
export interface BroadcastFlags {
  /** Drop the packet for clients that are behind instead of queueing it. */
  volatile?: boolean;
  /** Ask for compression where the transport offers it. */
  compress?: boolean;
  /** Reach only this process's clients, even with a cluster adapter. */
  local?: boolean;
  /** Milliseconds to wait for acknowledgements. */
  timeout?: number;
}

/** Which sockets a broadcast reaches: those in any of `rooms` (all when empty), minus those in `except`. */
export interface BroadcastOptions {
  rooms: ReadonlySet<Room>;
  except: ReadonlySet<Room>;
  flags: BroadcastFlags;
}

/** Receives an acknowledgement's arguments, or the error that ended the wait for it. */
export type AckCallback = (error: Error | null, args: unknown[]) => void;

/** What an adapter may do with a local socket. */
export interface AdapterSocket {
  readonly id: SocketId;
  /** Writes a packet encoded once for many recipients (adapters call this; applications call `emit`). */
  /** False when the socket was skipped (closed, or the packet does not fit its transport). */
  deliver(packet: EncodedPacket, flags: BroadcastFlags): boolean;
  /**
   * Registers `onAck` for acknowledgement `id`; false when the socket is closed,
   * has `maxPendingAcks` pending, or already waits for that id.
   */
  expectAck(id: number, onAck: AckCallback): boolean;
  /** Forgets acknowledgement `id` (its broadcast ended). */
  cancelAck(id: number): void;
  join(rooms: Room | readonly Room[]): unknown;
  leave(room: Room): unknown;
  disconnect(close?: boolean): unknown;
}

/** What an adapter sees of its namespace. */
export interface AdapterNamespace<S extends AdapterSocket = AdapterSocket> {
  readonly name: string;
  /** This process's connected sockets of the namespace, by id. */
  readonly sockets: ReadonlyMap<SocketId, S>;
  /** A fresh acknowledgement id, unique within the namespace. */
  nextAckId(): number;
}

/** Room membership and broadcast for one namespace. */
export interface Adapter<S extends AdapterSocket = AdapterSocket> {
  /** Every room with its members, each socket's own room (named after its id) included. */
  readonly rooms: ReadonlyMap<Room, ReadonlySet<SocketId>>;
  /** Every socket with its rooms, its own room included. */
  readonly sids: ReadonlyMap<SocketId, ReadonlySet<Room>>;
  init(): void | Promise<void>;
  close(): void | Promise<void>;
  addAll(id: SocketId, rooms: readonly Room[]): void | Promise<void>;
  del(id: SocketId, room: Room): void | Promise<void>;
  delAll(id: SocketId): void;
  /** The rooms of a socket, its own room included; `undefined` for an unknown socket. */
  socketRooms(id: SocketId): Set<Room> | undefined;
  /** The ids of the sockets in any of `rooms` (all sockets when empty). */
  sockets(rooms: ReadonlySet<Room>): Promise<Set<SocketId>>;
  broadcast(packet: SocketPacket, options: BroadcastOptions): void;
  /**
   * Broadcasts `packet` with its ack id (one is assigned when it has none), then
   * reports how many clients it reached and, as they come, their answers.
   *
   * @returns a function that cancels the wait on every socket reached (on timeout).
   */
  broadcastWithAck(
    packet: SocketPacket,
    options: BroadcastOptions,
    onClientCount: (count: number) => void,
    onAck: AckCallback,
  ): () => void;
  fetchSockets(options: BroadcastOptions): Promise<S[]>;
  addSockets(options: BroadcastOptions, rooms: readonly Room[]): void;
  delSockets(options: BroadcastOptions, rooms: readonly Room[]): void;
  disconnectSockets(options: BroadcastOptions, close: boolean): void;
  /** How many servers share this namespace (1 without a cluster). */
  serverCount(): Promise<number>;
}

/** How the server creates one adapter per namespace. */
export type AdapterConstructor = new <S extends AdapterSocket>(namespace: AdapterNamespace<S>) => Adapter<S>;

const NO_ROOMS: ReadonlySet<Room> = new Set();
const NOTHING_EXCLUDED = (): boolean => false;

/** The adapter of a single process: rooms in maps, broadcasts encoded once and written to each member. */
export class InMemoryAdapter<S extends AdapterSocket = AdapterSocket> implements Adapter<S> {
  readonly #namespace: AdapterNamespace<S>;
  readonly #rooms = new Map<Room, Set<SocketId>>();
  // Only sockets that joined a room have an entry: most never do, and memory per connection counts.
  readonly #roomsOf = new Map<SocketId, Set<Room>>();
  readonly rooms: ReadonlyMap<Room, ReadonlySet<SocketId>>;
  readonly sids: ReadonlyMap<SocketId, ReadonlySet<Room>>;

  constructor(namespace: AdapterNamespace<S>) {
    this.#namespace = namespace;
    this.rooms = new RoomsView(this.#rooms, namespace.sockets);
    this.sids = new SocketRoomsView(this.#roomsOf, namespace.sockets);
  }

  init(): void {}

  close(): void {}

  addAll(id: SocketId, rooms: readonly Room[]): void {
    for (const room of rooms) {
      if (room === id) continue; // a socket's own room is implied
      let joined = this.#roomsOf.get(id);
      if (joined === undefined) this.#roomsOf.set(id, (joined = new Set()));
      joined.add(room);
      let members = this.#rooms.get(room);
      if (members === undefined) this.#rooms.set(room, (members = new Set()));
      members.add(id);
    }
  }

  del(id: SocketId, room: Room): void {
    const joined = this.#roomsOf.get(id);
    if (joined === undefined || !joined.delete(room)) return;
    if (joined.size === 0) this.#roomsOf.delete(id);
    const members = this.#rooms.get(room);
    if (members !== undefined && members.delete(id) && members.size === 0) this.#rooms.delete(room);
  }

  delAll(id: SocketId): void {
    const joined = this.#roomsOf.get(id);
    if (joined === undefined) return;
    this.#roomsOf.delete(id);
    for (const room of joined) {
      const members = this.#rooms.get(room);
      if (members !== undefined && members.delete(id) && members.size === 0) this.#rooms.delete(room);
    }
  }

  socketRooms(id: SocketId): Set<Room> | undefined {
    if (!this.#namespace.sockets.has(id) && !this.#roomsOf.has(id)) return undefined;
    return new Set([id, ...(this.#roomsOf.get(id) ?? NO_ROOMS)]);
  }

  sockets(rooms: ReadonlySet<Room>): Promise<Set<SocketId>> {
    const ids = new Set<SocketId>();
    this.#forEachTarget({ rooms, except: NO_ROOMS, flags: {} }, (socket) => ids.add(socket.id));
    return Promise.resolve(ids);
  }

  broadcast(packet: SocketPacket, options: BroadcastOptions): void {
    const encoded = EncodedPacket.from(packet);
    const { flags } = options;
    this.#forEachTarget(options, (socket) => socket.deliver(encoded, flags));
  }

  broadcastWithAck(
    packet: SocketPacket,
    options: BroadcastOptions,
    onClientCount: (count: number) => void,
    onAck: AckCallback,
  ): () => void {
    const id = packet.id ?? this.#namespace.nextAckId();
    const encoded = EncodedPacket.from({ ...packet, id });
    const { flags } = options;
    const reached: S[] = [];
    this.#forEachTarget(options, (socket) => {
      if (!socket.expectAck(id, onAck)) return;
      // A recipient the packet did not reach is not waited for.
      if (!socket.deliver(encoded, flags)) return socket.cancelAck(id);
      reached.push(socket);
    });
    onClientCount(reached.length);
    return () => {
      for (const socket of reached) socket.cancelAck(id);
    };
  }

  fetchSockets(options: BroadcastOptions): Promise<S[]> {
    const sockets: S[] = [];
    this.#forEachTarget(options, (socket) => sockets.push(socket));
    return Promise.resolve(sockets);
  }

  addSockets(options: BroadcastOptions, rooms: readonly Room[]): void {
    this.#forEachTarget(options, (socket) => socket.join(rooms));
  }

  delSockets(options: BroadcastOptions, rooms: readonly Room[]): void {
    this.#forEachTarget(options, (socket) => {
      for (const room of rooms) socket.leave(room);
    });
  }

  disconnectSockets(options: BroadcastOptions, close: boolean): void {
    // Collected first: disconnecting removes sockets from the maps being walked.
    const targets: S[] = [];
    this.#forEachTarget(options, (socket) => targets.push(socket));
    for (const socket of targets) socket.disconnect(close);
  }

  serverCount(): Promise<number> {
    return Promise.resolve(1);
  }

  /** The members of `room`, its implied owner included. */
  #membersOf(room: Room): Iterable<SocketId> {
    const members = this.#rooms.get(room);
    if (!this.#namespace.sockets.has(room)) return members ?? NO_ROOMS;
    return members === undefined ? [room] : [room, ...members];
  }

  /** Whether a socket id is left out. `socket.broadcast` leaves out one socket: no Set for that. */
  #excluder(except: ReadonlySet<Room>): (id: SocketId) => boolean {
    if (except.size === 0) return NOTHING_EXCLUDED;
    if (except.size === 1) {
      const [room] = except as Set<Room>;
      if (!this.#rooms.has(room!)) return (id) => id === room;
    }
    const ids = new Set<SocketId>();
    for (const room of except) for (const id of this.#membersOf(room)) ids.add(id);
    return (id) => ids.has(id);
  }

  #forEachTarget(options: BroadcastOptions, visit: (socket: S) => void): void {
    const sockets = this.#namespace.sockets;
    const isExcluded = this.#excluder(options.except);
    if (options.rooms.size === 0) {
      for (const socket of sockets.values()) if (!isExcluded(socket.id)) visit(socket);
      return;
    }
    // One room needs no de-duplication; several do, since a socket may be in more than one.
    const seen = options.rooms.size > 1 ? new Set<SocketId>() : undefined;
    for (const room of options.rooms) {
      for (const id of this.#membersOf(room)) {
        if (isExcluded(id) || seen?.has(id) === true) continue;
        seen?.add(id);
        const socket = sockets.get(id);
        if (socket !== undefined) visit(socket);
      }
    }
  }
}
