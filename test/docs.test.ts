// docs/ must stay true to the code: every error code and every option default
// appears in its table, and the tables name nothing the code lacks.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { ErrorCode, SERVER_DEFAULTS } from "../src/index.js";

function tableRows(markdown: string): string[][] {
  return markdown
    .split("\n")
    .filter((line) => line.startsWith("| `"))
    .map((line) =>
      line
        .split("|")
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
}

function shown(value: unknown): string {
  if (typeof value === "function") return value.name;
  if (value === undefined) return "undefined";
  return JSON.stringify(value);
}

describe("docs", () => {
  it("docs/errors.md lists every error code, and only those", () => {
    const documented = new Set(
      tableRows(readFileSync("docs/errors.md", "utf8"))
        .map(([first]) => first!.replaceAll("`", ""))
        .filter((cell) => cell.startsWith("ENCHUFE_ERR_")),
    );
    assert.deepEqual([...documented].sort(), Object.values(ErrorCode).sort());
  });

  it("docs/options.md lists every option with its default, and only those", () => {
    // The first table of the page is the options table.
    const optionsTable = readFileSync("docs/options.md", "utf8").split("\n## ")[0]!;
    const documented = Object.fromEntries(
      tableRows(optionsTable).map(([name, value]) => [name!.replaceAll("`", ""), value!.replaceAll("`", "")]),
    );
    const expected = Object.fromEntries(Object.entries(SERVER_DEFAULTS).map(([name, value]) => [name, shown(value)]));
    assert.deepEqual(documented, expected);
  });
});
