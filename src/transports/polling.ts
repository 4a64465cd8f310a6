// The HTTP long-polling transport (engine.io-protocol-v4.md › "HTTP long-polling"):
// a long-running GET takes what the server has to say, a POST brings what the client
// has. Request-driven: the engine hands each request of the session to it. Over the
// 150-line budget for a transport: it reads bodies and writes answers itself.
import { Buffer } from "node:buffer";
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import { TextDecoder } from "node:util";
import { FramingSlot, type EncodedPacket } from "../protocol/encoded-packet.js";
import { EnginePacketType, type EnginePacket } from "../protocol/engine-packet.js";
import { EnginePayloadDecoder, RECORD_SEPARATOR, encodeEnginePayload } from "../protocol/engine-payload.js";
import { refuse, sendOk, sendPayload } from "./http-response.js";
import type { Transport, TransportCloseReason, TransportOwner } from "./transport.js";
import { scheduleFlush, type Flushable } from "./write-batch.js";

/** The limits and settings of the polling transport. */
export interface PollingOptions {
  /** Largest POST body, in bytes. */
  maxHttpBufferSize: number;
  /** Most packets in one POST body. */
  maxPayloadPackets: number;
  /** Answers of at least this many bytes are compressed when the client accepts it; `false`: never. */
  compressionThreshold: number | false;
}

/** How long a closed session waits for the client's next GET to tell it so. */
const CLOSE_TIMEOUT_MS = 30_000;

const NOOP_PAYLOAD = String(EnginePacketType.NOOP);
const CLOSE_PAYLOAD = String(EnginePacketType.CLOSE);

type Outgoing = EncodedPacket | EnginePacket;

function isEncoded(item: Outgoing): item is EncodedPacket {
  return "payloads" in item;
}

/** An encoded packet as polling sends it, built once per packet whatever the recipients. */
function pollingPayload(packet: EncodedPacket): string {
  let payload = packet.framedFor(FramingSlot.POLLING) as string | undefined;
  if (payload === undefined) {
    payload = encodeEnginePayload(packet.payloads.map((data) => ({ type: EnginePacketType.MESSAGE, data })));
    packet.keepFramed(FramingSlot.POLLING, payload);
  }
  return payload;
}

/** Binary from a body, decoded by the pure codec as a Uint8Array, as the Buffer Node applications expect. */
function withBuffer(packet: EnginePacket): EnginePacket {
  const { data } = packet;
  if (!(data instanceof Uint8Array) || Buffer.isBuffer(data)) return packet;
  return { type: packet.type, data: Buffer.from(data.buffer, data.byteOffset, data.byteLength) };
}

function sizeOf(item: Outgoing): number {
  if (isEncoded(item)) return item.payloads.reduce((size, part) => size + part.length, 0);
  return typeof item.data === "string" ? item.data.length : (item.data?.byteLength ?? 0);
}

