// Dynamic namespaces: `io.of(/^\/room-\d+$/)` or `io.of((name, auth, next) => …)`.
// The parent creates a child namespace for each accepted name, gives it the
// parent's middleware and connection listeners, and broadcasts to all children.
import type { AckCallback, Adapter, BroadcastOptions, Room, SocketId } from "../cluster/adapter.js";
import { RoomsView, SocketRoomsView } from "../cluster/room-views.js";
import type { SocketPacket } from "../protocol/socket-packet.js";
import { Namespace, type NamespaceServer } from "./namespace.js";
import type { Socket } from "./socket.js";
import type { DefaultEventsMap, EventsMap } from "../events/typed-events.js";

/** Decides whether a namespace name is a child: call `next(null, true)` to accept it. */
export type NamespaceAuthorizer = (
  name: string,
  auth: Record<string, unknown>,
  next: (error: Error | null, success: boolean) => void,
) => void;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnySocket = Socket<any, any, any, any>;

/** The parent's adapter holds no socket; every operation goes to each child's adapter. */
class ChildrenAdapter implements Adapter<AnySocket> {
  readonly rooms: ReadonlyMap<Room, ReadonlySet<SocketId>> = new RoomsView(new Map(), new Map());
  readonly sids: ReadonlyMap<SocketId, ReadonlySet<Room>> = new SocketRoomsView(new Map(), new Map());
  readonly #children: ReadonlySet<Namespace>;

  constructor(children: ReadonlySet<Namespace>) {
    this.#children = children;
  }

  init(): void {}
  close(): void {}
  addAll(): void {}
  del(): void {}
  delAll(): void {}
  socketRooms(): undefined {
    return undefined;
  }

  async sockets(rooms: ReadonlySet<Room>): Promise<Set<SocketId>> {
    const all = await Promise.all([...this.#children].map((child) => child.adapter.sockets(rooms)));
    return new Set(all.flatMap((ids) => [...ids]));
  }

  broadcast(packet: SocketPacket, options: BroadcastOptions): void {
    for (const child of this.#children) child.adapter.broadcast({ ...packet, namespace: child.name }, options);
  }

  broadcastWithAck(
    packet: SocketPacket,
    options: BroadcastOptions,
    onClientCount: (count: number) => void,
    onAck: AckCallback,
  ): () => void {
    let total = 0;
    const cancels = [...this.#children].map((child) =>
      child.adapter.broadcastWithAck({ ...packet, namespace: child.name }, options, (count) => (total += count), onAck),
    );
    onClientCount(total);
    return () => {
      for (const cancel of cancels) cancel();
    };
  }

  async fetchSockets(options: BroadcastOptions): Promise<AnySocket[]> {
    const all = await Promise.all([...this.#children].map((child) => child.adapter.fetchSockets(options)));
    return all.flat();
  }

  addSockets(options: BroadcastOptions, rooms: readonly Room[]): void {
    for (const child of this.#children) child.adapter.addSockets(options, rooms);
  }

  delSockets(options: BroadcastOptions, rooms: readonly Room[]): void {
    for (const child of this.#children) child.adapter.delSockets(options, rooms);
  }

  disconnectSockets(options: BroadcastOptions, close: boolean): void {
    for (const child of this.#children) child.adapter.disconnectSockets(options, close);
  }

  serverCount(): Promise<number> {
    return Promise.resolve(1);
  }
}

let parentCount = 0;

/** What a parent namespace needs of its server. */
export interface ParentNamespaceServer extends NamespaceServer {
  /** Registers a child under its name. */
  addChildNamespace(namespace: Namespace): void;
  /** Forgets an empty child (`cleanupEmptyChildNamespaces`). */
  removeChildNamespace(namespace: Namespace): void;
}

/** The namespace `io.of(regExp | function)` returns: a template and broadcaster for its children. */
export class ParentNamespace<
  ListenEvents extends EventsMap = DefaultEventsMap,
  EmitEvents extends EventsMap = ListenEvents,
  ServerSideEvents extends EventsMap = DefaultEventsMap,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  SocketData = any,
> extends Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData> {
  /** The namespaces created from this one. */
  readonly children: Set<Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>>;
  readonly #authorize: NamespaceAuthorizer;
  readonly #parentServer: ParentNamespaceServer;

  /** @internal Created by `io.of(regExp | function)`. */
  constructor(server: ParentNamespaceServer, matcher: RegExp | NamespaceAuthorizer) {
    const children = new Set<Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>>();
    super(server, `/_${parentCount++}`, new ChildrenAdapter(children as ReadonlySet<Namespace>));
    this.children = children;
    this.#parentServer = server;
    this.#authorize = typeof matcher === "function" ? matcher : (name, _auth, next) => next(null, matcher.test(name));
  }

  /** @internal Calls back whether `name` belongs to this parent. */
  authorize(name: string, auth: Record<string, unknown>, callback: (isChild: boolean) => void): void {
    let isAnswered = false;
    const answer = (error: Error | null, success: boolean): void => {
      if (isAnswered) return;
      isAnswered = true;
      callback(error === null && success === true);
    };
    try {
      this.#authorize(name, auth, answer);
    } catch {
      answer(null, false);
    }
  }

  /** @internal Creates the child `name` with this parent's middleware and connection listeners. */
  createChild(name: string): Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData> {
    const child = new Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>(this.server, name);
    child.inheritMiddlewares(this.middlewares);
    for (const listener of this.listeners("connect")) child.on("connect", listener);
    for (const listener of this.listeners("connection")) child.on("connection", listener);
    this.children.add(child);
    if (this.server.options.cleanupEmptyChildNamespaces) {
      child.onEmpty = () => {
        this.children.delete(child);
        this.#parentServer.removeChildNamespace(child as Namespace);
        void Promise.resolve()
          .then(() => child.adapter.close())
          .catch(() => undefined);
      };
    }
    this.#parentServer.addChildNamespace(child as Namespace);
    return child;
  }
}
