// Whether a compiled entry point in dist/ can run: it exists, and no TypeScript source in src/ or scripts/ is newer
// than it. Shared by check-build.mjs (npm's prestart) and run-compiled.mjs (npm run index, ask, sources, status).
// A tree without sources (a container image) is not checked for age. Plain JavaScript: it must run when nothing
// is compiled.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** The most recently modified .ts file under `dir` (skipping declaration files), or undefined. */
function newestSource(dir) {
  let newest;
  const visit = (current) => {
    for (const item of readdirSync(current, { withFileTypes: true })) {
      const full = path.join(current, item.name);
      if (item.isDirectory()) visit(full);
      else if (item.isFile() && item.name.endsWith('.ts') && !item.name.endsWith('.d.ts')) {
        const mtime = statSync(full).mtimeMs;
        if (newest === undefined || mtime > newest.mtime) newest = { file: full, mtime };
      }
    }
  };
  if (existsSync(dir)) visit(dir);
  return newest;
}

/**
 * What keeps `entry` (a path under `root`, e.g. dist/scripts/start.js) from running as the current code: one line
 * without the hint (`{ missing: true }` when it was never compiled), or undefined when it can run.
 */
export function buildProblem(root, entry) {
  const compiled = path.join(root, entry);
  if (!existsSync(compiled)) return { missing: true, message: `${entry} is missing: the project has not been compiled` };
  const built = statSync(compiled).mtimeMs;
  for (const dir of ['src', 'scripts']) {
    const newest = newestSource(path.join(root, dir));
    if (newest !== undefined && newest.mtime > built) {
      return { missing: false, message: `dist/ is older than the sources (${path.relative(root, newest.file)} changed since the last build)` };
    }
  }
  return undefined;
}