/** One long-polling session's requests. */
export class PollingTransport implements Transport, Flushable {
  owner: TransportOwner | undefined;
  readonly #options: PollingOptions;
  #poll: { request: IncomingMessage; response: ServerResponse; headers: OutgoingHttpHeaders } | undefined;
  #isPosting = false;
  #queue: Outgoing[] = [];
  #queuedBytes = 0;
  // Bytes that sat through a turn with no GET to take them: how far behind the client is.
  #backlog = 0;
  #isFlushScheduled = false;
  #isClosing = false;
  #isPaused = false;
  #isReported = false;
  #closeTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: PollingOptions) {
    this.#options = options;
  }

  get name(): "polling" {
    return "polling";
  }

  get bufferedBytes(): number {
    return this.#queuedBytes;
  }

  get backlogBytes(): number {
    return this.#backlog;
  }

  /** True while a GET waits: only then does a volatile packet get through, as in engine.io. */
  get writable(): boolean {
    return this.#poll !== undefined;
  }

  /** A GET of this session: answered at once when packets wait, else held until some come. */
  handleGet(request: IncomingMessage, response: ServerResponse, headers: OutgoingHttpHeaders): void {
    if (this.#poll !== undefined) {
      // engine.io-protocol-v4.md › "Receiving data": one GET at a time, or the session ends.
      refuse(request, response, 400, headers);
      return this.report("transport error", new Error("a second GET while one was pending"));
    }
    this.#poll = { request, response, headers };
    response.once("close", () => {
      if (this.#poll?.response === response && !response.writableFinished) {
        this.#poll = undefined;
        this.report("transport error", new Error("poll request closed before its answer"));
      }
    });
    if (this.#queue.length > 0 || this.#isClosing) this.#scheduleFlush();
    else if (this.#isPaused) this.#answer(NOOP_PAYLOAD);
  }

  /** A POST of this session: its packets are decoded as the body streams in, then "ok". */
  handlePost(request: IncomingMessage, response: ServerResponse, headers: OutgoingHttpHeaders): void {
    const limit = this.#options.maxHttpBufferSize;
    if (this.#isPosting) {
      refuse(request, response, 400, headers, true);
      return this.report("transport error", new Error("a second POST while one was in progress"));
    }
    if (request.headers["content-type"] === "application/octet-stream") {
      // Engine.IO v3 sent binary bodies; v4 payloads are text.
      refuse(request, response, 400, headers, true);
      return this.report("parse error", new Error("binary polling body"));
    }
    if (Number(request.headers["content-length"]) > limit) {
      refuse(request, response, 413, headers, true);
      return this.report("transport error", new Error(`request body over ${limit} bytes`));
    }
    this.#isPosting = true;
    const decoder = new EnginePayloadDecoder({ maxPackets: this.#options.maxPayloadPackets });
    const text = new TextDecoder("utf-8", { fatal: true });
    let received = 0;
    let isDone = false;
    const stop = (status: 400 | 413, reason: TransportCloseReason, error: Error): void => {
      isDone = true;
      this.#isPosting = false;
      request.removeAllListeners("data");
      refuse(request, response, status, headers, true);
      this.report(reason, error);
    };
    const deliver = (packets: readonly EnginePacket[]): void => {
      for (const packet of packets) this.owner?.onTransportPacket(withBuffer(packet));
    };
    request.on("data", (chunk: Buffer) => {
      if (isDone) return;
      received += chunk.length;
      if (received > limit) return stop(413, "transport error", new Error(`request body over ${limit} bytes`));
      try {
        deliver(decoder.push(text.decode(chunk, { stream: true })));
      } catch (error) {
        stop(400, "parse error", error as Error);
      }
    });
    request.on("end", () => {
      if (isDone) return;
      isDone = true;
      this.#isPosting = false;
      try {
        deliver(decoder.push(text.decode()));
        deliver(decoder.end());
      } catch (error) {
        refuse(request, response, 400, headers);
        return this.report("parse error", error as Error);
      }
      sendOk(response, headers);
    });
    request.on("close", () => {
      if (!isDone) stop(400, "transport error", new Error("data request closed before its end"));
    });
  }

  sendEncoded(packet: EncodedPacket): void {
    this.#enqueue(packet);
  }

  sendPacket(packet: EnginePacket): void {
    this.#enqueue(packet);
  }

  /** @internal Answers the waiting GET with what is queued; run by the write batch. */
  flush(): void {
    this.#isFlushScheduled = false;
    if (this.#poll === undefined) {
      this.#backlog = this.#queuedBytes;
      return;
    }
    if (this.#queue.length === 0) {
      if (!this.#isClosing) return;
      // The close goes alone, after what was queued: socket.io-client handles decoded packets a
      // tick late, so a DISCONNECT and a close in one payload would reach it in the wrong order.
      this.#answer(CLOSE_PAYLOAD);
      return this.report("transport close");
    }
    const payload = this.#queue.map((item) => (isEncoded(item) ? pollingPayload(item) : encodeEnginePayload([item])));
    this.#queue = [];
    this.#queuedBytes = 0;
    this.#backlog = 0;
    this.#answer(payload.join(RECORD_SEPARATOR));
  }

  close(): void {
    if (this.#isReported || this.#isClosing) return;
    this.#isClosing = true;
    if (this.#poll !== undefined && this.#queue.length === 0) return this.flush();
    // The client learns of the close on its next GET; one that never comes is let go.
    this.#closeTimer = setTimeout(() => this.report("transport close"), CLOSE_TIMEOUT_MS);
    this.#closeTimer.unref();
  }

  destroy(): void {
    this.#queue = [];
    this.#queuedBytes = 0;
    this.#poll?.response.destroy();
    this.#poll = undefined;
    this.report("transport close");
  }

  setPaused(isPaused: boolean): void {
    this.#isPaused = isPaused;
    if (isPaused && this.#poll !== undefined && this.#queue.length === 0) this.#answer(NOOP_PAYLOAD);
  }

  handOver(next: Transport): void {
    const queue = this.#queue;
    this.#queue = [];
    this.#queuedBytes = 0;
    this.#isReported = true; // let go quietly: the session lives on in `next`
    this.owner = undefined;
    for (const item of queue) {
      if (isEncoded(item)) next.sendEncoded(item);
      else next.sendPacket(item);
    }
    if (this.#poll !== undefined) this.#answer(NOOP_PAYLOAD);
  }

  /** @internal Tells the owner, once, that this transport is done; a GET still waiting learns it too. */
  report(reason: TransportCloseReason, error?: Error): void {
    if (this.#isReported) return;
    this.#isReported = true;
    clearTimeout(this.#closeTimer);
    this.#queue = [];
    this.#queuedBytes = 0;
    if (this.#poll !== undefined) this.#answer(CLOSE_PAYLOAD);
    this.owner?.onTransportClose(reason, error);
  }

  #enqueue(item: Outgoing): void {
    if (this.#isReported || this.#isClosing) return;
    this.#queue.push(item);
    this.#queuedBytes += sizeOf(item);
    this.#scheduleFlush();
  }

  #scheduleFlush(): void {
    if (this.#isFlushScheduled) return;
    this.#isFlushScheduled = true;
    scheduleFlush(this);
  }

  #answer(payload: string): void {
    const poll = this.#poll!;
    this.#poll = undefined;
    sendPayload(poll.request, poll.response, payload, poll.headers, this.#options.compressionThreshold);
  }
}
