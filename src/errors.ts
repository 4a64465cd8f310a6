/**
 * The errors enchufe throws, rejects with or reports, each with a stable `code`.
 *
 * Pick the class by what the caller does about it: a {@link ProtocolError} closes
 * the peer that sent bad bytes, a {@link TimeoutError} is an ack or connect that
 * did not arrive in time, an {@link ArgumentError} is a programming mistake.
 * `docs/errors.md` lists every code; `test/docs.test.ts` keeps the two in step.
 *
 * @module
 */

/** Every error code enchufe uses. A code is never reused for another meaning. */
export const ErrorCode = {
  /** Bytes from the network that are not a valid Engine.IO or Socket.IO packet. */
  PACKET_INVALID: "ENCHUFE_ERR_PACKET_INVALID",
  /** A valid packet that exceeds a configured limit (attachments, arguments). */
  PACKET_LIMIT: "ENCHUFE_ERR_PACKET_LIMIT",
  /** An acknowledgement did not arrive within the `timeout()` given. */
  ACK_TIMEOUT: "ENCHUFE_ERR_ACK_TIMEOUT",
  /** An emit asked for an acknowledgement while `maxPendingAcks` were already pending. */
  ACK_LIMIT: "ENCHUFE_ERR_ACK_LIMIT",
  /** The socket disconnected while an acknowledgement with a timeout was pending. */
  SOCKET_DISCONNECTED: "ENCHUFE_ERR_SOCKET_DISCONNECTED",
  /** A buffer passed its bound: a peer's unread backlog (`maxBufferedBytes`), a client's offline buffer. */
  BUFFER_FULL: "ENCHUFE_ERR_BUFFER_FULL",
  /** A message larger than its transport carries: a UDP datagram over `maxDatagramBytes`. */
  MESSAGE_TOO_LARGE: "ENCHUFE_ERR_MESSAGE_TOO_LARGE",
  /** `read({ timeout })` of `enchufe/simple` saw no message in time. */
  READ_TIMEOUT: "ENCHUFE_ERR_READ_TIMEOUT",
  /** An option passed to a constructor or `attach()` has the wrong type or range. */
  OPTION_INVALID: "ENCHUFE_ERR_OPTION_INVALID",
  /** A method was called with an argument it cannot accept (a reserved event name, say). */
  ARGUMENT_INVALID: "ENCHUFE_ERR_ARGUMENT_INVALID",
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const BRAND = Symbol.for("enchufe.error");

/** The base class of every error enchufe creates. */
export class EnchufeError extends Error {
  override name = "EnchufeError";
  readonly code: ErrorCode;
  /** Set by `Symbol.for`, so {@link isEnchufeError} works across realms and package copies. */
  readonly [BRAND] = true;

  constructor(code: ErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

/** Bad bytes from the network. The connection that sent them is closed with reason `"parse error"`. */
export class ProtocolError extends EnchufeError {
  override name = "ProtocolError";
}

/** An acknowledgement (or, on the client, a connection) that did not complete in time. */
export class TimeoutError extends EnchufeError {
  override name = "TimeoutError";
}

/**
 * A programming error: an invalid option or argument. Thrown synchronously, or the
 * rejection of a function that returns a promise (`io.listen(url)`, `connect()`).
 */
export class ArgumentError extends EnchufeError {
  override name = "ArgumentError";
}

/** True for any enchufe error, even one created by another copy of the package. */
export function isEnchufeError(value: unknown): value is EnchufeError {
  return (
    value instanceof EnchufeError ||
    (typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BRAND] === true)
  );
}
