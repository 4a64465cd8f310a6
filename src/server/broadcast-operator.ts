// `io.to(room).except(other).timeout(ms).emit(...)`: each call returns a new
// operator; the last one hands the broadcast to the namespace's adapter, which
// encodes the packet once for every recipient.
import type { Adapter, BroadcastFlags, BroadcastOptions, Room, SocketId } from "../cluster/adapter.js";
import { ArgumentError, ErrorCode, TimeoutError } from "../errors.js";
import { PacketType, RESERVED_EVENTS, type SocketPacket } from "../protocol/socket-packet.js";
import type { Handshake, Socket } from "./socket.js";
import { checkTimeout } from "./socket.js";
import type {
  AllButLast,
  DecorateAcknowledgementsWithMultipleResponses,
  EmitWithAckResult,
  EventNames,
  EventNamesWithAck,
  EventParams,
  EventsMap,
} from "../events/typed-events.js";

/** What a broadcast needs of its namespace. */
export interface BroadcastNamespace {
  readonly name: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly adapter: Adapter<Socket<any, any, any, any>>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly sockets: ReadonlyMap<SocketId, Socket<any, any, any, any>>;
  nextAckId(): number;
  /** Where an application callback's exception goes (the namespace's `error` listeners, else a warning). */
  reportListenerError(error: unknown, event: string): void;
}

/** A socket as `fetchSockets()` returns it: this process's or, with a cluster adapter, another's. */
export interface RemoteSocket<EmitEvents extends EventsMap, SocketData> {
  readonly id: SocketId;
  readonly handshake: Handshake;
  readonly rooms: Set<Room>;
  readonly data: SocketData;
  emit<Event extends EventNames<EmitEvents>>(event: Event, ...args: EventParams<EmitEvents, Event>): boolean;
  join(rooms: Room | readonly Room[]): unknown;
  leave(room: Room): unknown;
  disconnect(close?: boolean): unknown;
}

type BroadcastEvents<EmitEvents extends EventsMap> = DecorateAcknowledgementsWithMultipleResponses<EmitEvents>;

function addRooms(rooms: ReadonlySet<Room>, added: Room | readonly Room[]): Set<Room> {
  const result = new Set(rooms);
  if (typeof added === "string") result.add(added);
  else for (const room of added) result.add(room);
  return result;
}

/**
 * A broadcast being described: its rooms, exclusions and flags.
 *
 * @example
 * io.to("room1").except("room2").emit("news", headline);
 * const answers = await io.timeout(1000).emitWithAck("ping");
 */
export class BroadcastOperator<EmitEvents extends EventsMap, SocketData> {
  readonly #namespace: BroadcastNamespace;
  readonly #rooms: ReadonlySet<Room>;
  readonly #except: ReadonlySet<Room>;
  readonly #flags: BroadcastFlags;

  constructor(
    namespace: BroadcastNamespace,
    rooms: ReadonlySet<Room> = new Set(),
    except: ReadonlySet<Room> = new Set(),
    flags: BroadcastFlags = {},
  ) {
    this.#namespace = namespace;
    this.#rooms = rooms;
    this.#except = except;
    this.#flags = flags;
  }

