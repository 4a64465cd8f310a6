// Where the pages are: `web/` at the repository's (or package's) root. The
// compiled module runs from dist/demo/ in the package and from
// <build dir>/src/demo/ in tests, so it looks upward for web/chat.html.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Levels looked up, at most. */
const MAX_LEVELS = 6;

/** The `web/` directory above `from`; throws when there is none. */
export function findWebRoot(from: string = fileURLToPath(import.meta.url)): string {
  let directory = dirname(from);
  for (let level = 0; level < MAX_LEVELS; level++) {
    const candidate = join(directory, "web");
    if (existsSync(join(candidate, "chat.html"))) return candidate;
    const parent = dirname(directory);
    if (parent === directory) break;
    directory = parent;
  }
  throw new Error(`cannot find the demo's web/ directory (web/chat.html) above ${dirname(from)}`);
}
