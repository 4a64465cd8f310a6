// The public surface of each entry point, imported through the package's own
// name (so through its `exports` map and dist/). Growing it is a visible diff here.
import assert from "node:assert/strict";
import { describe, it } from "node:test";

describe("exports", () => {
  it("enchufe exports the server API, errors and defaults", async () => {
    const module = (await import("enchufe")) as Record<string, unknown>;
    assert.deepEqual(Object.keys(module).sort(), [
      "ArgumentError",
      "BroadcastOperator",
      "ENGINE_DEFAULTS",
      "EnchufeError",
      "ErrorCode",
      "InMemoryAdapter",
      "Namespace",
      "ParentNamespace",
      "ProtocolError",
      "SERVER_DEFAULTS",
      "Server",
      "Socket",
      "TimeoutError",
      "isEnchufeError",
    ]);
  });

  it("enchufe/engine exports the Engine.IO server", async () => {
    const module = (await import("enchufe/engine")) as Record<string, unknown>;
    assert.deepEqual(Object.keys(module).sort(), [
      "ENGINE_DEFAULTS",
      "EngineServer",
      "HandshakeError",
      "Session",
      "attach",
      "listen",
    ]);
  });

  for (const entry of ["enchufe/client", "enchufe/client/websocket"]) {
    it(`${entry} exports the client, io() also as default`, async () => {
      const module = (await import(entry)) as Record<string, unknown>;
      assert.deepEqual(Object.keys(module).sort(), [
        "EnchufeError",
        "ErrorCode",
        "MANAGER_DEFAULTS",
        "Manager",
        "SOCKET_DEFAULTS",
        "Socket",
        "TimeoutError",
        "connect",
        "default",
        "io",
        "isEnchufeError",
        "protocol",
      ]);
      assert.equal(module.default, module.io);
    });
  }

  it("enchufe/simple exports connect, listen and their classes", async () => {
    const module = (await import("enchufe/simple")) as Record<string, unknown>;
    assert.deepEqual(Object.keys(module).sort(), [
      "Connection",
      "MAX_UNREAD_MESSAGES",
      "SimpleServer",
      "connect",
      "listen",
    ]);
  });

  it("enchufe/protocol exports the pure codecs", async () => {
    const module = (await import("enchufe/protocol")) as Record<string, unknown>;
    assert.deepEqual(Object.keys(module).sort(), [
      "DECODER_DEFAULTS",
      "EncodedPacket",
      "EnginePacketType",
      "EnginePayloadDecoder",
      "ErrorCode",
      "FramingSlot",
      "PacketType",
      "ProtocolError",
      "RECORD_SEPARATOR",
      "RESERVED_EVENTS",
      "STREAM_FRAME_HEADER_BYTES",
      "SocketPacketDecoder",
      "StreamFrameDecoder",
      "StreamFrameKind",
      "decodeBase64",
      "decodeEnginePacket",
      "decodeEnginePayload",
      "deconstructPacket",
      "encodeBase64",
      "encodeEnginePacket",
      "encodeEnginePayload",
      "encodeSocketPacket",
      "encodeStreamFrame",
      "hasBinary",
      "isBinary",
      "isEnchufeError",
      "reconstructPacket",
    ]);
  });

  it("ships declarations next to every entry point", async () => {
    const { readFile } = await import("node:fs/promises");
    const manifest = JSON.parse(await readFile("package.json", "utf8")) as {
      exports: Record<string, string | { types: string; default: string }>;
    };
    for (const [entry, target] of Object.entries(manifest.exports)) {
      if (typeof target === "string") continue;
      await assert.doesNotReject(readFile(target.types), `${entry} types`);
      await assert.doesNotReject(readFile(target.default), `${entry} code`);
    }
  });
});
