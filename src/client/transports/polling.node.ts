// Long-polling in Node goes through Node's own `http` and `https` rather than the
// global `fetch`: they take the TLS settings (`ca`, a client certificate,
// `rejectUnauthorized`), which `fetch` cannot, and an aborted request closes its
// connection instead of leaving a stray one for the server to wait on.
import { Buffer } from "node:buffer";
import { request as httpRequest } from "node:http";
import { request as httpsRequest, type RequestOptions } from "node:https";
import { PollingClientTransport, type PollingRequest, type PollingResponse } from "./polling.js";
import { MAX_SERVER_MESSAGE_BYTES, type ClientTransportSettings, type TlsSettings } from "./transport.js";

function requestWith(tls: TlsSettings): (request: PollingRequest) => Promise<PollingResponse> {
  return (request) =>
    new Promise((resolve, reject) => {
      const target = new URL(request.url);
      const send = target.protocol === "https:" ? httpsRequest : httpRequest;
      const headers = { ...request.headers };
      if (request.body !== undefined) headers["content-length"] = String(Buffer.byteLength(request.body));
      const options = { method: request.method, headers, signal: request.signal, ...tls } as RequestOptions; // Buffers are the Uint8Arrays it holds
      const outgoing = send(target, options, (response) => {
        const chunks: Buffer[] = [];
        let length = 0;
        response.on("data", (chunk: Buffer) => {
          length += chunk.length;
          if (length <= MAX_SERVER_MESSAGE_BYTES) return void chunks.push(chunk);
          outgoing.destroy(new Error(`polling answer of more than ${MAX_SERVER_MESSAGE_BYTES} bytes`));
        });
        response.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          resolve({ status: response.statusCode ?? 0, text, setCookies: response.headers["set-cookie"] ?? [] });
        });
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
