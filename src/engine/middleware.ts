// Engine.IO middleware (`engine.use()`), as engine.io runs it: Express-style
// `(req, res, next)` functions applied to every HTTP request and WebSocket handshake
// of the engine's path, before its own checks, so that e.g. express-session can put
// `req.session` on the request a socket keeps.
import {
  validateHeaderName,
  validateHeaderValue,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type ServerResponse,
} from "node:http";
import type { Duplex } from "node:stream";

/**
 * An Express-style middleware; `next(error)` refuses the request (400, code 3).
 * Declared as a method so that Express middleware, typed for Express's own
 * request and response, can be passed as it is.
 */
export type EngineMiddleware = {
  middleware(req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void): void;
}["middleware"];

/** What the middleware left on the request: its outcome and the properties it added. */
export interface MiddlewareOutcome {
  error?: unknown;
  /** Properties the middleware put on the request (e.g. `session`), kept with the session. */
  added: Record<string, unknown> | undefined;
}

/**
 * Runs `middlewares` on a request in order; `done` runs once, after the last calls
 * `next()` or as soon as one fails (an error passed to `next`, or thrown). A middleware
 * that answers the request itself and never calls `next` ends the chain there.
 */
export function runMiddlewares(
  middlewares: readonly EngineMiddleware[],
  request: IncomingMessage,
  response: ServerResponse,
  done: (outcome: MiddlewareOutcome) => void,
): void {
  const before = new Set(Object.keys(request));
  const finish = (error?: unknown): void => {
    const record = request as unknown as Record<string, unknown>;
    const keys = Object.keys(request).filter((key) => !before.has(key));
    const added = keys.length === 0 ? undefined : Object.fromEntries(keys.map((key) => [key, record[key]]));
    done(error === undefined ? { added } : { error, added });
  };
  const step = (index: number): void => {
    const middleware = middlewares[index];
    if (middleware === undefined) return finish();
    let isCalled = false;
    const next = (error?: unknown): void => {
      if (isCalled) return; // a second call is the middleware's bug; the first one counts
      isCalled = true;
      if (error !== undefined && error !== null) finish(error);
      else step(index + 1);
    };
    try {
      middleware(request, response, next);
    } catch (error) {
      if (!isCalled) next(error ?? new Error("middleware threw"));
    }
  };
  step(0);
}

/**
 * The `res` middleware gets on a WebSocket handshake, where there is no
 * ServerResponse yet: headers it sets go on the 101 answer, and answering (`end`)
 * refuses the handshake by closing the socket.
 */
export class UpgradeResponse {
  statusCode = 200;
  readonly #headers: OutgoingHttpHeaders = {};
  readonly #socket: Duplex;
  #isEnded = false;

  constructor(socket: Duplex) {
    this.#socket = socket;
  }

  /** Whether a middleware answered, which refuses the handshake. */
  get writableEnded(): boolean {
    return this.#isEnded;
  }

  get headersSent(): boolean {
    return this.#isEnded;
  }

  /** Sets a header of the 101 answer; throws on a bad name or value, as Node's ServerResponse does. */
  setHeader(name: string, value: number | string | readonly string[]): this {
    validateHeaderName(name);
    for (const item of [value].flat()) validateHeaderValue(name, String(item));
    this.#headers[name.toLowerCase()] = typeof value === "object" ? [...value] : value;
    return this;
  }

  getHeader(name: string): OutgoingHttpHeaders[string] {
    return this.#headers[name.toLowerCase()];
  }

  getHeaders(): OutgoingHttpHeaders {
    return { ...this.#headers };
  }

  hasHeader(name: string): boolean {
    return name.toLowerCase() in this.#headers;
  }

  removeHeader(name: string): void {
    delete this.#headers[name.toLowerCase()];
  }

  writeHead(statusCode: number, headers?: OutgoingHttpHeaders): this {
    this.statusCode = statusCode;
    for (const [name, value] of Object.entries(headers ?? {})) if (value !== undefined) this.setHeader(name, value);
    return this;
  }

  write(): boolean {
    return true;
  }

  end(): this {
    this.#isEnded = true;
    this.#socket.destroy();
    return this;
  }
}

/** Header lines (`Name: value`) for a raw HTTP answer, from a headers object. */
export function headerLines(headers: OutgoingHttpHeaders): string[] {
  const lines: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) lines.push(`${name}: ${String(item)}`);
  }
  return lines;
}
