/**
 * The WikiQA run, in pieces another evaluation (e.g. cross-validation folds) can reuse: prepare
 * the corpus, index and snapshot once; ask questions of Verbatim's engine or of the sentence
 * baselines; summarize the outcomes with `summarizeWikiQA`.
 */
import { AnswerEngine, type QueryEmbedder } from '../answer/engine.js';
import type { LocalEmbeddings } from '../embedding/embedder.js';
import { buildIndex, type BuildProgress, type BuildSummary } from '../index/build.js';
import type { SentenceVectorKind } from '../index/manifest.js';
import { IndexSnapshot } from '../index/snapshot.js';
import { askEachBaseline, type BaselineName, type SentenceBaselines } from './squad-baselines.js';
import type { WrittenCorpus } from './corpus-files.js';
import { askEachQuestion } from './squad-run.js';
import { writeWikiQACorpus } from './wikiqa-corpus.js';
import type { WikiQADataset, WikiQAQuestion } from './wikiqa-dataset.js';
import { alignment, scoreWikiQA, type WikiQAAlignment, type WikiQAOutcome } from './wikiqa-metrics.js';

export interface PrepareOptions {
  dataset: WikiQADataset;
  corpusDir: string;
  indexDir: string;
  embeddings: LocalEmbeddings;
  onProgress?: (event: BuildProgress) => void;
  /** The kind of vectors to build (INDEX_VECTORS); undefined: the index's own, separate for a new one. */
  sentenceVectors?: SentenceVectorKind | undefined;
}

export interface PreparedWikiQA {
  /** `corpus.ids[d]` is the corpus article id of `dataset.documents[d]`. */
  corpus: WrittenCorpus;
  build: BuildSummary;
  snapshot: IndexSnapshot;
}

/** Writes the documents as a corpus, builds (or updates) its index with the normal build, and opens it. */
export async function prepareWikiQA(options: PrepareOptions): Promise<PreparedWikiQA> {
  const corpus = await writeWikiQACorpus(options.dataset.documents, options.corpusDir);
  const build = await buildIndex({
    corpusDir: options.corpusDir,
    indexDir: options.indexDir,
    embeddings: options.embeddings,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.sentenceVectors === undefined ? {} : { sentenceVectors: options.sentenceVectors }),
  });
  const snapshot = await IndexSnapshot.open(options.indexDir);
  return { corpus, build, snapshot };
}

/** The same engine with refusals switched off: it ranks and quotes for every question. */
export function withoutRefusals(engine: AnswerEngine, embeddings: QueryEmbedder): AnswerEngine {
  return new AnswerEngine(engine.store, embeddings, { ...engine.options, refusalThreshold: -Infinity });
}

/** Asks every question of the engine; `articleIds` maps dataset documents to corpus ids. */
export function askWikiQA(engine: AnswerEngine, questions: readonly WikiQAQuestion[], articleIds: readonly string[]): Promise<WikiQAOutcome[]> {
  return askEachQuestion(engine, questions, (q) => q.question, (quoted, q) => scoreWikiQA(quoted, q, articleIds[q.document]!));
}

/** Asks every question of each baseline (they never refuse); latency is the query embedding plus the ranking. */
export function askWikiQABaselines(
  baselines: SentenceBaselines,
  embeddings: QueryEmbedder,
  questions: readonly WikiQAQuestion[],
  articleIds: readonly string[],
): Promise<Record<BaselineName, WikiQAOutcome[]>> {
  return askEachBaseline(baselines, embeddings, questions, (q) => q.question, (quoted, q) => scoreWikiQA(quoted, q, articleIds[q.document]!));
}

/** The indexed sentence texts of each dataset document (none when its file was not indexed). */
export function indexedSentences(snapshot: IndexSnapshot, articleIds: readonly string[]): (document: number) => string[] {
  return (document) => {
    const article = snapshot.article(articleIds[document]!);
    return article ? article.sentences.map((s) => article.text.slice(s.start, s.end)) : [];
  };
}

/** How the gold sentences of the questions line up with the index's sentences. */
export function indexAlignment(snapshot: IndexSnapshot, questions: readonly WikiQAQuestion[], articleIds: readonly string[]): WikiQAAlignment {
  return alignment(questions, indexedSentences(snapshot, articleIds));
}
