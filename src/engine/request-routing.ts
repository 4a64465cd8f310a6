// How enchufe takes its requests from an HTTP server the application also uses: a
// route is put in front of the listeners the server has, answers the requests it
// claims, and hands every other one to those listeners untouched (a 404 when there
// are none). The engine's path and the served client files both go through it.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { HttpServerLike } from "./engine-server.js";

type RequestListener = (request: IncomingMessage, response: ServerResponse) => void;

/** Hands a request to the application's own listeners (or answers 404 when it has none). */
export type PassOn = RequestListener;

/**
 * Puts `route` in front of `server`'s request listeners. `route` returns true for
 * a request it answers (it may still pass it on later, through `passOn`).
 */
export function routeRequests(
  server: HttpServerLike,
  route: (request: IncomingMessage, response: ServerResponse, passOn: PassOn) => boolean,
): void {
  const listeners = server.listeners("request") as RequestListener[];
  server.removeAllListeners("request");
  const passOn: PassOn = (request, response) => {
    if (listeners.length === 0) {
      response.writeHead(404).end();
      return;
    }
    for (const listener of listeners) listener.call(server, request, response);
  };
  server.on("request", (request: IncomingMessage, response: ServerResponse) => {
    if (!route(request, response, passOn)) passOn(request, response);
  });
}
