// Bytes as socket.io-client hands them to applications: a Buffer in Node, an
// ArrayBuffer in browsers, whichever transport carried them.

interface NodeBufferClass {
  from(buffer: ArrayBufferLike, offset: number, length: number): Uint8Array;
}

const NodeBuffer = (globalThis as { Buffer?: NodeBufferClass }).Buffer;

/** An attachment for the application: a Buffer view (Node) or an ArrayBuffer of exactly its bytes (browsers). */
export function toPlatformBinary(bytes: Uint8Array): Uint8Array | ArrayBufferLike {
  if (NodeBuffer !== undefined) return NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const isWhole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  return isWhole ? bytes.buffer : bytes.slice().buffer;
}
