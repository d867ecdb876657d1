/**
 * `npm run eval:wikiqa`: answer quality on real questions, including ones the corpus does not
 * answer. Writes the WikiQA development documents as a corpus, builds (or reuses) its index with
 * the normal indexing code, asks every question through the normal answering engine (and again,
 * with refusals disabled, the answerable ones), and reports Verbatim beside the sentence baselines
 * (BM25, dense, RRF) on the same sentences.
 */
import path from 'node:path';
import { Command } from 'commander';
import { AnswerEngine, DEFAULT_ENGINE_OPTIONS, engineOptions } from '../answer/engine.js';
import { loadAnswerConfig, loadBaseConfig, loadDotenv } from '../core/config.js';
import { LocalEmbeddings } from '../embedding/embedder.js';
import { buildProgressReporter } from './progress.js';
import { SentenceBaselines } from './squad-baselines.js';
import { isAnswerable, readWikiQA, type WikiQADataset } from './wikiqa-dataset.js';
import { FittedReader } from '../answer/reader/reader.js';
import { InputError } from '../core/errors.js';
import type { IndexSnapshot } from '../index/snapshot.js';
import { FileIndexStore } from '../index/file-store.js';
import { labelledQuestions } from './reader-examples.js';
import { DEFAULT_FIT_SETTINGS, fitReader, foldAssignment } from './reader-fit.js';
import { SQUAD_DEFAULTS } from './squad-command.js';
import { DEFAULT_SEED } from './squad-sample.js';
import { summarizeWikiQA, type WikiQAOutcome } from './wikiqa-metrics.js';
import { formatWikiQAReport, type WikiQAReport } from './wikiqa-report.js';
import { askWikiQA, askWikiQABaselines, indexAlignment, prepareWikiQA, withoutRefusals } from './wikiqa-run.js';
import { forTerminal } from './terminal-text.js';

/** Defaults of the command's options. */
const WIKIQA_DEFAULTS = {
  wikiqa: '../shared/eval/wikiqa/WikiQA-dev.tsv',
  corpus: 'data/wikiqa/corpus',
  index: 'data/wikiqa/index',
};

interface WikiQAFlags {
  wikiqa: string;
  corpus: string;
  index: string;
  json?: boolean;
  folds?: string;
  reuse?: boolean;
}

/** One engine per fold, each with a reader fitted and calibrated on the other folds and the SQuAD tuning half. */
async function foldEngines(snapshot: IndexSnapshot, embeddings: LocalEmbeddings, dataset: WikiQADataset, folds: number, reuse: boolean): Promise<AnswerEngine[]> {
  const labelled = await labelledQuestions({ wikiqa: WIKIQA_DEFAULTS.wikiqa, squad: SQUAD_DEFAULTS.squad, reuse });
  const own = labelled.filter((q) => q.dataset === 'wikiqa');
  if (own.length !== dataset.questions.length || own.some((q, i) => q.question !== dataset.questions[i]!.question)) {
    throw new InputError('The labelled candidates are not those of this WikiQA file.', { hint: 'Run without --reuse to label them again.' });
  }
  const foldOf = foldAssignment(own.length, folds, DEFAULT_SEED);
  const rest = labelled.filter((q) => q.dataset !== 'wikiqa');
  const answerConfig = engineOptions(loadAnswerConfig());
  return Array.from({ length: folds }, (_, fold) => {
    const reader = fitReader([...rest, ...own.filter((_, i) => foldOf[i] !== fold)], DEFAULT_FIT_SETTINGS, {});
    return new AnswerEngine(new FileIndexStore(snapshot), embeddings, {
      ...DEFAULT_ENGINE_OPTIONS,
      ...answerConfig,
      reader: new FittedReader(reader),
      refusalThreshold: reader.refusalThreshold,
      strength: reader.strength,
    });
  });
}

function foldCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 2) throw new InputError(`--folds must be a whole number of at least 2 (got "${value}").`);
  return n;
}

