// npm's `prestart` step: `npm start` runs the compiled bot (dist/scripts/start.js); this says in one line
// (and a hint) when it is missing or older than the sources, rather than letting Node fail with a stack
// trace or run yesterday's code. A tree without sources (a container image) is not checked for age.
// Plain JavaScript: it must run when nothing is compiled.
//
//   node scripts/check-build.mjs [entry]   (entry: dist/scripts/start.js by default)
import path from 'node:path';
import process from 'node:process';
import { buildProblem } from './build-freshness.mjs';

const root = path.resolve(import.meta.dirname, '..');
const entry = process.argv[2] ?? 'dist/scripts/start.js';

const problem = buildProblem(root, entry);
if (problem !== undefined) {
  const message = problem.missing ? `${entry} is missing: the bot has not been compiled` : problem.message;
  process.stderr.write(`error: ${message}\n  → run npm run build (npm run dev runs the bot from the sources, without compiling)\n`);
  process.exit(1);
}
