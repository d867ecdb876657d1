/**
 * `npm run eval -- FILE [--mode dense|lexical|hybrid|all] [--json]`: runs a questions file through
 * the answering engine and reports citation accuracy, quote phrases, refusals, wrong quotes repeated,
 * recall@k, MRR and latency — per retrieval mode, in one run, so the modes compare on equal terms.
 *
 * `npm run eval -- --from-feedback [FILE] [--out FILE] [--force]`: turns the Discord bot's recorded
 * votes into a questions file to review and keep (see feedback-to-eval.ts) — from the bot's database
 * (DATABASE_FILE) without FILE, else from FILE: a database, or JSON lines (`npm run feedback:export`'s
 * output, or an older version's feedback file); it prints to
 * stdout, or writes FILE (not over an existing one unless --force), and says on stderr what was kept
 * and what was left out and why. Needs no model or index.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Command, Option } from 'commander';
import { AnswerEngine, DEFAULT_ENGINE_OPTIONS, engineOptions } from '../answer/engine.js';
import { loadAnswerConfig, loadStorageConfig } from '../core/config.js';
import { cliConfig, openCliLibrary } from './cli-library.js';
import type { RetrievalMode } from '../retrieval/passage-search.js';
import { InputError } from '../core/errors.js';
import { feedbackDatabaseToEval, feedbackFileToEval, formatConversionReport, formatEvalFile, isSqliteFile, type Conversion } from './feedback-to-eval.js';
import { scoreRun, type EvalReport, type QuestionResult } from './eval-metrics.js';
import { readEvalQuestions, type EvalQuestion } from './eval-questions.js';
import { oneLine } from './terminal-text.js';

const MODES: RetrievalMode[] = ['dense', 'lexical', 'hybrid'];
const RECALL_K = 5;

export async function evalCommand(argv: readonly string[]): Promise<number> {
  const program = new Command('eval')
    .description('Evaluate answers on a questions file (see ../shared/eval/dev-questions.json for the form).')
    .argument('[file]', 'the questions file')
    .addOption(new Option('--mode <mode>', 'retrieval mode').choices([...MODES, 'all']).default('all'))
    .option('--json', 'print the reports as JSON')
    .option('--index <dir>', 'the index directory (default: INDEX_DIR or data/index)')
    .option('--corpus <dir>', 'the corpus directory (default: CORPUS_DIR or corpus)')
    .option('--from-feedback [file]', 'instead: turn the bot\'s recorded votes into a questions file (from DATABASE_FILE, or from a database or JSON-lines file)')
    .option('--out <file>', 'with --from-feedback: write the questions file here (default: stdout)')
    .option('--force', 'with --out: replace an existing file')
    .exitOverride();
  program.parse(argv, { from: 'user' });
  const flags = program.opts<{ mode: RetrievalMode | 'all'; json?: boolean; index?: string; corpus?: string; fromFeedback?: string | true; out?: string; force?: boolean }>();
  if (flags.fromFeedback !== undefined) return fromFeedback(flags.fromFeedback, flags.out, flags.force === true, program.args[0]);
  if (program.args[0] === undefined) {
    throw new InputError('No questions file given.', { hint: 'Run `npm run eval -- FILE` (see ../shared/eval/dev-questions.json for the form), or `--from-feedback FEEDBACK_FILE` to make one.' });
  }
  const questions = await readEvalQuestions(path.resolve(program.args[0]));

  const library = await openCliLibrary(await cliConfig(flags), { buildIfMissing: true });
  const modes = flags.mode === 'all' ? MODES : [flags.mode];
  const base = { ...DEFAULT_ENGINE_OPTIONS, ...engineOptions(loadAnswerConfig()) };
  const reports: Record<string, EvalReport> = {};
  for (const mode of modes) {
    const engine = new AnswerEngine(library.store, library.embeddings, { ...base, search: { ...base.search, mode } });
    reports[mode] = await evaluate(engine, questions);
  }
  process.stdout.write(flags.json ? JSON.stringify(reports, null, 2) + '\n' : formatReports(reports));
  return 0;
}

/** The feedback log converted: the bot's database when no file is given, else the file (a database or JSON lines). */
async function convertFeedback(from: string | true): Promise<Conversion> {
  if (from === true) {
    const { databaseFile } = loadStorageConfig();
    return feedbackDatabaseToEval(databaseFile);
  }
  const file = path.resolve(from);
  return (await isSqliteFile(file)) ? feedbackDatabaseToEval(file) : feedbackFileToEval(file);
}

