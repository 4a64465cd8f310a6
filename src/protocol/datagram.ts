// Engine.IO packets over UDP (docs/protocol.md › "Datagrams"). A datagram holds
// whole packets in the stream frames of stream-frame.ts, so that a Socket.IO packet
// and its binary attachments travel, or are lost, together:
//
//   client → server:  | sid length: u8 | sid (ASCII) | frame | frame | …
//   server → client:  | frame | frame | …
//
// A sid length of 0 is an open request: no frames, padded with zeros to at least
// MIN_OPEN_REQUEST_BYTES, so that the `open` answer is never larger than what an
// unverified address sent (no amplification). Pure: bytes in, frames out, no I/O.
import { ErrorCode, ProtocolError } from "../errors.js";
import { STREAM_FRAME_HEADER_BYTES, StreamFrameKind } from "./stream-frame.js";

/** The smallest open request a server answers: larger than any `open` answer. */
export const MIN_OPEN_REQUEST_BYTES = 256;

/** The largest datagram a UDP listener sends or takes by default (its `maxDatagramBytes`): below a typical path MTU. */
export const DEFAULT_MAX_DATAGRAM_BYTES = 1200;

/** The UDP payload limit of IPv4, less its headers: no datagram can be larger. */
export const MAX_UDP_PAYLOAD = 65_507;

/** The longest session id a datagram can name (its length is one byte). */
export const MAX_DATAGRAM_SID_BYTES = 255;

const encoder = new TextEncoder();
const text = new TextDecoder("utf-8", { fatal: true });

/** An open request: a zero sid length, then zeros up to {@link MIN_OPEN_REQUEST_BYTES}. */
export function encodeOpenRequest(): Uint8Array {
  return new Uint8Array(MIN_OPEN_REQUEST_BYTES);
}

/** The bytes of `frames`, after a sid header when `sid` is given (client → server). */
export function encodeDatagram(frames: readonly Uint8Array[], sid?: string): Uint8Array {
  const header = sid === undefined ? undefined : encoder.encode(sid);
  if (header !== undefined && (header.length === 0 || header.length > MAX_DATAGRAM_SID_BYTES)) {
    throw new ProtocolError(ErrorCode.PACKET_INVALID, "a datagram's sid must be 1 to 255 bytes");
  }
  let length = header === undefined ? 0 : 1 + header.length;
  for (const frame of frames) length += frame.length;
  const datagram = new Uint8Array(length);
  let offset = 0;
  if (header !== undefined) {
    datagram[0] = header.length;
    datagram.set(header, 1);
    offset = 1 + header.length;
  }
  for (const frame of frames) {
    datagram.set(frame, offset);
    offset += frame.length;
  }
  return datagram;
}

/** What starts a client's datagram: an open request, or the session it belongs to. */
export type DatagramHeader = { kind: "open" } | { kind: "session"; sid: string; framesAt: number };

/**
 * Reads the header of a client's datagram.
 *
 * @throws ProtocolError (PACKET_INVALID) for an empty datagram or a sid cut short.
 */
export function readDatagramHeader(datagram: Uint8Array): DatagramHeader {
  if (datagram.length === 0) throw new ProtocolError(ErrorCode.PACKET_INVALID, "empty datagram");
  const sidLength = datagram[0]!;
  if (sidLength === 0) return { kind: "open" };
  if (datagram.length < 1 + sidLength)
    throw new ProtocolError(ErrorCode.PACKET_INVALID, "datagram ends inside its sid");
  // A sid is ASCII; latin1 reads any byte, and a wrong sid just names no session.
  let sid = "";
  for (let i = 1; i <= sidLength; i++) sid += String.fromCharCode(datagram[i]!);
  return { kind: "session", sid, framesAt: 1 + sidLength };
}

/**
 * The frames of a datagram from `offset` on: strings for text frames, bytes for
 * binary ones. A datagram is whole, so a frame cut short is an error, not a wait.
 *
 * @throws ProtocolError (PACKET_INVALID) for a truncated frame, an unknown kind or
 *   text that is not UTF-8.
 */
export function decodeDatagramFrames(datagram: Uint8Array, offset = 0): (string | Uint8Array)[] {
  const frames: (string | Uint8Array)[] = [];
  const view = new DataView(datagram.buffer, datagram.byteOffset, datagram.byteLength);
  while (offset < datagram.length) {
    if (datagram.length - offset < STREAM_FRAME_HEADER_BYTES) {
      throw new ProtocolError(ErrorCode.PACKET_INVALID, "datagram ends inside a frame header");
    }
    const length = view.getUint32(offset);
    const kind = datagram[offset + 4];
    const start = offset + STREAM_FRAME_HEADER_BYTES;
    if (length > datagram.length - start) {
      throw new ProtocolError(ErrorCode.PACKET_INVALID, "datagram ends inside a frame");
    }
    const payload = datagram.subarray(start, start + length);
    if (kind === StreamFrameKind.BINARY) frames.push(payload);
    else if (kind === StreamFrameKind.TEXT) frames.push(decodeText(payload));
    else throw new ProtocolError(ErrorCode.PACKET_INVALID, `unknown frame kind ${kind}`);
    offset = start + length;
  }
  return frames;
}

function decodeText(payload: Uint8Array): string {
  try {
    return text.decode(payload);
  } catch (cause) {
    throw new ProtocolError(ErrorCode.PACKET_INVALID, "text frame is not valid UTF-8", { cause });
  }
}
