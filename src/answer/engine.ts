/**
 * The answering engine: question → passages → scored sentences → verbatim quotes with numbered
 * sources, or a refusal with the nearest sources. Works on one immutable index snapshot.
 */
import type { AnswerConfig } from '../core/config.js';
import type { LocalEmbeddings } from '../embedding/embedder.js';
import type { IndexSnapshot } from '../index/snapshot.js';
import { DEFAULT_PASSAGE_SEARCH, searchPassages, type PassageHit, type PassageSearchOptions } from '../retrieval/passage-search.js';
import { normalizeQuestion } from './question.js';
import { DEFAULT_REFUSAL_THRESHOLD, REFUSAL_MESSAGES } from './refusal.js';
import { DEFAULT_WEIGHTS, scoreSentences, type ScoringWeights } from './sentence-scoring.js';
import { DEFAULT_SELECTION, selectQuotes, type SelectionOptions } from './select-quotes.js';
import { SourceList } from './sources.js';
import type { Answer, Quote, RefusalReason } from './types.js';
import path from 'node:path';

/** What the engine needs of the embedding model: one query vector per question. */
export type QueryEmbedder = Pick<LocalEmbeddings, 'embedOne'>;

export interface EngineOptions {
  refusalThreshold: number;
  search: PassageSearchOptions;
  weights: ScoringWeights;
  selection: SelectionOptions;
  /** How many nearest sources a refusal lists. */
  nearestSources: number;
}

export const DEFAULT_ENGINE_OPTIONS: EngineOptions = {
  refusalThreshold: DEFAULT_REFUSAL_THRESHOLD,
  search: { ...DEFAULT_PASSAGE_SEARCH, k: 30, depth: 60 },
  weights: DEFAULT_WEIGHTS,
  selection: DEFAULT_SELECTION,
  nearestSources: 3,
};

/** Engine options from the answering configuration (REFUSAL_THRESHOLD, MAX_QUOTES). */
export function engineOptions(config: AnswerConfig): Partial<EngineOptions> {
  const options: Partial<EngineOptions> = { selection: { ...DEFAULT_SELECTION, maxQuotes: config.maxQuotes } };
  if (config.refusalThreshold !== undefined) options.refusalThreshold = config.refusalThreshold;
  return options;
}

export class AnswerEngine {
  readonly options: EngineOptions;

  constructor(
    readonly snapshot: IndexSnapshot,
    private readonly embeddings: QueryEmbedder,
    options: Partial<EngineOptions> = {},
  ) {
    this.options = { ...DEFAULT_ENGINE_OPTIONS, ...options };
  }

  /** Answers a question; `trace.onPassages` sees the retrieved passages (for evaluations). */
  async ask(rawQuestion: string, trace: { onPassages?: (hits: readonly PassageHit[]) => void } = {}): Promise<Answer> {
    const started = performance.now();
    const question = normalizeQuestion(rawQuestion);
    const base = {
      question: rawQuestion,
      index: { generation: path.basename(this.snapshot.dir), builtAt: this.snapshot.manifest.builtAt },
    };
    const timings = { totalMs: 0, embedMs: 0, searchMs: 0, selectMs: 0 };
    const finish = (answer: Omit<Answer, 'timings' | 'question' | 'index'>): Answer => ({
      ...base,
      ...answer,
      timings: { ...timings, totalMs: round(performance.now() - started) },
    });
    if (question.text.length === 0) return finish(refusal('empty', [], 0));
    if (!question.hasWords) return finish(refusal('no-words', [], 0));

    const queryVector = await this.embeddings.embedOne(question.text);
    timings.embedMs = round(performance.now() - started);

    const searchStart = performance.now();
    const hits = searchPassages(this.snapshot, question.text, queryVector, this.options.search);
    timings.searchMs = round(performance.now() - searchStart);
    trace.onPassages?.(hits);

    const selectStart = performance.now();
    const ranked = scoreSentences(this.snapshot, hits, question.text, queryVector, this.options.weights);
    const confidence = ranked[0]?.evidence ?? 0;
    if (confidence < this.options.refusalThreshold) {
      timings.selectMs = round(performance.now() - selectStart);
      return finish(refusal('not-in-corpus', this.nearest(hits), confidence));
    }
    const sources = new SourceList();
    const quotes: Quote[] = selectQuotes(ranked, this.options.selection).map(({ sentences, score }) => {
      const first = sentences[0]!;
      const last = sentences[sentences.length - 1]!;
      const article = first.article;
      const quote: Quote = {
        text: article.text.slice(first.sentence.start, last.sentence.end),
        source: sources.number(article),
        articleId: article.id,
        start: first.sentence.start,
        end: last.sentence.end,
        score: round(score, 4),
      };
      if (first.sentence.heading !== undefined) quote.heading = first.sentence.heading;
      return quote;
    });
    timings.selectMs = round(performance.now() - selectStart);
    return finish({ answered: true, quotes, sources: sources.list, confidence: round(confidence, 4) });
  }

  /** The distinct articles of the best passages, for a refusal. */
  private nearest(hits: readonly PassageHit[]): Answer['sources'] {
    const sources = new SourceList();
    for (const hit of hits) {
      const article = this.snapshot.article(hit.chunk.articleId);
      if (article) sources.number(article);
      if (sources.list.length >= this.options.nearestSources) break;
    }
    return sources.list;
  }
}

function refusal(reason: RefusalReason, sources: Answer['sources'], confidence: number): Omit<Answer, 'timings' | 'question' | 'index'> {
  return { answered: false, quotes: [], sources, refusal: { reason, message: REFUSAL_MESSAGES[reason] }, confidence: round(confidence, 4) };
}

function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
