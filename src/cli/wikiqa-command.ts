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
import { isAnswerable, readWikiQA } from './wikiqa-dataset.js';
import { summarizeWikiQA } from './wikiqa-metrics.js';
import { formatWikiQAReport, type WikiQAReport } from './wikiqa-report.js';
import { askWikiQA, askWikiQABaselines, indexAlignment, prepareWikiQA, withoutRefusals } from './wikiqa-run.js';

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
}

/** Runs `eval:wikiqa` with its command-line arguments; returns the exit code. */
export async function wikiqaCommand(argv: readonly string[]): Promise<number> {
  const program = new Command('eval:wikiqa')
    .description('Evaluate answers and refusals on the WikiQA development set, beside sentence baselines.')
    .option('--wikiqa <file>', 'the WikiQA TSV file', WIKIQA_DEFAULTS.wikiqa)
    .option('--corpus <dir>', 'where the documents are written as a corpus', WIKIQA_DEFAULTS.corpus)
    .option('--index <dir>', 'where their index is built (incrementally)', WIKIQA_DEFAULTS.index)
    .option('--json', 'print the report as JSON')
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
  const { corpus, build, snapshot } = await prepareWikiQA({ dataset, corpusDir, indexDir, embeddings, onProgress: progress.onProgress }).finally(
    () => progress.stop(),
  );
  process.stderr.write(`Corpus: ${dataset.documents.length} documents in ${corpusDir} (${corpus.written} written, ${corpus.unchanged} up to date)\n`);
  for (const warning of build.warnings) process.stderr.write(`warning: ${warning.path}: ${warning.message}\n`);

  const engine = new AnswerEngine(snapshot, embeddings, { ...DEFAULT_ENGINE_OPTIONS, ...engineOptions(loadAnswerConfig()) });
  const answerable = dataset.questions.filter(isAnswerable);
  process.stderr.write(`Asking ${dataset.questions.length} questions (${answerable.length} answerable), then the answerable ones with refusals disabled\n`);
  const verbatim = await askWikiQA(engine, dataset.questions, corpus.ids);
  const ranking = await askWikiQA(withoutRefusals(engine, embeddings), answerable, corpus.ids);
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
  };
  process.stdout.write(flags.json ? JSON.stringify(report, null, 2) + '\n' : formatWikiQAReport(report));
  return 0;
}
