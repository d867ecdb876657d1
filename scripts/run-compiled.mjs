// What `npm run index`, `ask`, `sources` and `status` run: the compiled command in dist/scripts/, in this process,
// after checking that it exists and is not older than the sources (as `npm start`'s prestart does for the bot).
// One process, no TypeScript loader: a no-change `npm run index` takes ~0.5 s rather than ~1.7 s through tsx, and
// the commands work on a production install without development tools. During development,
// `npx tsx scripts/<command>.ts …` runs a command from the sources without compiling.
// Plain JavaScript: it must run when nothing is compiled.
//
//   node scripts/run-compiled.mjs <command> [arguments…]   (command: a file name in scripts/, e.g. index)
import path from 'node:path';
import process from 'node:process';
import { pathToFileURL } from 'node:url';
import { buildProblem } from './build-freshness.mjs';

const root = path.resolve(import.meta.dirname, '..');
const [command, ...args] = process.argv.slice(2);

if (command === undefined || !/^[a-z][a-z-]*$/.test(command)) {
  process.stderr.write('error: run-compiled.mjs needs a command name (index, ask, sources, status)\n');
  process.exit(2);
}
const entry = `dist/scripts/${command}.js`;
const problem = buildProblem(root, entry);
if (problem !== undefined) {
  process.stderr.write(
    `error: ${problem.message}\n  → run npm run build (npx tsx scripts/${command}.ts runs the command from the sources, without compiling)\n`,
  );
  process.exit(1);
}
// The command reads its arguments from process.argv.slice(2), as when Node runs it directly.
process.argv = [process.argv[0], path.join(root, entry), ...args];
await import(pathToFileURL(path.join(root, entry)).href);
