/**
 * `npm run sources` and `npm run status`, run as a user runs them, against an index of the seed
 * corpus built once with the real model; the commands themselves are run with no model to be found.
 */
import { execFile } from 'node:child_process';
import { appendFile, copyFile, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArticleView } from '../../src/cli/sources-command.js';
import type { IndexStatus } from '../../src/cli/status-command.js';
import { buildIndex } from '../../src/index/build.js';
import { currentGeneration } from '../../src/index/layout.js';
import { FORMAT_VERSION } from '../../src/index/manifest.js';
import { PROJECT_ROOT } from '../support/env.js';
import { loadEmbeddings, seedWorkspace, type SeedWorkspace } from '../support/seed-index.js';

const run = promisify(execFile);
const TSX = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');
/** Raw controls, other than the newlines that end lines. */
// eslint-disable-next-line no-control-regex -- control characters are what it is about
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a script as `npm run X -- args` would, where no model can be found (these commands need none). */
async function script(name: string, args: string[]): Promise<Result> {
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', MODEL_DIR: '/nowhere/models' };
  try {
    const { stdout, stderr } = await run(TSX, [path.join(PROJECT_ROOT, 'scripts', `${name}.ts`), ...args], { cwd: workspace.root, env, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

let workspace: SeedWorkspace;
const ARGS = ['--index', 'index', '--corpus', 'corpus'];
const INDEX = ['--index', 'index'];
const EVIL = '005_evil';

beforeAll(async () => {
  workspace = await seedWorkspace();
  await writeFile(
    path.join(workspace.corpusDir, `${EVIL}.md`),
    '---\ntitle: "Harbour \\e]0;pwned\\a report\\u202e"\nsource: "Brindle\\nmouth Post"\npublished: 2025-08-09\nurl: https://example.com/harbour\n---\n' +
      'The harbour master Zebulon Quartz counted forty ships in the harbour of Brindlemouth on Tuesday.\n',
  );
  const embeddings = await loadEmbeddings();
  await buildIndex({ corpusDir: workspace.corpusDir, indexDir: workspace.indexDir, embeddings });
});
afterAll(async () => {
  await workspace?.cleanup();
});

describe('npm run sources (no model needed)', () => {
  it('lists every indexed article with its id, file, chunks, outlet, date and URL; terminal-safe', async () => {
    const result = await script('sources', INDEX);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).not.toMatch(RAW);
    expect(result.stdout).toMatch(/^1\. Kremlin Expresses Cautious Optimism Following Putin’s Meeting with Trump’s Special Envoy\n {3}000_ba3a1d287da7a63e · 000_ba3a1d287da7a63e\.txt · \d+ chunks\n/);
    expect(result.stdout).toContain('5. Russian envoy says Trump-Putin meeting may be ground-breaking\n   004_dc90a5985b6e19d6 · 004_dc90a5985b6e19d6.txt');
    expect(result.stdout).toContain('\n   MENAFN\n');
    expect(result.stdout).toContain('6. Harbour \\x1b]0;pwned\\x07 report\\u202e\n   005_evil · 005_evil.md · 1 chunk\n   Brindle mouth Post · 2025-08-09 · https://example.com/harbour\n');
    expect(result.stdout.trimEnd().endsWith('6 articles · npm run sources -- ID shows one')).toBe(true);
  });

  it('--json prints the articles as one array, escaping what a terminal would act on', async () => {
    const result = await script('sources', [...INDEX, '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).not.toMatch(RAW);
    const articles = JSON.parse(result.stdout) as { id: string; title: string; path: string; chunks: number; outlet?: string; url?: string }[];
    expect(articles.map((a) => a.id)).toEqual([
      '000_ba3a1d287da7a63e',
      '001_d0fa2f8654ce3dfa',
      '002_bb33988446a060da',
      '003_e2b99da125ba86af',
      '004_dc90a5985b6e19d6',
      EVIL,
    ]);
    expect(articles[4]).toMatchObject({ outlet: 'MENAFN', path: '004_dc90a5985b6e19d6.txt' });
    expect(articles[5]).toMatchObject({ title: 'Harbour \x1b]0;pwned\x07 report\u202e', url: 'https://example.com/harbour', chunks: 1 });
    expect(articles.every((a) => a.chunks > 0)).toBe(true);
  });

  it('ID shows one article: its details and opening lines (by id or by file name); --json too', async () => {
    const result = await script('sources', [...INDEX, '004_dc90a5985b6e19d6']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Russian envoy says Trump-Putin meeting may be ground-breaking\n\n {2}id: {8}004_dc90a5985b6e19d6\n {2}file: {6}004_dc90a5985b6e19d6\.txt\n {2}chunks: {4}2\n {2}outlet: {4}MENAFN\n/);
    expect(result.stdout).toContain('The meeting could take place as early as next week');

    const byFile = await script('sources', [...INDEX, '005_evil.md', '--json']);
    expect(byFile.code, byFile.stderr).toBe(0);
    const article = JSON.parse(byFile.stdout) as ArticleView;
    expect(article).toMatchObject({ id: EVIL, outlet: 'Brindle mouth Post', published: '2025-08-09' });
    expect(article.opening).toContain('The harbour master Zebulon Quartz counted forty ships');
  });

  it('an unknown id is one line with a hint, exit code 1', async () => {
    const result = await script('sources', [...INDEX, 'no-such-article']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('error: No article "no-such-article" in the index.\n  → npm run sources lists the ids of the indexed articles.\n');
  });

  it('no index: says how to build one', async () => {
    const result = await script('sources', ['--index', 'none']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: No index has been built in .*none yet\.\n {2}→ Build it from the corpus with: npm run index\n$/);
  });
});

describe('npm run status (no model needed)', () => {
  it('shows the live generation, model, counts, corpus (up to date) and no previous generation', async () => {
    const live = path.basename((await currentGeneration(workspace.indexDir))!);
    const result = await script('status', ARGS);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^index: {5}.*/index\\nlive: {6}${live}, built \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z in \\d+\\.\\d s, format ${FORMAT_VERSION}\\n`));
    expect(result.stdout).toContain('model:     Xenova/all-MiniLM-L6-v2 (int8, quantized), 384 dimensions\n');
    expect(result.stdout).toMatch(/counts: {4}6 articles, \d+ chunks, \d+ sentences\n/);
    expect(result.stdout).toMatch(/corpus: {4}.*\/corpus \(6 articles\)\n {11}up to date: every article as indexed, every index file matching its checksum\n/);
    expect(result.stdout).toContain('previous:  none\n');

    const json = JSON.parse((await script('status', [...ARGS, '--json'])).stdout) as IndexStatus;
    expect(json.live).toMatchObject({ generation: live, formatVersion: FORMAT_VERSION, model: { id: 'Xenova/all-MiniLM-L6-v2', quantized: true } });
    expect(json.live.counts.articles).toBe(6);
    expect(json.corpus).toMatchObject({ upToDate: true, articles: 6, added: [], changed: [], removed: [] });
    expect(json.previous).toBeNull();
  });

  it('says what changed in the corpus since the build, and names the previous generation after a rebuild', async () => {
    await appendFile(path.join(workspace.corpusDir, '004_dc90a5985b6e19d6.txt'), '\nA sentence added after the build.\n');
    await copyFile(path.join(workspace.corpusDir, '000_ba3a1d287da7a63e.txt'), path.join(workspace.corpusDir, '006_copy.txt'));
    const changed = await script('status', [...ARGS, '--json']);
    expect(changed.code, changed.stderr).toBe(0);
    const status = JSON.parse(changed.stdout) as IndexStatus;
    expect(status.corpus).toMatchObject({ upToDate: false, added: ['006_copy'], changed: ['004_dc90a5985b6e19d6'], removed: [] });
    const text = await script('status', ARGS);
    expect(text.stdout).toContain('not up to date: 1 added, 1 changed, 0 removed since it was built — npm run index updates it');

    const before = status.live.generation;
    await buildIndex({ corpusDir: workspace.corpusDir, indexDir: workspace.indexDir, embeddings: await loadEmbeddings() });
    const after = JSON.parse((await script('status', [...ARGS, '--json'])).stdout) as IndexStatus;
    expect(after.previous?.generation).toBe(before);
    expect(after.live.generation).not.toBe(before);
    expect(after.corpus.upToDate).toBe(true);
    expect((await script('status', ARGS)).stdout).toContain(`previous:  ${before}, built `);
  });

  it('reports a damaged index file as not up to date (never as up to date)', async () => {
    const live = (await currentGeneration(workspace.indexDir))!;
    const file = path.join(live, 'vocabulary.json');
    const bytes = await readFile(file);
    bytes[10] = bytes[10]! ^ 0x01;
    await writeFile(file, bytes);
    const result = await script('status', [...ARGS, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const status = JSON.parse(result.stdout) as IndexStatus;
    expect(status.corpus.upToDate).toBe(false);
    expect(status.corpus.reason).toMatch(/damaged/);
  });
});
