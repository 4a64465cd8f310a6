// Unit tests of Node's cookie jar: what a server's Set-Cookie keeps, replaces,
// forgets, and the bound on how many it may make the client hold.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CookieJar, MAX_COOKIES } from "./cookie-jar.js";

describe("CookieJar", () => {
  it("sends back name=value of each cookie kept, without its attributes", () => {
    const jar = new CookieJar();
    assert.equal(jar.header(), undefined);
    jar.store(["io=abc; Path=/; HttpOnly; SameSite=Lax", "lb=node2~xyz"]);
    assert.equal(jar.header(), "io=abc; lb=node2~xyz");
  });

  it("replaces a cookie set again, and forgets one expired by Max-Age or Expires", () => {
    const jar = new CookieJar();
    jar.store(["a=1", "b=2", "c=3"]);
    jar.store(["a=10", "b=; Max-Age=0", "c=; Expires=Thu, 01 Jan 1970 00:00:00 GMT"]);
    assert.equal(jar.header(), "a=10");
  });

  it("ignores lines without a name", () => {
    const jar = new CookieJar();
    jar.store(["=nameless", "novalue", ""]);
    assert.equal(jar.header(), undefined);
  });

  it(`keeps at most ${MAX_COOKIES} cookies, still updating those it has`, () => {
    const jar = new CookieJar();
    jar.store(Array.from({ length: MAX_COOKIES + 20 }, (_, i) => `c${i}=${i}`));
    const kept = jar.header()!.split("; ");
    assert.equal(kept.length, MAX_COOKIES);
    assert.equal(kept.at(-1), `c${MAX_COOKIES - 1}=${MAX_COOKIES - 1}`);
    jar.store(["c0=updated"]);
    assert.equal(jar.header()!.split("; ")[0], "c0=updated");
  });
});
