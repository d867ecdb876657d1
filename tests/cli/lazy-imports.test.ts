/**
 * What a command's start costs is mostly what it imports. The commands that need no model (index with
 * nothing to do, sources, status) must not import the model's libraries, and no command imports at
 * start the libraries only some corpora or steps use (YAML, HTML parsing, the part-of-speech tagger).
 * Each command module is imported in a fresh Node process; the CommonJS modules it loaded (what these
 * libraries are, or pull in) are read from the require cache.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../support/env.js';

const run = promisify(execFile);

/** The packages among the CommonJS modules loaded by importing `module` (a path under src/). */
async function packagesLoadedBy(module: string): Promise<string[]> {
  const url = new URL(path.join(PROJECT_ROOT, module), 'file://').href;
  const code = [
    `await import(${JSON.stringify(url)});`,
    "const { createRequire } = await import('node:module');",
    'const names = Object.keys(createRequire(import.meta.url).cache).map((file) => /node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(file)?.[1]).filter(Boolean);',
    'console.log(JSON.stringify([...new Set(names)].sort()));',
  ].join('\n');
  const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: PROJECT_ROOT, timeout: 60_000 });
  return JSON.parse(stdout) as string[];
}

const MODEL = ['onnxruntime-node', 'onnxruntime-web', 'sharp'];
const ON_DEMAND = ['yaml', 'linkedom', '@mozilla/readability', 'wink-nlp', 'wink-eng-lite-web-model'];

describe('what the commands import at start', () => {
  it('the index, sources and status commands: neither the model nor what only some corpora use', async () => {
    for (const command of ['index-command', 'sources-command', 'status-command']) {
      const loaded = await packagesLoadedBy(`src/cli/${command}.ts`);
      expect(loaded, command).toContain('commander');
      for (const name of [...MODEL, ...ON_DEMAND]) expect(loaded, `${command} imports ${name}`).not.toContain(name);
    }
  }, 60_000);

  it('the ask command and the bot: the model (its tokenizer, not all of transformers.js) when they open the library, not the on-demand libraries', async () => {
    for (const module of ['src/cli/ask-command.ts', 'src/answer/library.ts', 'src/discord/launch.ts']) {
      const loaded = await packagesLoadedBy(module);
      for (const name of ON_DEMAND) expect(loaded, `${module} imports ${name}`).not.toContain(name);
    }
    const library = await packagesLoadedBy('src/answer/library.ts');
    expect(library).toContain('onnxruntime-node');
    // transformers.js's tokenizer, not its whole index: no image processing.
    expect(library).not.toContain('sharp');
  }, 60_000);
});
