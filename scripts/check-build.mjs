// npm's `prestart` step: `npm start` runs the compiled bot (dist/scripts/start.js); this says in one line
// (and a hint) when it is missing or older than the sources, rather than letting Node fail with a stack
// trace or run yesterday's code. A tree without sources (a container image) is not checked for age.
// Plain JavaScript: it must run when nothing is compiled.
//
//   node scripts/check-build.mjs [entry]   (entry: dist/scripts/start.js by default)
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';

const root = path.resolve(import.meta.dirname, '..');
const entry = process.argv[2] ?? 'dist/scripts/start.js';

function fail(message) {
  process.stderr.write(`error: ${message}\n  → run npm run build (npm run dev runs the bot from the sources, without compiling)\n`);
  process.exit(1);
}

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

const compiled = path.join(root, entry);
if (!existsSync(compiled)) fail(`${entry} is missing: the bot has not been compiled`);

const built = statSync(compiled).mtimeMs;
for (const dir of ['src', 'scripts']) {
  const newest = newestSource(path.join(root, dir));
  if (newest !== undefined && newest.mtime > built) {
    fail(`dist/ is older than the sources (${path.relative(root, newest.file)} changed since the last build)`);
  }
}