/** Runs `eval:wikiqa` with its command-line arguments; returns the exit code. */
export async function wikiqaCommand(argv: readonly string[]): Promise<number> {
  const program = new Command('eval:wikiqa')
    .description('Evaluate answers and refusals on the WikiQA development set, beside sentence baselines.')
    .option('--wikiqa <file>', 'the WikiQA TSV file', WIKIQA_DEFAULTS.wikiqa)
    .option('--corpus <dir>', 'where the documents are written as a corpus', WIKIQA_DEFAULTS.corpus)
    .option('--index <dir>', 'where their index is built (incrementally)', WIKIQA_DEFAULTS.index)
    .option('--json', 'print the report as JSON')
    .option('--folds <k>', 'answer with k-fold cross-validation: each fold by a reader fitted (npm run fit:reader) without its questions')
    .option('--reuse', 'with --folds: reuse the labelled candidates of the last fit:reader run')
    .exitOverride();
  program.parse(argv, { from: 'user' });
  const flags = program.opts<WikiQAFlags>();

  await loadDotenv();
  const config = loadBaseConfig();
  const dataset = await readWikiQA(path.resolve(flags.wikiqa));
  const corpusDir = path.resolve(flags.corpus);
  const indexDir = path.resolve(flags.index);

  const embeddings = await LocalEmbeddings.load({ modelId: config.modelId, modelDir: config.modelDir, quantized: config.quantized });
  const progress = buildProgressReporter();
  const { corpus, build, snapshot } = await prepareWikiQA({ dataset, corpusDir, indexDir, embeddings, onProgress: progress.onProgress, sentenceVectors: config.indexVectors }).finally(
    () => progress.stop(),
  );
  process.stderr.write(`Corpus: ${dataset.documents.length} documents in ${corpusDir} (${corpus.written} written, ${corpus.unchanged} up to date)\n`);
  for (const warning of build.warnings) process.stderr.write(`warning: ${forTerminal(warning.path)}: ${forTerminal(warning.message)}\n`);

  const options = { ...DEFAULT_ENGINE_OPTIONS, ...engineOptions(loadAnswerConfig()) };
  const answerable = dataset.questions.filter(isAnswerable);
  process.stderr.write(`Asking ${dataset.questions.length} questions (${answerable.length} answerable), then the answerable ones with refusals disabled\n`);
  const folds = flags.folds === undefined ? undefined : foldCount(flags.folds);
  // Each question is answered by an engine whose reader never saw it (with --folds), or by the shipped one.
  const engines = folds === undefined ? [new AnswerEngine(new FileIndexStore(snapshot), embeddings, options)] : await foldEngines(snapshot, embeddings, dataset, folds, flags.reuse ?? false);
  const foldOf = folds === undefined ? new Int32Array(dataset.questions.length) : foldAssignment(dataset.questions.length, folds, DEFAULT_SEED);
  const verbatim: WikiQAOutcome[] = new Array<WikiQAOutcome>(dataset.questions.length);
  const ranking: WikiQAOutcome[] = [];
  for (const [fold, engine] of engines.entries()) {
    const asked = dataset.questions.map((q, i) => ({ q, i })).filter(({ i }) => foldOf[i] === fold);
    const outcomes = await askWikiQA(engine, asked.map(({ q }) => q), corpus.ids);
    asked.forEach(({ i }, j) => (verbatim[i] = outcomes[j]!));
    ranking.push(...(await askWikiQA(withoutRefusals(engine, embeddings), asked.map(({ q }) => q).filter(isAnswerable), corpus.ids)));
  }
  const baselines = await askWikiQABaselines(new SentenceBaselines(snapshot), embeddings, dataset.questions, corpus.ids);
  const report: WikiQAReport = {
    dataset: {
      file: flags.wikiqa,
      documents: dataset.documents.length,
      sentences: dataset.documents.reduce((sum, d) => sum + d.sentences.length, 0),
      questions: dataset.questions.length,
      answerable: answerable.length,
      unanswerable: dataset.questions.length - answerable.length,
    },
    index: { articles: snapshot.articles.length, sentences: snapshot.manifest.counts.sentences },
    alignment: indexAlignment(snapshot, dataset.questions, corpus.ids),
    scores: Object.fromEntries(Object.entries({ verbatim, ...baselines }).map(([name, list]) => [name, summarizeWikiQA(list)])),
    verbatimRanking: summarizeWikiQA(ranking),
    reader:
      folds === undefined
        ? 'the shipped reader (fitted on all WikiQA dev questions: in-sample; --folds gives held-out figures)'
        : `${folds}-fold cross-validation: each question answered by a reader fitted without its fold`,
  };
  process.stdout.write(flags.json ? JSON.stringify(report, null, 2) + '\n' : formatWikiQAReport(report));
  return 0;
}
