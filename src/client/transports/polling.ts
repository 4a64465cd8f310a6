// The client side of HTTP long-polling over `fetch` (Node's global fetch, or the
// browser's): one GET at a time waits for what the server has, one POST at a time
// carries what the client has, each body a `\x1e`-joined payload.
import { type EnginePacket } from "../../protocol/engine-packet.js";
import { decodeEnginePayload, encodeEnginePayload } from "../../protocol/engine-payload.js";
import {
  requestHeaders,
  type ClientTransport,
  type ClientTransportOwner,
  type ClientTransportSettings,
} from "./transport.js";

let requestCount = 0;

/** One HTTP exchange of long-polling, as a {@link PollingRequester} makes it. */
export interface PollingRequest {
  method: "GET" | "POST";
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
  withCredentials: boolean;
  signal: AbortSignal;
}

export interface PollingResponse {
  status: number;
  text: string;
  /** The `Set-Cookie` headers (Node only: browsers keep cookies themselves and hide them). */
  setCookies: string[];
}

/** How requests are made: `fetch` by default; Node with TLS settings uses its own `https`. */
export type PollingRequester = (request: PollingRequest) => Promise<PollingResponse>;

async function fetchRequest(request: PollingRequest): Promise<PollingResponse> {
  const response = await fetch(request.url, {
    method: request.method,
    headers: request.headers,
    body: request.body ?? null,
    credentials: request.withCredentials ? "include" : "same-origin",
    signal: request.signal,
  });
  return { status: response.status, text: await response.text(), setCookies: response.headers.getSetCookie() };
}

export class PollingClientTransport implements ClientTransport {
  readonly name = "polling";
  owner: ClientTransportOwner | undefined;
  readonly #settings: ClientTransportSettings;
  readonly #requester: PollingRequester;
  readonly #abort = new AbortController();
  #isPolling = false;
  #isPosting = false;
  #onPaused: (() => void) | undefined;

  constructor(settings: ClientTransportSettings, requester: PollingRequester = fetchRequest) {
    this.#settings = settings;
    this.#requester = requester;
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
    const { url, withCredentials, cookies } = this.#settings;
    const headers = requestHeaders(this.#settings);
    if (body !== undefined) headers["content-type"] = "text/plain;charset=UTF-8";
    try {
      const { status, text, setCookies } = await this.#requester({
        method,
        url: `${url("polling")}&t=${(requestCount++).toString(36)}`,
        headers,
        body,
        withCredentials,
        signal: this.#abort.signal,
      });
      cookies?.store(setCookies);
      if (status >= 200 && status < 300) return text;
      this.#fail(new Error(`polling ${method} answered ${status}: ${text.slice(0, 200)}`));
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
