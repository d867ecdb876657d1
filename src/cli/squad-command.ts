/**
 * `npm run eval:squad`: answer quality at scale. Writes the SQuAD v1.1 dev articles as a corpus,
 * builds (or reuses) its index with the normal indexing code, asks a fixed random sample of the
 * questions through the normal answering engine, and reports Verbatim beside sentence baselines
 * (BM25, dense, RRF) on the same sentences. The sample is split once into a tuning half and a
 * report half; the report half is what is reported unless `--half tune` is asked for.
 */
import path from 'node:path';
import { Command, Option } from 'commander';
import { AnswerEngine, DEFAULT_ENGINE_OPTIONS, engineOptions } from '../answer/engine.js';
import { loadAnswerConfig, loadBaseConfig, loadDotenv } from '../core/config.js';
import { InputError } from '../core/errors.js';
import { LocalEmbeddings } from '../embedding/embedder.js';
import { buildIndex } from '../index/build.js';
import { IndexSnapshot } from '../index/snapshot.js';
import { FileIndexStore } from '../index/file-store.js';
import { buildProgressReporter } from './progress.js';
import { SentenceBaselines } from './squad-baselines.js';
import { writeSquadCorpus } from './squad-corpus.js';
import { readSquad, type SquadDataset, type SquadQuestion } from './squad-dataset.js';
import { containsAnswer, summarize } from './squad-metrics.js';
import { formatSquadReport, type SquadReport } from './squad-report.js';
import { askBaselines, askVerbatim } from './squad-run.js';
import { DEFAULT_SEED, sample, splitHalves } from './squad-sample.js';

/** Defaults of the command's options. */
export const SQUAD_DEFAULTS = {
  squad: '../shared/eval/squad-dev-v1.1.json',
  corpus: 'data/squad/corpus',
  index: 'data/squad/index',
  sample: 1000,
  seed: DEFAULT_SEED,
};

interface SquadFlags {
  squad: string;
  corpus: string;
  index: string;
  sample: string;
  seed: string;
  half: 'report' | 'tune';
  json?: boolean;
}

/** Runs `eval:squad` with its command-line arguments; returns the exit code. */
export async function squadCommand(argv: readonly string[]): Promise<number> {
  const program = new Command('eval:squad')
    .description('Evaluate answers on a fixed sample of SQuAD v1.1 dev questions, beside sentence baselines.')
    .option('--squad <file>', 'the SQuAD v1.1 file', SQUAD_DEFAULTS.squad)
    .option('--corpus <dir>', 'where the articles are written as a corpus', SQUAD_DEFAULTS.corpus)
    .option('--index <dir>', 'where their index is built (incrementally)', SQUAD_DEFAULTS.index)
    .option('--sample <n>', 'questions to sample', String(SQUAD_DEFAULTS.sample))
    .option('--seed <n>', 'seed of the sample and of its split', String(SQUAD_DEFAULTS.seed))
    .addOption(new Option('--half <half>', 'which half of the sample to report').choices(['report', 'tune']).default('report'))
    .option('--json', 'print the report as JSON')
    .exitOverride();
  program.parse(argv, { from: 'user' });
  const flags = program.opts<SquadFlags>();
  const size = positiveInteger('--sample', flags.sample);
  const seed = positiveInteger('--seed', flags.seed);

  await loadDotenv();
  const { dataset, ids, snapshot, embeddings } = await prepareSquad({ squad: flags.squad, corpus: flags.corpus, index: flags.index });
  const engine = new AnswerEngine(new FileIndexStore(snapshot), embeddings, { ...DEFAULT_ENGINE_OPTIONS, ...engineOptions(loadAnswerConfig()) });
  const halves = splitHalves(sample(dataset.questions, size, seed), seed);
  const questions = halves[flags.half];
  process.stderr.write(`Asking ${questions.length} questions (${flags.half} half of ${size}, seed ${seed})\n`);
  const verbatim = await askVerbatim(engine, questions, ids);
  const baselines = await askBaselines(new SentenceBaselines(snapshot), embeddings, questions, ids);
  const report: SquadReport = {
    dataset: { file: flags.squad, articles: dataset.articles.length, paragraphs: paragraphCount(dataset), questions: dataset.questions.length },
    sentences: snapshot.manifest.counts.sentences,
    sample: { size, seed, half: flags.half, questions: questions.length },
    singleSentenceCeiling: singleSentenceCeiling(snapshot, questions, ids),
    scores: Object.fromEntries(Object.entries({ verbatim, ...baselines }).map(([name, list]) => [name, summarize(list)])),
  };
  process.stdout.write(flags.json ? JSON.stringify(report, null, 2) + '\n' : formatSquadReport(report));
  return 0;
}

/** The SQuAD data, written as a corpus and indexed, ready to ask. */
export interface PreparedSquad {
  dataset: SquadDataset;
  /** The corpus article id of each dataset article, by index. */
  ids: string[];
  snapshot: IndexSnapshot;
  embeddings: LocalEmbeddings;
}

/** Writes the SQuAD articles as a corpus, builds (or updates) its index and opens it. */
export async function prepareSquad(paths: { squad: string; corpus: string; index: string } = SQUAD_DEFAULTS): Promise<PreparedSquad> {
  const config = loadBaseConfig();
  const dataset = await readSquad(path.resolve(paths.squad));
  const corpusDir = path.resolve(paths.corpus);
  const indexDir = path.resolve(paths.index);
  const corpus = await writeSquadCorpus(dataset.articles, corpusDir);
  process.stderr.write(`Corpus: ${dataset.articles.length} articles in ${corpusDir} (${corpus.written} written, ${corpus.unchanged} up to date)\n`);
  const embeddings = await LocalEmbeddings.load({ modelId: config.modelId, modelDir: config.modelDir, quantized: config.quantized });
  const progress = buildProgressReporter();
  try {
    // INDEX_VECTORS chooses the kind of vectors (unset: the index's own, separate for a new one).
    await buildIndex({ corpusDir, indexDir, embeddings, onProgress: progress.onProgress, ...(config.indexVectors === undefined ? {} : { sentenceVectors: config.indexVectors }) });
  } finally {
    progress.stop();
  }
  return { dataset, ids: corpus.ids, snapshot: await IndexSnapshot.open(indexDir), embeddings };
}

function singleSentenceCeiling(snapshot: IndexSnapshot, questions: readonly SquadQuestion[], articleIds: readonly string[]): number {
  if (questions.length === 0) return 0;
  const reachable = questions.filter((q) => {
    const article = snapshot.article(articleIds[q.article]!);
    return article?.sentences.some((s) => containsAnswer(article.text.slice(s.start, s.end), q.answers)) ?? false;
  });
  return reachable.length / questions.length;
}

function paragraphCount(dataset: SquadDataset): number {
  return dataset.articles.reduce((sum, a) => sum + a.paragraphs.length, 0);
}

function positiveInteger(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InputError(`${flag} must be a positive whole number (got "${value}").`);
  return n;
}
