// Builds the browser bundles of the enchufe client with esbuild, into
// dist/client-bundle/ (or --outdir DIR), each with its source map:
//
//   socket.io.js, socket.io.min.js   classic scripts: a global `io`, the io() function itself,
//                                    with io.Manager, io.Socket, io.protocol, io.connect
//                                    (socket.io-client's browser bundle has the same shape)
//   socket.io.esm.min.js             an ES module: io (also the default export), Manager, Socket, …
//   enchufe.websocket.esm.min.js     enchufe/client/websocket: WebSocket alone, no polling code
//
// The server serves the first three under <path>/ (the `serveClient` option). Then it
// prints the sizes (minified, and gzip -9 of that) beside socket.io-client's, and writes
// them to sizes.json. `--quiet` prints nothing; the test runner builds its own copy so.
import { build } from "esbuild";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const root = fileURLToPath(new URL("..", import.meta.url));
const args = process.argv.slice(2);
const outdirIndex = args.indexOf("--outdir");
const outdir = outdirIndex === -1 ? join(root, "dist/client-bundle") : args[outdirIndex + 1];
const isQuiet = args.includes("--quiet");
if (outdir === undefined) throw new Error("--outdir needs a directory");

// Browsers from mid-2021 on: the first with native private class fields and methods
// (Safari 15), which the client uses throughout. Plain "es2020" would have esbuild
// rewrite every #field into WeakMap calls: +13% gzipped, and slower.
const TARGET = ["chrome91", "edge91", "firefox90", "safari15"];

const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const clientDir = join(root, "src/client");

/**
 * Maps `ws` to the browser's own WebSocket. And the entry modules register their
 * transports as a side effect, which a bundle must keep even when the global
 * entry below only takes names from them.
 */
const browserPlugin = {
  name: "enchufe-browser",
  setup(builder) {
    builder.onResolve({ filter: /^ws$/ }, () => ({ path: join(clientDir, "transports/native-websocket.ts") }));
    builder.onResolve({ filter: /^\.\/index\.js$/ }, ({ resolveDir }) =>
      resolveDir === clientDir ? { path: join(clientDir, "index.ts"), sideEffects: true } : undefined,
    );
  },
};

/** The classic-script entry: `io` on the global object, as socket.io-client's bundle defines it. */
const globalEntry = {
  contents: [
    'import { io, Manager, Socket, protocol } from "./index.js";',
    "globalThis.io = Object.assign(io, { Manager, Socket, io, connect: io, protocol });",
  ].join("\n"),
  resolveDir: clientDir,
  sourcefile: "socket.io-global.js",
  loader: "js",
};

const common = {
  bundle: true,
  platform: "browser",
  target: TARGET,
  sourcemap: "linked",
  banner: { js: `/*! enchufe client ${version} | MIT License */` },
  plugins: [browserPlugin],
  logLevel: "warning",
};

const bundles = [
  { file: "socket.io.js", stdin: globalEntry, format: "iife", minify: false },
  { file: "socket.io.min.js", stdin: globalEntry, format: "iife", minify: true },
  { file: "socket.io.esm.min.js", entryPoints: [join(clientDir, "index.ts")], format: "esm", minify: true },
  {
    file: "enchufe.websocket.esm.min.js",
    entryPoints: [join(clientDir, "websocket-only.ts")],
    format: "esm",
    minify: true,
  },
];

rmSync(outdir, { recursive: true, force: true });
await Promise.all(bundles.map(({ file, ...options }) => build({ ...common, ...options, outfile: join(outdir, file) })));

function sizeOf(path) {
  const code = readFileSync(path);
  return { bytes: code.length, gzip: gzipSync(code, { level: 9 }).length };
}

const sizes = { enchufe: {}, "socket.io-client": {} };
for (const { file } of bundles) sizes.enchufe[file] = sizeOf(join(outdir, file));
const theirs = join(root, "node_modules/socket.io-client");
for (const file of ["socket.io.min.js", "socket.io.esm.min.js"]) {
  try {
    sizes["socket.io-client"][file] = sizeOf(join(theirs, "dist", file));
  } catch {
    // Not installed (a production install, say): nothing to compare with.
  }
}
try {
  sizes["socket.io-client"].version = JSON.parse(readFileSync(join(theirs, "package.json"), "utf8")).version;
} catch {
  delete sizes["socket.io-client"];
}
writeFileSync(join(outdir, "sizes.json"), `${JSON.stringify(sizes, null, 2)}\n`);

if (!isQuiet) {
  const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`.padStart(9);
  console.log(`client bundles in ${outdir}:`);
  for (const [owner, files] of Object.entries(sizes)) {
    for (const [file, size] of Object.entries(files)) {
      if (typeof size !== "object") continue;
      const name = owner === "enchufe" ? file : `${owner} ${files.version} ${basename(file)}`;
      console.log(`  ${name.padEnd(44)}${kb(size.bytes)}${kb(size.gzip)} gzipped`);
    }
  }
}
