// Server-to-client WebSocket frames built once and written as bytes to any number
// of sockets (RFC 6455 §5.2: FIN set, no mask from a server). `ws` frames each
// send() itself and offers no public way to reuse a frame across connections,
// which a broadcast needs; this is the few lines that gives it.
import { Buffer } from "node:buffer";

const OPCODE_TEXT = 0x1;
const OPCODE_BINARY = 0x2;
const FIN = 0x80;

function headerLength(payloadLength: number): number {
  return payloadLength < 126 ? 2 : payloadLength <= 0xffff ? 4 : 10;
}

function writeHeader(target: Buffer, opcode: number, payloadLength: number): void {
  target[0] = FIN | opcode;
  if (payloadLength < 126) {
    target[1] = payloadLength;
  } else if (payloadLength <= 0xffff) {
    target[1] = 126;
    target.writeUInt16BE(payloadLength, 2);
  } else {
    target[1] = 127;
    target.writeUInt32BE(Math.floor(payloadLength / 0x1_0000_0000), 2);
    target.writeUInt32BE(payloadLength >>> 0, 6);
  }
}

/** One text frame holding the Engine.IO type digit followed by `text`, in one buffer. */
export function frameText(type: number, text: string): Buffer {
  const payloadLength = 1 + Buffer.byteLength(text);
  const offset = headerLength(payloadLength);
  const frame = Buffer.allocUnsafe(offset + payloadLength);
  writeHeader(frame, OPCODE_TEXT, payloadLength);
  frame[offset] = 48 + type;
  frame.write(text, offset + 1);
  return frame;
}

/** The header of a binary frame; the payload follows as its own chunk, uncopied. */
export function binaryFrameHeader(payloadLength: number): Buffer {
  const header = Buffer.allocUnsafe(headerLength(payloadLength));
  writeHeader(header, OPCODE_BINARY, payloadLength);
  return header;
}
