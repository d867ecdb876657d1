import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODEL_DIR, PROJECT_ROOT } from '../support/env.js';
import { DEV_QUESTIONS, DEV_QUESTIONS_AVAILABLE, MODEL_AVAILABLE } from '../support/requirements.js';
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

describe.skipIf(!MODEL_AVAILABLE)('command line', () => {
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
    // Telling an unchanged corpus needs no model: with none to be found, the answer is the same.
    const noModel = await script('index', ['--corpus', 'corpus', '--out', 'idx'], { env: { MODEL_DIR: '/nowhere/models' } });
    expect(noModel.code).toBe(0);
    expect(noModel.stdout).toContain('is up to date');
    expect(noModel.stderr).not.toContain('Loading the embedding model');
  });

  it('ask reads questions from stdin and writes one JSON object per line (without --json too: stdin is not a terminal)', async () => {
    const input = 'Who was Mike Pompeo?\n\nWho painted the Mona Lisa?\n';
    const result = await script('ask', ['--index', 'idx', '--corpus', 'corpus'], { input });
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n').map((l) => JSON.parse(l) as { question: string; answered: boolean; refusal?: { reason: string } });
    expect(lines.map((l) => l.question)).toEqual(['Who was Mike Pompeo?', '', 'Who painted the Mona Lisa?']);
    expect(lines.map((l) => l.answered)).toEqual([true, false, false]);
    expect(lines[1]!.refusal?.reason).toBe('empty');
    expect(lines[2]!.refusal?.reason).toBe('not-in-corpus');
  });

  it('ask --text reads questions from stdin and prints each readable answer under its question, separated', async () => {
    const input = 'Who was Mike Pompeo?\n\nWho painted the Mona Lisa?\n';
    const result = await script('ask', ['--text', '--index', 'idx', '--corpus', 'corpus'], { input });
    expect(result.code, result.stderr).toBe(0);
    const answers = result.stdout.split(`\n${'-'.repeat(40)}\n`);
    expect(answers).toHaveLength(2); // the blank line is skipped
    expect(answers[0]).toMatch(/^Q: Who was Mike Pompeo\?\n\n[\s\S]*Sources:\n\[1\] /);
    expect(answers[1]).toMatch(/^Q: Who painted the Mona Lisa\?\n\n/);
    expect(result.stdout).not.toMatch(/^\{/m);

    const both = await script('ask', ['--text', '--json', '--index', 'idx', '--corpus', 'corpus'], { input });
    expect(both.code).toBe(1);
    expect(both.stderr).toMatch(/--json.*cannot be used with.*--text|--text.*cannot be used with.*--json/);
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

describe.skipIf(!MODEL_AVAILABLE)('evaluation harness', () => {
  // The dev questions live beside the project (../shared/eval), not in the repository.
  it.skipIf(!DEV_QUESTIONS_AVAILABLE)('reports every mode side by side as JSON; hybrid gets all but at most two dev questions right', async () => {
    const result = await script('eval', [DEV_QUESTIONS, '--json', '--index', 'idx', '--corpus', 'corpus']);
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

describe.skipIf(!MODEL_AVAILABLE)('terminal safety and stdin limits', () => {
  /** Raw controls, other than the newlines that end lines. */
  // eslint-disable-next-line no-control-regex -- control characters are what it is about
  const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;
  const EVIL_FILE = 'harbour\n\u202etxt.exe.txt';

  it('index and ask print escape sequences, bidi overrides and newlines from articles and file names escaped', async () => {
    const dir = path.join(workspace.root, 'evil');
    await mkdir(dir);
    await writeFile(
      path.join(dir, EVIL_FILE),
      'Harbour \x1b]0;pwned\x07\x1b[2J report\n\nThe harbour master Zebulon Quartz counted \x1b[31mforty\x1b[0m ships in the harbour of Brindlemouth on Tuesday.\u202e\n\nHe said the \x1b[2Jstorm had passed.\n',
    );
    await writeFile(path.join(dir, 'bad\x1b[2J.md'), '\x00\x01');
    const index = await script('index', ['--corpus', 'evil', '--out', 'evil-idx']);
    expect(index.code, index.stderr).toBe(0);
    expect(index.stdout).not.toMatch(RAW);
    expect(index.stderr).not.toMatch(RAW);
    expect(index.stdout).toContain('warning: bad\\x1b[2J.md');

    const question = 'How many ships did Zebulon Quartz count in the harbour?';
    const readable = await script('ask', ['--corpus', 'evil', '--index', 'evil-idx', question]);
    expect(readable.code, readable.stderr).toBe(0);
    expect(readable.stdout).not.toMatch(RAW);
    expect(readable.stdout).toContain('harbour\\n\\u202etxt.exe.txt');
    expect(readable.stdout).toContain('\\x1b[');

    const json = await script('ask', ['--json', '--corpus', 'evil', '--index', 'evil-idx', question]);
    expect(json.code, json.stderr).toBe(0);
    expect(json.stdout).not.toMatch(RAW);
    const answer = JSON.parse(json.stdout) as { sources: { path: string }[] };
    expect(answer.sources.map((s) => s.path)).toContain(EVIL_FILE);
  });

  it('ask skips and reports a stdin line of megabytes, and goes on with the next', async () => {
    const input = `Who was Mike Pompeo?\n${'word '.repeat(800_000)}\nWho painted the Mona Lisa?\n`;
    const result = await script('ask', ['--json', '--index', 'idx', '--corpus', 'corpus'], { input });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/warning: line 2 is longer than \d+ bytes; skipped/);
    const lines = result.stdout.trim().split('\n').map((l) => JSON.parse(l) as { question?: string; line?: number; error?: string });
    expect(lines).toHaveLength(3);
    expect(lines[0]?.question).toBe('Who was Mike Pompeo?');
    expect(lines[1]).toMatchObject({ line: 2, error: 'line-too-long' });
    expect(lines[2]?.question).toBe('Who painted the Mona Lisa?');
  });
});
