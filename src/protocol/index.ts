/**
 * `enchufe/protocol`: the pure Engine.IO v4 and Socket.IO v5 codecs, shared by the
 * server and the client. No I/O, no timers, no Node-only APIs.
 *
 * @module
 */
export { EnginePacketType, encodeEnginePacket, decodeEnginePacket } from "./engine-packet.js";
export type { EnginePacket } from "./engine-packet.js";
export { RECORD_SEPARATOR, encodeEnginePayload, decodeEnginePayload, EnginePayloadDecoder } from "./engine-payload.js";
export type { DecodePayloadOptions } from "./engine-payload.js";
export {
  PacketType,
  RESERVED_EVENTS,
  DECODER_DEFAULTS,
  encodeSocketPacket,
  SocketPacketDecoder,
} from "./socket-packet.js";
export type { SocketPacket, DecoderOptions } from "./socket-packet.js";
export { isBinary, hasBinary, deconstructPacket, reconstructPacket } from "./binary.js";
export type { BinaryValue } from "./binary.js";
export { EncodedPacket, FramingSlot } from "./encoded-packet.js";
export { encodeBase64, decodeBase64 } from "./base64.js";
export { encodeStreamFrame, StreamFrameDecoder, StreamFrameKind, STREAM_FRAME_HEADER_BYTES } from "./stream-frame.js";
export { ProtocolError, ErrorCode, isEnchufeError } from "../errors.js";
