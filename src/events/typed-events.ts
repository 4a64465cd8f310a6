// Types that turn an interface of events into checked emit/on signatures, with
// acknowledgement types inferred from the last parameter. `any` is needed here:
// an event map's functions must accept any parameter list (contravariance).
/* eslint-disable @typescript-eslint/no-explicit-any */

/** A map from event names to listener signatures. */
export interface EventsMap {
  [event: string]: any;
}

/** The map used when none is given: any event, any arguments. */
export interface DefaultEventsMap {
  [event: string]: (...args: any[]) => void;
}

type AnyFunction = (...args: any[]) => any;

export type EventNames<Map extends EventsMap> = keyof Map & string;

export type EventParams<Map extends EventsMap, Event extends EventNames<Map>> = Map[Event] extends AnyFunction
  ? Parameters<Map[Event]>
  : never;

/** The last element of a parameter list (its element type for a plain array). */
export type Last<T extends readonly unknown[]> = T extends readonly [...unknown[], infer L]
  ? L
  : T extends readonly (infer E)[]
    ? E
    : never;

/** A parameter list without its last element (the acknowledgement callback). */
export type AllButLast<T extends readonly unknown[]> = T extends readonly [...infer Head, unknown] ? Head : T;

/** The events of `Map` whose last parameter is an acknowledgement callback. */
export type EventNamesWithAck<Map extends EventsMap> = {
  [Event in EventNames<Map>]: Last<EventParams<Map, Event>> extends AnyFunction ? Event : never;
}[EventNames<Map>];

type IsAny<T> = 0 extends 1 & T ? true : false;

/** What an acknowledgement callback receives first, skipping a leading timeout `Error`; `any` when untyped. */
export type AckResult<Ack> =
  IsAny<Ack> extends true
    ? any
    : Ack extends (...args: infer Args) => any
      ? Args extends [Error, ...infer Rest]
        ? Rest[0]
        : Args[0]
      : never;

/** The value `emitWithAck(event, ...)` resolves with. */
export type EmitWithAckResult<Map extends EventsMap, Event extends EventNames<Map>> = AckResult<
  Last<EventParams<Map, Event>>
>;

type WithErrorFirst<Ack> = Ack extends (...args: infer Args) => infer Result
  ? Args extends [Error, ...unknown[]]
    ? Ack
    : (error: Error, ...args: Args) => Result
  : Ack;

type WithResponses<Ack> = Ack extends (error: Error, ...args: infer Args) => infer Result
  ? (error: Error, responses: Args[0][]) => Result
  : Ack;

type MapLastParameter<Map extends EventsMap, Wrap extends "error" | "responses"> = {
  [Event in keyof Map]: Map[Event] extends (...args: infer Args) => infer Result
    ? Args extends [...infer Head, infer Ack]
      ? (...args: [...Head, Wrap extends "error" ? WithErrorFirst<Ack> : WithResponses<WithErrorFirst<Ack>>]) => Result
      : Map[Event]
    : Map[Event];
};

/** After `timeout()`: acknowledgements receive an `Error` first (the timeout). */
export type DecorateAcknowledgements<Map extends EventsMap> = MapLastParameter<Map, "error">;

/** After `timeout()` on a broadcast: an `Error` first, then an array with every client's answer. */
export type DecorateAcknowledgementsWithMultipleResponses<Map extends EventsMap> = MapLastParameter<Map, "responses">;

/** Event names either reserved by the library or declared by the application. */
export type ReservedOrUserEventNames<Reserved extends EventsMap, User extends EventsMap> =
  EventNames<Reserved> | EventNames<User>;

/** A listener with `Signature`'s parameters and any result: async ones are fine, rejections are caught and reported. */
type MaybeAsync<Signature> = Signature extends (...args: infer Args) => any ? (...args: Args) => unknown : Signature;

/** The listener for `Event`: the reserved signature, the declared one, or untyped; each may be async. */
export type ReservedOrUserListener<Reserved extends EventsMap, User extends EventsMap, Event extends string> =
  Event extends EventNames<Reserved>
    ? MaybeAsync<Reserved[Event]>
    : Event extends EventNames<User>
      ? MaybeAsync<User[Event]>
      : (...args: any[]) => unknown;
