import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODEL_DIR, PROJECT_ROOT } from '../support/env.js';
import { seedWorkspace, type SeedWorkspace } from '../support/seed-index.js';

const run = promisify(execFile);
const TSX = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a script as a user would (npm run X -- args), with a clean environment pointing at the local model. */
async function script(name: string, args: string[], options: { input?: string; env?: Record<string, string> } = {}): Promise<Result> {
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', MODEL_DIR, ...options.env };
  const child = run(TSX, [path.join(PROJECT_ROOT, 'scripts', `${name}.ts`), ...args], { cwd: workspace.root, env, timeout: 120_000 });
  if (options.input !== undefined) {
    child.child.stdin?.end(options.input);
  }
  try {
    const { stdout, stderr } = await child;
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

let workspace: SeedWorkspace;
beforeAll(async () => {
  workspace = await seedWorkspace();
});
afterAll(async () => {
  await workspace?.cleanup();
});

describe('command line', () => {
  it('ask builds the index when there is none (saying so), then answers as JSON', async () => {
    const result = await script('ask', ['--json', '--corpus', 'corpus', '--index', 'idx', 'How did Trump describe the talks Witkoff held with Putin?']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('No index yet: building it first.');
    const answer = JSON.parse(result.stdout) as { answered: boolean; quotes: { text: string; source: number }[]; sources: { n: number; id: string }[] };
    expect(answer.answered).toBe(true);
    expect(answer.quotes[0]!.text).toContain('unexpectedly productive');
    expect(answer.sources[0]!.id).toBe('004_dc90a5985b6e19d6');
  });

  it('index reports an incremental run with no changes', async () => {
    const result = await script('index', ['--corpus', 'corpus', '--out', 'idx']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('is up to date');
    expect(result.stdout).toMatch(/0 added, 0 changed, 0 removed, 5 unchanged/);
  });

  it('ask reads questions from stdin and writes one JSON object per line', async () => {
    const input = 'Who was Mike Pompeo?\n\nWho painted the Mona Lisa?\n';
    const result = await script('ask', ['--json', '--index', 'idx', '--corpus', 'corpus'], { input });
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n').map((l) => JSON.parse(l) as { question: string; answered: boolean; refusal?: { reason: string } });
    expect(lines.map((l) => l.question)).toEqual(['Who was Mike Pompeo?', '', 'Who painted the Mona Lisa?']);
    expect(lines.map((l) => l.answered)).toEqual([true, false, false]);
    expect(lines[1]!.refusal?.reason).toBe('empty');
    expect(lines[2]!.refusal?.reason).toBe('not-in-corpus');
  });

  it('ask prints a readable answer with numbered sources', async () => {
    const result = await script('ask', ['--index', 'idx', '--corpus', 'corpus', 'Since when has the relationship between Russia and the U.S. been rocky?']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('“The relationship between Russia and the U.S. has been rocky since the Cold War era.” [1]');
    expect(result.stdout).toMatch(/Sources:\n\[1\] Putin Envoys Meet Trump Aides.* — 002_bb33988446a060da\.txt/);
  });

  it('says how to build the index when asked not to build one', async () => {
    const result = await script('ask', ['--no-build', '--index', 'none', 'anything']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/No index has been built in .*none yet[\s\S]*npm run index/);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('rejects bad configuration naming the variable, with an example', async () => {
    const result = await script('index', [], { env: { MODEL_QUANTIZED: 'maybe', LOG_LEVEL: 'loud' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('MODEL_QUANTIZED must be true or false (got "maybe") — for example MODEL_QUANTIZED=true');
    expect(result.stderr).toContain('LOG_LEVEL');
  });

  it('names a missing model directory', async () => {
    const result = await script('index', ['--corpus', 'corpus', '--out', 'idx2'], { env: { MODEL_DIR: '/nowhere/models' } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('The model directory /nowhere/models does not exist.');
  });

  it('reports an empty corpus directory clearly', async () => {
    await mkdir(path.join(workspace.root, 'empty'));
    const result = await script('index', ['--corpus', 'empty', '--out', 'idx3']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/error: .*empty/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('evaluation harness', () => {
  it('reports every mode side by side as JSON; hybrid gets all but at most two dev questions right', async () => {
    const file = path.resolve(PROJECT_ROOT, '../shared/eval/dev-questions.json');
    const result = await script('eval', [file, '--json', '--index', 'idx', '--corpus', 'corpus']);
    expect(result.code).toBe(0);
    const reports = JSON.parse(result.stdout) as Record<string, { answerable: number; fullyCorrect: number; correctRefusals: number; outOfCorpus: number; mrr: number; recallAtK: number; latencyMs: { p50: number } }>;
    expect(Object.keys(reports)).toEqual(['dense', 'lexical', 'hybrid']);
    const hybrid = reports.hybrid!;
    // The reader declines up to two weakly supported ones (README "The reader"); the rest are fully right.
    expect(hybrid.fullyCorrect).toBeGreaterThanOrEqual(hybrid.answerable - 2);
    expect(hybrid.correctRefusals).toBe(hybrid.outOfCorpus);
    expect(hybrid.recallAtK).toBe(1);
    expect(hybrid.fullyCorrect).toBeGreaterThanOrEqual(Math.max(reports.dense!.fullyCorrect, reports.lexical!.fullyCorrect));
    expect(hybrid.latencyMs.p50).toBeGreaterThan(0);
  });

  it('rejects a questions file of the wrong shape, saying where', async () => {
    const bad = path.join(workspace.root, 'bad.json');
    await writeFile(bad, JSON.stringify([{ question: 'x' }]));
    const result = await script('eval', [bad, '--index', 'idx', '--corpus', 'corpus']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/not in the expected form: at 0\.q/);
  });
});
