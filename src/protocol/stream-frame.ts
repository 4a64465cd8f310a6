// Engine.IO packets over a byte stream (TCP, TLS, Unix sockets), in frames simple
// enough to write in any language (docs/protocol.md):
//
//   +----------------+--------+------------------+
//   | length: u32 BE | kind:u8| payload          |
//   +----------------+--------+------------------+
//
// `length` counts the payload's bytes. Kind 0: the payload is one Engine.IO packet
// as text, in UTF-8 ("4hello", "2" for a ping); kind 1: the payload is the bytes of
// a binary message. Pure: bytes in, packets out, no I/O.
import { ErrorCode, ProtocolError } from "../errors.js";

/** What a frame carries: an Engine.IO packet as text, or a binary message's bytes. */
export const StreamFrameKind = {
  TEXT: 0,
  BINARY: 1,
} as const;
export type StreamFrameKind = (typeof StreamFrameKind)[keyof typeof StreamFrameKind];

/** Bytes before a frame's payload: the length (4) and the kind (1). */
export const STREAM_FRAME_HEADER_BYTES = 5;

const encoder = new TextEncoder();

/** Frames one Engine.IO packet: text (an encoded packet) or the bytes of a binary message. */
export function encodeStreamFrame(data: string | Uint8Array): Uint8Array {
  const payload = typeof data === "string" ? encoder.encode(data) : data;
  const frame = new Uint8Array(STREAM_FRAME_HEADER_BYTES + payload.length);
  new DataView(frame.buffer).setUint32(0, payload.length);
  frame[4] = typeof data === "string" ? StreamFrameKind.TEXT : StreamFrameKind.BINARY;
  frame.set(payload, STREAM_FRAME_HEADER_BYTES);
  return frame;
}

/**
 * Cuts a byte stream into frames as it arrives, whatever the chunking: each frame
 * comes out as soon as its last byte does. One decoder per connection. A frame
 * longer than `maxPayload` is refused from its header, before its payload is held.
 */
export class StreamFrameDecoder {
  readonly #maxPayload: number;
  readonly #text = new TextDecoder("utf-8", { fatal: true });
  #chunks: Uint8Array[] = [];
  #buffered = 0;

  constructor(maxPayload: number) {
    this.#maxPayload = maxPayload;
  }

  /** Bytes received that do not make a whole frame yet. */
  get bufferedBytes(): number {
    return this.#buffered;
  }

  /**
   * Takes the next bytes of the stream and returns the frames they completed: a
   * string for a text frame, bytes for a binary one.
   *
   * @throws ProtocolError on a payload over `maxPayload` (PACKET_LIMIT), an unknown
   *   kind, or text that is not UTF-8 (PACKET_INVALID). The stream is unusable after.
   */
  push(chunk: Uint8Array): (string | Uint8Array)[] {
    this.#append(chunk);
    const frames: (string | Uint8Array)[] = [];
    for (let frame = this.#next(); frame !== undefined; frame = this.#next()) frames.push(frame);
    return frames;
  }

  /**
   * Like {@link push}, but hands each frame to `onFrame` as soon as it is complete,
   * so that the frames before a bad one are delivered before the error is thrown.
   */
  read(chunk: Uint8Array, onFrame: (frame: string | Uint8Array) => void): void {
    this.#append(chunk);
    for (let frame = this.#next(); frame !== undefined; frame = this.#next()) onFrame(frame);
  }

  #append(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
  }

  /** The next whole frame buffered, if there is one. @throws ProtocolError as {@link push} does. */
  #next(): string | Uint8Array | undefined {
    if (this.#buffered < STREAM_FRAME_HEADER_BYTES) return undefined;
    const header = this.#peek(STREAM_FRAME_HEADER_BYTES);
    const length = new DataView(header.buffer, header.byteOffset, 4).getUint32(0);
    const kind = header[4];
    if (kind !== StreamFrameKind.TEXT && kind !== StreamFrameKind.BINARY) {
      throw new ProtocolError(ErrorCode.PACKET_INVALID, `unknown frame kind ${kind}`);
    }
    if (length > this.#maxPayload) {
      throw new ProtocolError(
        ErrorCode.PACKET_LIMIT,
        `frame of ${length} bytes, over the limit of ${this.#maxPayload}`,
      );
    }
    if (this.#buffered < STREAM_FRAME_HEADER_BYTES + length) return undefined;
    this.#take(STREAM_FRAME_HEADER_BYTES);
    const payload = this.#take(length);
    return kind === StreamFrameKind.BINARY ? payload : this.#decodeText(payload);
  }

  /**
   * The stream ended: checks that no frame was cut short.
   *
   * @throws ProtocolError (PACKET_INVALID) when bytes of an unfinished frame remain.
   */
  end(): void {
    if (this.#buffered === 0) return;
    const left = this.#buffered;
    this.#chunks = [];
    this.#buffered = 0;
    throw new ProtocolError(ErrorCode.PACKET_INVALID, `stream ended inside a frame (${left} bytes left over)`);
  }

  #decodeText(payload: Uint8Array): string {
    try {
      return this.#text.decode(payload);
    } catch (cause) {
      throw new ProtocolError(ErrorCode.PACKET_INVALID, "text frame is not valid UTF-8", { cause });
    }
  }

  /** The first `count` buffered bytes, without consuming them (a copy only when they span chunks). */
  #peek(count: number): Uint8Array {
    const first = this.#chunks[0]!;
    if (first.length >= count) return first.subarray(0, count);
    return this.#gather(count, false);
  }

  /** Removes and returns the first `count` buffered bytes. */
  #take(count: number): Uint8Array {
    const first = this.#chunks[0];
    if (first !== undefined && first.length >= count) {
      const taken = first.subarray(0, count);
      if (first.length === count) this.#chunks.shift();
      else this.#chunks[0] = first.subarray(count);
      this.#buffered -= count;
      return taken;
    }
    return this.#gather(count, true);
  }

  #gather(count: number, consume: boolean): Uint8Array {
    const out = new Uint8Array(count);
    let filled = 0;
    let index = 0;
    while (filled < count) {
      const chunk = this.#chunks[index]!;
      const part = chunk.subarray(0, Math.min(chunk.length, count - filled));
      out.set(part, filled);
      filled += part.length;
      if (!consume) {
        index++;
      } else if (part.length === chunk.length) {
        this.#chunks.shift();
      } else {
        this.#chunks[0] = chunk.subarray(part.length);
      }
    }
    if (consume) this.#buffered -= count;
    return out;
  }
}
