// `--help` on enchufe and on each command, `--version`, and what a bare `enchufe` says.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, it } from "node:test";
import { killAll, ROOT, runCli } from "./helpers.js";

afterEach(killAll);

describe("enchufe --help", () => {
  for (const flag of ["--help", "-h"]) {
    it(`${flag} lists the commands and exits 0`, async () => {
      const { code, stdout, stderr } = await runCli([flag]);
      assert.equal(code, 0);
      assert.equal(stderr, "");
      const text = stdout.join("\n");
      for (const command of ["serve", "connect <url>", "listen <url>", "--version", "Exit codes"]) {
        assert.ok(text.includes(command), `"${command}" missing from:\n${text}`);
      }
    });
  }

  it("with no command prints the same help on stderr and exits 2", async () => {
    const { code, stdout, stderr } = await runCli([]);
    assert.equal(code, 2);
    assert.deepEqual(stdout, []);
    assert.match(stderr, /^enchufe: real-time sockets/);
  });

  it("--version prints package.json's version", async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
    assert.deepEqual(await runCli(["--version"]), { code: 0, stdout: [version], stderr: "" });
  });
});

describe("--help of each command", () => {
  const expected: Record<string, string[]> = {
    serve: ["--port", "PORT", "--line-port", "--no-line", "--tls-key", "ENCHUFE_ADMIN_PASSWORD", "--redis", "SIGTERM"],
    connect: ["--namespace", "--auth", "--query", "--transport", "--ca", "--insecure", "--no-reconnect", "--json"],
    listen: ["--tls-key", "--tls-cert", "--mode", "--no-echo", "--json"],
  };
  for (const [command, words] of Object.entries(expected)) {
    it(`enchufe ${command} --help names its options and exits 0`, async () => {
      for (const args of [
        [command, "--help"],
        [command, "-h"],
        ["help", command],
      ]) {
        const { code, stdout, stderr } = await runCli(args);
        assert.equal(code, 0, args.join(" "));
        assert.equal(stderr, "");
        const text = stdout.join("\n");
        assert.match(text, new RegExp(`^Usage: enchufe ${command}`));
        for (const word of words) assert.ok(text.includes(word), `"${word}" missing from enchufe ${command} --help`);
      }
    });
  }

  it("--help wins over a missing URL", async () => {
    const { code } = await runCli(["connect", "--help"]);
    assert.equal(code, 0);
  });
});
