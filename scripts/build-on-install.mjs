// npm's `prepare` step (npm install, npm ci): compiles the TypeScript into dist/ so that `npm start`
// (node dist/scripts/start.js) works right after `npm install`. Plain JavaScript: nothing is compiled yet.
//
// Skipped, successfully, when there is nothing to compile with or nothing to compile:
// - a production install (`npm ci --omit=dev`) has no TypeScript: it runs the dist/ it was given;
// - an install of the dependencies alone (a container's dependency layer) has no sources yet.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import process from 'node:process';

const root = path.resolve(import.meta.dirname, '..');
const config = path.join(root, 'tsconfig.build.json');

if (!existsSync(config) || !existsSync(path.join(root, 'src'))) process.exit(0);

let tsc;
try {
  tsc = createRequire(path.join(root, 'package.json')).resolve('typescript/bin/tsc');
} catch {
  process.stderr.write('verbatim: TypeScript is not installed (a production install): not compiling; npm start runs dist/ as it is.\n');
  process.exit(0);
}

process.stderr.write('verbatim: compiling to dist/ (npm run build)\n');
const result = spawnSync(process.execPath, [tsc, '-p', config], { cwd: root, stdio: 'inherit' });
if (result.status !== 0) {
  process.stderr.write('error: compiling to dist/ failed (the errors are above)\n  → fix them and run npm run build; npm run dev runs the sources without compiling\n');
  process.exit(result.status ?? 1);
}
