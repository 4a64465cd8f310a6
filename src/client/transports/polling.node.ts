// Long-polling in Node goes through Node's own `http` and `https` rather than the
// global `fetch`: they take the TLS settings (`ca`, a client certificate,
// `rejectUnauthorized`), which `fetch` cannot, and an aborted request closes its
// connection instead of leaving a stray one for the server to wait on.
import { request as httpRequest } from "node:http";
import { request as httpsRequest, type RequestOptions } from "node:https";
import { PollingClientTransport, type PollingRequest, type PollingResponse } from "./polling.js";
import type { ClientTransportSettings, TlsSettings } from "./transport.js";

function requestWith(tls: TlsSettings): (request: PollingRequest) => Promise<PollingResponse> {
  return (request) =>
    new Promise((resolve, reject) => {
      const target = new URL(request.url);
      const send = target.protocol === "https:" ? httpsRequest : httpRequest;
      const headers = { ...request.headers };
      if (request.body !== undefined) headers["content-length"] = String(new TextEncoder().encode(request.body).length);
      const options = { method: request.method, headers, signal: request.signal, ...tls } as RequestOptions; // Buffers are the Uint8Arrays it holds
      const outgoing = send(target, options, (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => (text += chunk));
        response.on("end", () =>
          resolve({ status: response.statusCode ?? 0, text, setCookies: response.headers["set-cookie"] ?? [] }),
        );
        response.on("error", reject);
      });
      outgoing.on("error", reject);
      outgoing.end(request.body);
    });
}

export class NodePollingClientTransport extends PollingClientTransport {
  constructor(settings: ClientTransportSettings) {
    super(settings, requestWith(settings.tls));
  }
}
