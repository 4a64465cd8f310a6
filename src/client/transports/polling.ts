// The client side of HTTP long-polling over `fetch` (Node's global fetch, or the
// browser's): one GET at a time waits for what the server has, one POST at a time
// carries what the client has, each body a `\x1e`-joined payload.
import { type EnginePacket } from "../../protocol/engine-packet.js";
import { decodeEnginePayload, encodeEnginePayload } from "../../protocol/engine-payload.js";
import type { ClientTransport, ClientTransportOwner, ClientTransportSettings } from "./transport.js";

let requestCount = 0;

export class PollingClientTransport implements ClientTransport {
  readonly name = "polling";
  owner: ClientTransportOwner | undefined;
  readonly #settings: ClientTransportSettings;
  readonly #abort = new AbortController();
  #isPolling = false;
  #isPosting = false;
  #onPaused: (() => void) | undefined;

  constructor(settings: ClientTransportSettings) {
    this.#settings = settings;
  }

  get writable(): boolean {
    return !this.#isPosting && this.#onPaused === undefined;
  }

  open(): void {
    this.owner?.onTransportOpen();
    void this.#poll();
  }

  send(packets: readonly EnginePacket[]): void {
    this.#isPosting = true;
    void this.#request("POST", encodeEnginePayload(packets)).then((answer) => {
      this.#isPosting = false;
      if (answer === undefined) return;
      this.#checkPaused();
      this.owner?.onTransportDrain();
    });
  }

  pause(onPaused: () => void): void {
    this.#onPaused = onPaused;
    this.#checkPaused();
  }

  close(): void {
    this.owner = undefined;
    this.#abort.abort();
  }

  async #poll(): Promise<void> {
    this.#isPolling = true;
    while (this.owner !== undefined && this.#onPaused === undefined) {
      const payload = await this.#request("GET");
      if (payload === undefined) return;
      let packets: EnginePacket[];
      try {
        packets = decodeEnginePayload(payload);
      } catch (error) {
        return this.#fail(error as Error);
      }
      for (const packet of packets) this.owner?.onTransportPacket(packet);
    }
    this.#isPolling = false;
    this.#checkPaused();
  }

  /** One request; its body text, or undefined once the transport failed or closed. */
  async #request(method: "GET" | "POST", body?: string): Promise<string | undefined> {
    const { url, extraHeaders, withCredentials, cookies } = this.#settings;
    const headers: Record<string, string> = { ...extraHeaders };
    const cookie = cookies?.header();
    if (cookie !== undefined) headers.cookie = cookie;
    if (body !== undefined) headers["content-type"] = "text/plain;charset=UTF-8";
    try {
      const response = await fetch(`${url("polling")}&t=${(requestCount++).toString(36)}`, {
        method,
        headers,
        body: body ?? null,
        credentials: withCredentials ? "include" : "same-origin",
        signal: this.#abort.signal,
      });
      cookies?.store(response.headers.getSetCookie());
      const text = await response.text();
      if (response.ok) return text;
      this.#fail(new Error(`polling ${method} answered ${response.status}: ${text.slice(0, 200)}`));
    } catch (error) {
      this.#fail(error as Error);
    }
    return undefined;
  }

  #checkPaused(): void {
    if (this.#onPaused === undefined || this.#isPolling || this.#isPosting) return;
    const onPaused = this.#onPaused;
    this.#onPaused = () => undefined; // paused for good: the session moves on
    onPaused();
  }

  #fail(error: Error): void {
    const owner = this.owner;
    if (owner === undefined) return;
    this.close();
    owner.onTransportClose("transport error", error);
  }
}
