// Base64 for Uint8Array without Buffer, so the codecs run in browsers as well.
// atob/btoa exist in every runtime we target (Node >= 16, browsers).
import { ErrorCode, ProtocolError } from "../errors.js";

const CHUNK = 0x8000; // String.fromCharCode(...) argument count stays far below engine limits

/** Encodes bytes as standard base64 (with padding). */
export function encodeBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  }
  return btoa(binary);
}

/**
 * Decodes standard base64.
 *
 * @throws ProtocolError when the text is not base64.
 */
export function decodeBase64(text: string): Uint8Array {
  let binary: string;
  try {
    binary = atob(text);
  } catch (cause) {
    throw new ProtocolError(ErrorCode.PACKET_INVALID, "invalid base64 in binary packet", { cause });
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
