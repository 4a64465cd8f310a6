// A cookie jar for Node clients, so that a load balancer's sticky-session cookie
// (enchufe's `cookie` option, HAProxy's prefix, nginx Plus) comes back on every
// request of a session. Browsers keep cookies themselves. One server per jar: the
// Manager's URL, so Domain and Path need no matching here.
import type { CookieStore } from "./transport.js";

/** Most cookies a jar keeps; a server that sets more replaces none and adds none (browsers cap per site too). */
export const MAX_COOKIES = 50;

export class CookieJar implements CookieStore {
  readonly #cookies = new Map<string, string>();

  /** The `Cookie` header to send, if any cookie is kept. */
  header(): string | undefined {
    if (this.#cookies.size === 0) return undefined;
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  /** Keeps (or, when expired, forgets) the cookies of `Set-Cookie` headers. */
  store(setCookie: readonly string[]): void {
    for (const line of setCookie) {
      const [pair = "", ...attributes] = line.split(";");
      const equals = pair.indexOf("=");
      if (equals <= 0) continue;
      const name = pair.slice(0, equals).trim();
      const isExpired = attributes.some((attribute) => {
        const [key = "", value = ""] = attribute.split("=").map((part) => part.trim());
        const lower = key.toLowerCase();
        return (lower === "max-age" && Number(value) <= 0) || (lower === "expires" && Date.parse(value) < Date.now());
      });
      if (isExpired) this.#cookies.delete(name);
      else if (this.#cookies.has(name) || this.#cookies.size < MAX_COOKIES)
        this.#cookies.set(name, pair.slice(equals + 1).trim());
    }
  }
}