  /** Targets the sockets in `room` (or in any of several rooms). */
  to(room: Room | readonly Room[]): BroadcastOperator<EmitEvents, SocketData> {
    return new BroadcastOperator(this.#namespace, addRooms(this.#rooms, room), this.#except, this.#flags);
  }

  /** Same as {@link to}. */
  in(room: Room | readonly Room[]): BroadcastOperator<EmitEvents, SocketData> {
    return this.to(room);
  }

  /** Leaves out the sockets in `room` (or in any of several rooms). */
  except(room: Room | readonly Room[]): BroadcastOperator<EmitEvents, SocketData> {
    return new BroadcastOperator(this.#namespace, this.#rooms, addRooms(this.#except, room), this.#flags);
  }

  /** Sets compression where the transport offers it. */
  compress(compress: boolean): BroadcastOperator<EmitEvents, SocketData> {
    return this.#withFlags({ compress });
  }

  /** Drops the packet for clients that are behind instead of queueing it. */
  get volatile(): BroadcastOperator<EmitEvents, SocketData> {
    return this.#withFlags({ volatile: true });
  }

  /** Reaches only this process's sockets, even with a cluster adapter. */
  get local(): BroadcastOperator<EmitEvents, SocketData> {
    return this.#withFlags({ local: true });
  }

  /** Collects acknowledgements for `ms` milliseconds; needed for a broadcast with an acknowledgement. */
  timeout(ms: number): BroadcastOperator<EmitEvents, SocketData> {
    checkTimeout(ms);
    return this.#withFlags({ timeout: ms });
  }

  /**
   * Emits to every targeted socket. With a final callback (and a {@link timeout}),
   * the callback receives `(error, responses)` once every client answered or the
   * time ran out; `responses` holds the first argument of each answer.
   *
   * @throws ArgumentError for a reserved event name, or an acknowledgement without `timeout()`.
   */
  emit<Event extends EventNames<EmitEvents>>(
    event: Event,
    ...args: EventParams<BroadcastEvents<EmitEvents>, Event>
  ): boolean {
    if (RESERVED_EVENTS.has(event)) {
      throw new ArgumentError(ErrorCode.ARGUMENT_INVALID, `"${event}" is a reserved event name`);
    }
    const data: unknown[] = [event, ...args];
    const packet: SocketPacket = { type: PacketType.EVENT, namespace: this.#namespace.name, data };
    const options: BroadcastOptions = { rooms: this.#rooms, except: this.#except, flags: this.#flags };
    const last = data[data.length - 1];
    if (typeof last !== "function") {
      this.#namespace.adapter.broadcast(packet, options);
      return true;
    }
    const { timeout } = this.#flags;
    if (timeout === undefined) {
      throw new ArgumentError(ErrorCode.ARGUMENT_INVALID, "a broadcast with an acknowledgement needs timeout()");
    }
    data.pop();
    this.#broadcastWithAck(packet, options, timeout, last as (error: Error | null, responses: unknown[]) => void);
    return true;
  }

  /**
   * Emits and resolves with every client's answer; rejects with a `TimeoutError`
   * (whose `responses` holds the answers that came) when time runs out.
   */
  emitWithAck<Event extends EventNamesWithAck<BroadcastEvents<EmitEvents>>>(
    event: Event,
    ...args: AllButLast<EventParams<BroadcastEvents<EmitEvents>, Event>>
  ): Promise<EmitWithAckResult<BroadcastEvents<EmitEvents>, Event>> {
    return new Promise((resolve, reject) => {
      const callback = (error: Error | null, responses: unknown[]): void => {
        if (error === null) resolve(responses as EmitWithAckResult<BroadcastEvents<EmitEvents>, Event>);
        else reject(error);
      };
      (this.emit as (event: string, ...args: unknown[]) => boolean)(event, ...args, callback);
    });
  }

  /** The targeted sockets. */
  async fetchSockets(): Promise<RemoteSocket<EmitEvents, SocketData>[]> {
    return (await this.#namespace.adapter.fetchSockets(this.#options())) as RemoteSocket<EmitEvents, SocketData>[];
  }

  /** Makes the targeted sockets join `room` (or rooms). */
  socketsJoin(room: Room | readonly Room[]): void {
    this.#namespace.adapter.addSockets(this.#options(), typeof room === "string" ? [room] : room);
  }

  /** Makes the targeted sockets leave `room` (or rooms). */
  socketsLeave(room: Room | readonly Room[]): void {
    this.#namespace.adapter.delSockets(this.#options(), typeof room === "string" ? [room] : room);
  }

  /** Disconnects the targeted sockets; with `close`, their whole connections. */
  disconnectSockets(close = false): void {
    this.#namespace.adapter.disconnectSockets(this.#options(), close);
  }

  /** The ids of the targeted sockets (`except` is ignored, as in Socket.IO). */
  allSockets(): Promise<Set<SocketId>> {
    return this.#namespace.adapter.sockets(this.#rooms);
  }

  #options(): BroadcastOptions {
    return { rooms: this.#rooms, except: this.#except, flags: this.#flags };
  }

  #withFlags(flags: BroadcastFlags): BroadcastOperator<EmitEvents, SocketData> {
    return new BroadcastOperator(this.#namespace, this.#rooms, this.#except, { ...this.#flags, ...flags });
  }

  // Completes when every server reported how many clients it reached and that many answered.
  #broadcastWithAck(
    packet: SocketPacket,
    options: BroadcastOptions,
    timeout: number,
    callback: (error: Error | null, responses: unknown[]) => void,
  ): void {
    const namespace = this.#namespace;
    const id = namespace.nextAckId();
    const responses: unknown[] = [];
    let isDone = false;
    let expectedServers = -1;
    let reportedServers = 0;
    let expectedClients = 0;
    const finish = (error: Error | null): void => {
      isDone = true;
      try {
        callback(error, error === null ? responses : [...responses]);
      } catch (failure) {
        namespace.reportListenerError(failure, "ack");
      }
    };
    const check = (): void => {
      if (isDone || expectedServers !== reportedServers || responses.length !== expectedClients) return;
      clearTimeout(timer);
      finish(null);
    };
    // One callback for every recipient, not a closure each.
    const onAck = (error: Error | null, args: unknown[]): void => {
      if (error !== null || isDone) return;
      responses.push(args[0]);
      check();
    };
    const cancel = namespace.adapter.broadcastWithAck(
      { ...packet, id },
      options,
      (count) => {
        expectedClients += count;
        reportedServers++;
        check();
      },
      onAck,
    );
    const timer = setTimeout(() => {
      cancel();
      finish(Object.assign(new TimeoutError(ErrorCode.ACK_TIMEOUT, "operation has timed out"), { responses }));
    }, timeout);
    namespace.adapter.serverCount().then(
      (count) => {
        expectedServers = count;
        check();
      },
      (error: unknown) => namespace.reportListenerError(error, "adapter"),
    );
  }
}