async function fromFeedback(from: string | true, out: string | undefined, force: boolean, extra: string | undefined): Promise<number> {
  if (extra !== undefined) {
    throw new InputError(`--from-feedback makes a questions file; it does not also run one (${extra}).`, { hint: 'Use --out FILE to write it, then run `npm run eval -- FILE`.' });
  }
  const conversion = await convertFeedback(from);
  const text = formatEvalFile(conversion.items);
  if (out === undefined) process.stdout.write(text);
  else {
    try {
      await writeFile(path.resolve(out), text, { encoding: 'utf8', flag: force ? 'w' : 'wx' });
    } catch (error) {
      const exists = (error as NodeJS.ErrnoException).code === 'EEXIST';
      throw new InputError(exists ? `${out} already exists; not replacing it.` : `Cannot write ${out}: ${(error as Error).message}`, {
        hint: exists ? 'Give another --out, or add --force to replace it (a reviewed file would be lost).' : 'Check that its directory exists and is writable.',
      });
    }
  }
  process.stderr.write(formatConversionReport(conversion) + (out !== undefined ? `Wrote ${out}; run it with: npm run eval -- ${out}\n` : ''));
  return 0;
}

/** Asks every question once to warm up, then again for the measured run. */
export async function evaluate(engine: AnswerEngine, questions: readonly EvalQuestion[]): Promise<EvalReport> {
  await engine.ask(questions[0]?.q ?? 'warm up');
  const results: QuestionResult[] = [];
  for (const question of questions) {
    let retrieved: string[] = [];
    const answer = await engine.ask(question.q, { onPassages: (hits) => (retrieved = hits.map((h) => h.chunk.articleId)) });
    results.push({ question, answer, retrieved });
  }
  return scoreRun(results, RECALL_K);
}

const pct = (n: number, of: number) => (of === 0 ? '–' : `${((100 * n) / of).toFixed(1)}%`);

export function formatReports(reports: Record<string, EvalReport>): string {
  const rows: [string, (r: EvalReport) => string][] = [
    ['first source right', (r) => `${r.firstSourceCorrect}/${r.answerable} ${pct(r.firstSourceCorrect, r.answerable)}`],
    ['expected phrase quoted', (r) => `${r.phraseInQuote}/${r.answerable} ${pct(r.phraseInQuote, r.answerable)}`],
    ['both', (r) => `${r.fullyCorrect}/${r.answerable} ${pct(r.fullyCorrect, r.answerable)}`],
    ['correct refusals', (r) => `${r.correctRefusals}/${r.outOfCorpus}`],
    ['false refusals', (r) => `${r.falseRefusals}/${r.answerable}`],
    ['false answers', (r) => `${r.falseAnswers}/${r.outOfCorpus}`],
    ['wrong quotes repeated', (r) => `${r.wrongQuoted}/${r.wrongChecked}`],
    [`recall@${RECALL_K} (article)`, (r) => r.recallAtK.toFixed(3)],
    ['MRR (article)', (r) => r.mrr.toFixed(3)],
    ['latency p50 / p95', (r) => `${r.latencyMs.p50} / ${r.latencyMs.p95} ms`],
  ];
  const names = Object.keys(reports);
  const width = Math.max(...rows.map(([label]) => label.length));
  const cols = names.map((name) => Math.max(name.length, ...rows.map(([, f]) => f(reports[name]!).length)));
  const line = (label: string, cells: string[]) => `${label.padEnd(width)} | ${cells.map((c, i) => c.padEnd(cols[i]!)).join(' | ')}`;
  const out = [line('', names), '-'.repeat(width + cols.reduce((a, b) => a + b + 3, 1))];
  for (const [label, f] of rows) out.push(line(label, names.map((n) => f(reports[n]!))));
  for (const name of names) {
    for (const failure of reports[name]!.failures) out.push(`  [${name}] ${oneLine(failure.q)} — ${oneLine(failure.why)}`);
  }
  return out.join('\n') + '\n';
}
