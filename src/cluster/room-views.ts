// Socket.IO's `adapter.rooms` and `adapter.sids` as read-only views. Every socket
// is in a room named after its id; storing those rooms would cost a Set per
// connection, so the in-memory adapter keeps only the rooms sockets join and
// these views add the implied ones when asked.
import type { Room, SocketId } from "./adapter.js";

/** The read-only Map methods, all derived from `entries()`. */
abstract class MapView<K, V> implements ReadonlyMap<K, V> {
  abstract get size(): number;
  abstract has(key: K): boolean;
  abstract get(key: K): V | undefined;
  abstract entries(): MapIterator<[K, V]>;

  *keys(): MapIterator<K> {
    for (const [key] of this.entries()) yield key;
  }

  *values(): MapIterator<V> {
    for (const [, value] of this.entries()) yield value;
  }

  forEach(callback: (value: V, key: K, map: ReadonlyMap<K, V>) => void, thisArg?: unknown): void {
    for (const [key, value] of this.entries()) callback.call(thisArg, value, key, this);
  }

  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }
}

/** Every room with its members, each socket's own room included. */
export class RoomsView extends MapView<Room, ReadonlySet<SocketId>> {
  readonly #joined: ReadonlyMap<Room, ReadonlySet<SocketId>>;
  readonly #sockets: ReadonlyMap<SocketId, unknown>;

  constructor(joined: ReadonlyMap<Room, ReadonlySet<SocketId>>, sockets: ReadonlyMap<SocketId, unknown>) {
    super();
    this.#joined = joined;
    this.#sockets = sockets;
  }

  get size(): number {
    let shared = 0;
    for (const room of this.#joined.keys()) if (this.#sockets.has(room)) shared++;
    return this.#joined.size + this.#sockets.size - shared;
  }

  has(room: Room): boolean {
    return this.#joined.has(room) || this.#sockets.has(room);
  }

  get(room: Room): ReadonlySet<SocketId> | undefined {
    const members = this.#joined.get(room);
    if (!this.#sockets.has(room)) return members;
    return new Set(members === undefined ? [room] : [room, ...members]);
  }

  *entries(): MapIterator<[Room, ReadonlySet<SocketId>]> {
    for (const room of this.#joined.keys()) yield [room, this.get(room)!];
    for (const id of this.#sockets.keys()) if (!this.#joined.has(id)) yield [id, new Set([id])];
  }
}

/** Every socket with its rooms, its own room included. */
export class SocketRoomsView extends MapView<SocketId, ReadonlySet<Room>> {
  readonly #roomsOf: ReadonlyMap<SocketId, ReadonlySet<Room>>;
  readonly #sockets: ReadonlyMap<SocketId, unknown>;

  constructor(roomsOf: ReadonlyMap<SocketId, ReadonlySet<Room>>, sockets: ReadonlyMap<SocketId, unknown>) {
    super();
    this.#roomsOf = roomsOf;
    this.#sockets = sockets;
  }

  get size(): number {
    let extra = 0;
    for (const id of this.#roomsOf.keys()) if (!this.#sockets.has(id)) extra++;
    return this.#sockets.size + extra;
  }

  has(id: SocketId): boolean {
    return this.#sockets.has(id) || this.#roomsOf.has(id);
  }

  get(id: SocketId): ReadonlySet<Room> | undefined {
    if (!this.has(id)) return undefined;
    return new Set([id, ...(this.#roomsOf.get(id) ?? [])]);
  }

  *entries(): MapIterator<[SocketId, ReadonlySet<Room>]> {
    for (const id of this.#sockets.keys()) yield [id, this.get(id)!];
    for (const id of this.#roomsOf.keys()) if (!this.#sockets.has(id)) yield [id, this.get(id)!];
  }
}
