/**
 * End to end: votes recorded by the bot's feedback store (in its database) on real answers over the
 * seed corpus → `npm run eval -- --from-feedback --out FILE` → the written file run with
 * `npm run eval -- FILE`, whose report checks what the votes said (including the quote a 👎 named
 * wrong); the same from the JSON lines `npm run feedback:export` writes.
 */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Library } from '../../src/answer/library.js';
import type { EvalReport } from '../../src/cli/eval-metrics.js';
import { createLogger } from '../../src/core/logger.js';
import { FeedbackStore } from '../../src/discord/feedback.js';
import { openDatabase } from '../../src/storage/database.js';
import { MODEL_DIR, PROJECT_ROOT } from '../support/env.js';
import { MODEL_AVAILABLE } from '../support/requirements.js';
import { seedLibrary, type SeedWorkspace } from '../support/seed-index.js';

const run = promisify(execFile);
const TSX = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

async function evalScript(args: string[], script = 'eval.ts'): Promise<Result> {
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', MODEL_DIR };
  try {
    const { stdout, stderr } = await run(TSX, [path.join(PROJECT_ROOT, 'scripts', script), ...args], { cwd: workspace.root, env, timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const TRUMP = 'How did Trump describe the talks Witkoff held with Putin?';
const BREAKDOWN = 'What could happen if the negotiations break down?';
const POMPEO = 'Who was Mike Pompeo?';
const MONA = 'Who painted the Mona Lisa?';
const ROCKY = 'Since when has the relationship between Russia and the U.S. been rocky?';

let workspace: SeedWorkspace & { library: Library };

beforeAll(async () => {
  if (!MODEL_AVAILABLE) return;
  workspace = await seedLibrary();
  // The database where the bot keeps it by default (DATABASE_FILE=data/verbatim.db, from the workspace).
  const db = openDatabase(path.join(workspace.root, 'data', 'verbatim.db'));
  const store = await FeedbackStore.open(db, createLogger({ level: 'silent' }), { salt: 'a-secret-salt-of-some-length' });
  const none = () => undefined;
  const answer = async (question: string): Promise<string> => store.remember(await workspace.library.ask(question));
  // Two people like the Trump answer.
  const trump = await answer(TRUMP);
  await store.record(trump, 'u1', 'up', none);
  await store.record(trump, 'u2', 'up', none);
  // Two say the breakdown answer's second quote was wrong; one of them on a second asking.
  const breakdown = await answer(BREAKDOWN);
  await store.record(breakdown, 'u1', 'down', none);
  await store.recordDetail(breakdown, 'u1', { kind: 'wrong-quote', quote: 2 });
  const breakdownAgain = await answer(BREAKDOWN);
  await store.record(breakdownAgain, 'u3', 'down', none);
  await store.recordDetail(breakdownAgain, 'u3', { kind: 'wrong-quote', quote: 2 });
  // The corpus has only Pompeo's name in a caption: it should have declined.
  const pompeo = await answer(POMPEO);
  await store.record(pompeo, 'u2', 'down', none);
  await store.recordDetail(pompeo, 'u2', { kind: 'should-decline' });
  // A right refusal, liked.
  await store.record(await answer(MONA), 'u3', 'up', none);
  // A tie.
  const rocky = await answer(ROCKY);
  await store.record(rocky, 'u1', 'up', none);
  await store.record(rocky, 'u2', 'down', none);
  db.close();
}, 120_000);

afterAll(async () => {
  await workspace?.cleanup();
});

describe.skipIf(!MODEL_AVAILABLE)('eval --from-feedback', () => {
  it('writes a questions file from the votes, says what it kept and left out, and the file runs through the eval', async () => {
    const made = await evalScript(['--from-feedback', '--out', 'from-feedback.json']);
    expect(made.code).toBe(0);
    expect(made.stdout).toBe('');
    expect(made.stderr).toContain('Read 8 vote(s); kept 4 question(s): 1 with a source, 2 to decline, 1 with wrong quotes only.');
    expect(made.stderr).toContain(`${ROCKY} — tie (1 up, 1 down)`);
    expect(made.stderr).toContain('run it with: npm run eval -- from-feedback.json');
    const items = JSON.parse(await readFile(path.join(workspace.root, 'from-feedback.json'), 'utf8')) as { q: string; source?: string | null; expect: string[]; wrongPhrases?: string[] }[];
    expect(items.map((i) => i.q)).toEqual([TRUMP, BREAKDOWN, MONA, POMPEO]);
    expect(items[0]).toMatchObject({ source: '004_dc90a5985b6e19d6' });
    expect(items[0]!.expect.join(' ')).toContain('unexpectedly productive');
    expect(items[1]!.wrongPhrases).toHaveLength(1);
    expect(items[2]!.source).toBeNull();
    expect(items[3]!.source).toBeNull();

    // A file that is there already (reviewed, perhaps) is not replaced without --force.
    const again = await evalScript(['--from-feedback', '--out', 'from-feedback.json']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/from-feedback\.json already exists; not replacing it\.\n.*--force/);
    expect((await evalScript(['--from-feedback', 'data/verbatim.db', '--out', 'from-feedback.json', '--force'])).code).toBe(0);

    const ran = await evalScript(['from-feedback.json', '--json', '--mode', 'hybrid', '--index', 'index', '--corpus', 'corpus']);
    expect(ran.code).toBe(0);
    const report = (JSON.parse(ran.stdout) as Record<string, EvalReport>).hybrid!;
    expect(report).toMatchObject({
      questions: 4,
      answerable: 1,
      outOfCorpus: 2,
      fullyCorrect: 1,
      correctRefusals: 1,
      // The engine still answers these the way the votes said was wrong: the file catches it.
      falseAnswers: 1,
      wrongChecked: 1,
      wrongQuoted: 1,
    });
    expect(report.failures.map((f) => f.q).sort()).toEqual([BREAKDOWN, POMPEO]);
    expect(report.failures.find((f) => f.q === BREAKDOWN)?.why).toMatch(/^quoted a passage marked wrong \(“.+”\)$/);
  }, 120_000);

  it('reads the JSON lines feedback:export writes, prints to stdout without --out, and says clearly when the file is missing', async () => {
    const exported = await evalScript(['--out', 'feedback.jsonl'], 'feedback-export.ts');
    expect(exported.code).toBe(0);
    expect(exported.stderr).toMatch(/^Exported 11 line\(s\) \(8 vote\(s\), 3 detail\(s\)\) from .*verbatim\.db to feedback\.jsonl\n$/);
    const printed = await evalScript(['--from-feedback', 'feedback.jsonl']);
    expect(printed.code).toBe(0);
    expect((JSON.parse(printed.stdout) as unknown[]).length).toBe(4);
    expect(printed.stdout).toBe((await evalScript(['--from-feedback'])).stdout);
    const missing = await evalScript(['--from-feedback', 'nowhere.jsonl']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^error: Cannot read the feedback file .*nowhere\.jsonl.*\n {2}→ .*FEEDBACK_FILE/);
    expect(missing.stderr).not.toMatch(/\n\s+at /);
    // An item must have a source (or null), unless it has wrong phrases.
    await writeFile(path.join(workspace.root, 'bad.json'), JSON.stringify([{ q: 'x', expect: [] }]));
    const bad = await evalScript(['bad.json', '--index', 'index', '--corpus', 'corpus']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/not in the expected form: at 0\.source: give "source"/);
  }, 120_000);
});
