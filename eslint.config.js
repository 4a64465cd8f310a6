// Lint: typescript-eslint's type-checked recommendations, the rules that catch
// socket bugs (floating promises, misused promises, non-exhaustive switches), and
// the layer rules of DESIGN.md (test/architecture.test.ts checks them too).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const NODE_BUILTINS = [
  "node:*",
  "buffer",
  "crypto",
  "dgram",
  "events",
  "fs",
  "http",
  "https",
  "net",
  "stream",
  "tls",
  "zlib",
];

function layer(files, forbidden, message) {
  return {
    files,
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ group: forbidden, message }] }],
    },
  };
}

export default tseslint.config(
  { ignores: ["dist/", ".test-build*/", ".scratch/", "node_modules/", "bench/results/"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": [
        "error",
        // node:test's describe/it return promises the runner itself awaits.
        {
          allowForKnownSafeCalls: [
            { from: "package", package: "node:test", name: ["describe", "it", "test", "suite", "before", "after"] },
          ],
        },
      ],
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/switch-exhaustiveness-check": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["**/*.js", "**/*.mjs"],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: {
      // Plain JS (bench, examples, scripts) runs on Node.
      globals: {
        process: "readonly",
        console: "readonly",
        URL: "readonly",
        Buffer: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
        setInterval: "readonly",
        clearInterval: "readonly",
        setImmediate: "readonly",
      },
    },
  },
  {
    // The demo's pages (web/) run in browsers, as plain ES modules.
    files: ["web/**/*.js"],
    languageOptions: {
      globals: Object.fromEntries(
        [
          "window",
          "document",
          "localStorage",
          "sessionStorage",
          "location",
          "history",
          "navigator",
          "crypto",
          "Blob",
          "URL",
          "getComputedStyle",
          "requestAnimationFrame",
          "setTimeout",
          "clearTimeout",
          "setInterval",
          "clearInterval",
          "console",
          "io",
        ].map((name) => [name, "readonly"]),
      ),
    },
  },
  layer(
    ["src/protocol/**"],
    [...NODE_BUILTINS, "ws", "../transports/*", "../engine/*", "../cluster/*", "../server/*"],
    "protocol/ is pure: no I/O, no Node built-ins, nothing from the layers above.",
  ),
  layer(
    ["src/transports/**"],
    ["../engine/*", "../cluster/*", "../server/*"],
    "transports/ know nothing of sessions, rooms or events.",
  ),
  layer(["src/engine/**"], ["../cluster/*", "../server/*"], "engine/ knows nothing of Socket.IO semantics."),
  layer(
    ["src/cluster/**"],
    ["../transports/*", "../engine/*", "../server/*", "ws"],
    "cluster/ reaches sockets only through the AdapterSocket interface.",
  ),
  // Unit tests sit beside their code but may use node:test, node:assert and the like.
  { files: ["src/**/*.test.ts", "src/**/*.test-support.ts"], rules: { "no-restricted-imports": "off" } },
);
