// Compiles src/ and test/ to .test-build/ and runs every *.test.js with node's
// test runner, given as an explicit file list (Node 20 takes no globs, and a
// directory argument would run helper modules as tests). Under CI=true a skipped
// test fails the run: CI must run everything (DESIGN › "Testing strategy").
import { spawn, spawnSync } from "node:child_process";
import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";

// TEST_BUILD_DIR lets several runs (say, two people's) proceed side by side.
const BUILD = process.env.TEST_BUILD_DIR ?? ".test-build";

function findTests(dir) {
  let found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found = found.concat(findTests(path));
    else if (entry.name.endsWith(".test.js")) found.push(path);
  }
  return found;
}

rmSync(BUILD, { recursive: true, force: true });
const compile = spawnSync(
  process.execPath,
  ["node_modules/typescript/bin/tsc", "-p", "tsconfig.test.json", "--outDir", BUILD],
  {
    stdio: "inherit",
  },
);
if (compile.status !== 0) process.exit(compile.status ?? 1);
// The browser bundles, where the compiled server looks for them (src/server/ → src/client-bundle/):
// `serveClient` and the browser tests use bundles of the sources under test.
const bundle = spawnSync(
  process.execPath,
  ["scripts/build-client.mjs", "--quiet", "--outdir", join(BUILD, "src/client-bundle")],
  {
    stdio: "inherit",
  },
);
if (bundle.status !== 0) process.exit(bundle.status ?? 1);

const only = process.argv.slice(2);
const files = findTests(BUILD)
  .filter((file) => only.length === 0 || only.some((part) => file.includes(part)))
  .sort();
if (files.length === 0) {
  console.error("no test file found");
  process.exit(1);
}

const child = spawn(process.execPath, ["--test", "--test-reporter=spec", "--test-timeout=60000", ...files], {
  stdio: ["ignore", "pipe", "inherit"],
});
let output = "";
child.stdout.on("data", (chunk) => {
  process.stdout.write(chunk);
  output += chunk.toString();
});
child.on("close", (code) => {
  // The summary counts skipped tests but not skipped suites, whose tests never run:
  // the spec reporter marks both with "﹣". A todo is a test allowed to fail.
  const skipped = output.match(/^\s*\uFE63 /gmu)?.length ?? 0;
  const todo = Number(/^ℹ todo (\d+)/m.exec(output)?.[1] ?? 0);
  if (code === 0 && process.env.CI === "true" && skipped + todo > 0) {
    console.error(
      `\n${skipped} skipped test(s) or suite(s) and ${todo} todo under CI=true: CI must run everything (install what they need).`,
    );
    process.exit(1);
  }
  process.exit(code ?? 1);
});
