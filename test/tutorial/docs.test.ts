// docs/es/tutorial.md must stay true to its programs: every block that says it is a
// file of examples/tutorial/ is that file (or, for a fragment, is in it), every
// program there is shown in full, and every file and page it names exists. What
// each program prints is checked by running it, in examples.test.ts.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describe, it } from "node:test";
import { EXAMPLES, readTutorial, ROOT, TUTORIAL, tutorialBlocks } from "./helpers.js";

const markdown = readTutorial();
const blocks = tutorialBlocks(markdown);
const programs = readdirSync(join(ROOT, EXAMPLES))
  .filter((name) => name.endsWith(".mjs"))
  .sort();

describe("docs/es/tutorial.md", () => {
  it("has programs to show", () => {
    assert.ok(programs.length >= 10, `only ${programs.length} programs in ${EXAMPLES}`);
    assert.ok(blocks.some((block) => block.kind === "output"));
  });

  it("shows each file as it is", () => {
    for (const block of blocks.filter((block) => block.kind === "file")) {
      assert.ok(existsSync(join(ROOT, block.path)), `${TUTORIAL}:${block.line}: ${block.path} does not exist`);
      const file = readFileSync(join(ROOT, block.path), "utf8");
      assert.equal(block.body, file, `${TUTORIAL}:${block.line}: the block differs from ${block.path}`);
    }
  });

  it("quotes fragments that are in their files", () => {
    for (const block of blocks.filter((block) => block.kind === "excerpt")) {
      assert.ok(existsSync(join(ROOT, block.path)), `${TUTORIAL}:${block.line}: ${block.path} does not exist`);
      const file = readFileSync(join(ROOT, block.path), "utf8");
      assert.ok(file.includes(block.body), `${TUTORIAL}:${block.line}: the fragment is not in ${block.path}`);
    }
  });

  it("shows every program of examples/tutorial/ in full", () => {
    const shown = new Set(blocks.filter((block) => block.kind === "file").map((block) => block.path));
    for (const name of programs) assert.ok(shown.has(`${EXAMPLES}/${name}`), `${TUTORIAL} does not show ${name}`);
  });

  it("names only programs that exist", () => {
    const named = new Set(markdown.match(/examples\/tutorial\/[\w.-]+\.mjs/g));
    assert.ok(named.size > 0);
    for (const path of named)
      assert.ok(existsSync(join(ROOT, path)), `${TUTORIAL} names ${path}, which does not exist`);
    for (const block of blocks.filter((block) => block.kind === "output")) {
      assert.ok(existsSync(join(ROOT, block.path)), `${TUTORIAL}:${block.line}: ${block.path} does not exist`);
    }
  });

  it("links only to files that exist, and to its own headings", () => {
    const base = dirname(join(ROOT, TUTORIAL));
    const headings = new Set(
      markdown
        .split("\n")
        .filter((line) => line.startsWith("## "))
        .map((line) =>
          line
            .slice(3)
            .toLowerCase()
            .replace(/[^\p{L}\p{N} -]/gu, "")
            .replaceAll(" ", "-"),
        ),
    );
    for (const [, target] of markdown.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target!)) continue; // https:, mailto:
      const [path, anchor] = target!.split("#");
      if (path === "") assert.ok(headings.has(anchor!), `${TUTORIAL} links to #${anchor}, which is no heading of it`);
      else assert.ok(existsSync(resolve(base, path!)), `${TUTORIAL} links to ${target}, which does not exist`);
    }
  });
});

describe("examples/tutorial/README.md", () => {
  it("lists every program, and links to the tutorial", () => {
    const readme = readFileSync(join(ROOT, EXAMPLES, "README.md"), "utf8");
    for (const name of programs) assert.ok(readme.includes(`(${name})`), `the README does not link ${name}`);
    assert.ok(readme.includes("(../../docs/es/tutorial.md)"));
  });
});
