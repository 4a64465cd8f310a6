// The layer rules of DESIGN.md, checked on every import of src/ (ESLint checks
// them too; this test also covers the Node built-ins protocol/ must not use).
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve, dirname } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

// This file runs from .test-build*/test/; the sources are two levels up, in src/.
const SRC = resolve(dirname(fileURLToPath(import.meta.url)), "../..", "src");

/** Which layers each layer may import (itself always allowed). */
const ALLOWED: Record<string, readonly string[]> = {
  errors: [],
  events: [],
  protocol: ["errors"],
  transports: ["protocol", "errors"],
  engine: ["transports", "protocol", "events", "errors"],
  cluster: ["protocol", "errors"],
  server: ["cluster", "engine", "protocol", "events", "errors"],
  index: ["server", "cluster", "engine", "transports", "protocol", "events", "errors"],
  // The client mirrors the server's split: transports, then its Engine.IO socket, then the API.
  "client/transports": ["protocol", "errors"],
  "client/engine": ["client/transports", "protocol", "events", "errors"],
  client: ["client/engine", "client/transports", "protocol", "events", "errors"],
  // The simple API sits on both ends: the server and the (Node) client.
  simple: ["server", "client", "errors"],
  // The apps: the demo uses the public API only; the CLI runs the demo, servers and clients.
  demo: ["index"],
  cli: ["demo", "index", "server", "client", "simple", "errors"],
};

/** Layers that must stay free of I/O: no Node built-in, no socket library. */
const PURE = new Set(["protocol", "errors"]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    const isTestOnly = entry.name.endsWith(".test.ts") || entry.name.endsWith(".test-support.ts");
    return entry.name.endsWith(".ts") && !isTestOnly ? [path] : [];
  });
}

function layerOf(file: string): string {
  const path = relative(SRC, file);
  if (!path.includes("/")) return path.replace(/\.[jt]s$/, "");
  const [top, sub] = path.split("/");
  return top === "client" && (sub === "transports" || sub === "engine") ? `client/${sub}` : top!;
}

/** The code of a file without its comments, roughly: enough to look for identifiers. */
function codeOf(file: string): string {
  return readFileSync(file, "utf8")
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/(^|[^:"'`])\/\/.*$/gm, "$1");
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+"([^"]+)"/gms)].map((match) => match[1]!);
}

describe("architecture", () => {
  const files = sourceFiles(SRC);

  it("finds the source tree", () => {
    assert.ok(files.length > 20, `only ${files.length} files under ${SRC}`);
  });

  it("imports only from the layers below", () => {
    const violations: string[] = [];
    for (const file of files) {
      const layer = layerOf(file);
      const allowed = ALLOWED[layer];
      assert.ok(allowed !== undefined, `unknown layer "${layer}" for ${file}`);
      for (const specifier of importsOf(file)) {
        if (!specifier.startsWith(".")) continue;
        const target = layerOf(resolve(dirname(file), specifier));
        if (target !== layer && !allowed.includes(target)) violations.push(`${relative(SRC, file)} → ${specifier}`);
      }
    }
    assert.deepEqual(violations, []);
  });

  it("keeps protocol/ and errors.ts free of I/O", () => {
    const violations: string[] = [];
    for (const file of files.filter((path) => PURE.has(layerOf(path)))) {
      for (const specifier of importsOf(file)) {
        if (!specifier.startsWith(".")) violations.push(`${relative(SRC, file)} → ${specifier}`);
      }
      if (/\b(Buffer|setTimeout|setInterval|setImmediate|process)\b/.test(codeOf(file))) {
        violations.push(`${relative(SRC, file)} uses a Node global (Buffer, timers or process)`);
      }
    }
    assert.deepEqual(violations, []);
  });

  it("keeps the client and what it imports browser-safe: no Node built-in, no Buffer, `process` only guarded", () => {
    const browserLayers = new Set(["client", "client/transports", "client/engine", "events", "protocol", "errors"]);
    const violations: string[] = [];
    // Node-only modules (`*.node.ts`, and `client/node.ts`, the entry Node resolves) are not in browser bundles.
    const isNodeOnly = (path: string): boolean => /(\.node|\/client\/node)\.[jt]s$/.test(path);
    for (const file of files.filter((path) => browserLayers.has(layerOf(path)) && !isNodeOnly(path))) {
      for (const specifier of importsOf(file)) {
        // `ws` is Node's WebSocket; the browser bundle maps it to the native one.
        const isNodeModule = specifier.startsWith(".") ? isNodeOnly(specifier) : specifier !== "ws";
        if (isNodeModule) violations.push(`${relative(SRC, file)} → ${specifier}`);
      }
      const code = codeOf(file);
      const usesNodeGlobal = /(?<![.\w])(Buffer\b(?!\?:)|setImmediate\b)/.test(code);
      if (usesNodeGlobal || /(?<!globalThis\.)\bprocess\b(?!\?)/.test(code)) {
        violations.push(`${relative(SRC, file)} uses a Node-only global`);
      }
    }
    assert.deepEqual(violations, []);
  });
});
