/**
 * The answering engine: question → passages → candidate sentences judged by the reader → verbatim
 * quotes with numbered sources, or a refusal with the nearest sources and passages. Works on one
 * index store (one immutable generation): per question, one search of it for the passages, then one
 * gathering of their articles (QuestionView), then the reader, synchronously, over what was gathered.
 */
import type { AnswerConfig } from '../core/config.js';
import type { ArticleMeta } from '../corpus/types.js';
import type { LocalEmbeddings } from '../embedding/embedder.js';
import { IndexError } from '../core/errors.js';
import { REBUILD_HINT } from '../index/manifest.js';
import type { IndexStore, StoredArticle } from '../index/store.js';
import { correctQuestion } from '../retrieval/spelling.js';
import { DEFAULT_PASSAGE_SEARCH, searchPassages, type PassageHit, type PassageSearchOptions } from '../retrieval/passage-search.js';
import { isVague, normalizeQuestion } from './question.js';
import { QuestionView } from './question-view.js';
import { articleLookupTerms, questionProfile, type QuestionProfile } from './reader/features.js';
import { FittedReader, type AnswerReader } from './reader/reader.js';
import { DEFAULT_READER_MODEL } from './reader/reader-model.js';
import { REFUSAL_MESSAGES } from './refusal.js';
import { DEFAULT_SELECTION, newerFirstAmongTies, selectQuotes, type SelectionOptions } from './select-quotes.js';
import { scoreSentences, type JudgedCandidate, type ScoredSentence, type ScoredSentences } from './sentence-scoring.js';
import { addAlsoIn, SourceList } from './sources.js';
import type { Answer, AnswerStrength, MoreQuotes, NearestPassage, Quote, RefusalReason } from './types.js';
import { quoteLink } from './text-fragment.js';
import { quoteProblem, type QuoteSpan } from './verify-quotes.js';

/** What the engine needs of the embedding model: one query vector per question. */
export type QueryEmbedder = Pick<LocalEmbeddings, 'embedOne'>;

export interface EngineOptions {
  /** Judges how likely each candidate sentence is to answer the question. */
  reader: AnswerReader;
  /** Below this probability of the best candidate the question is declined. */
  refusalThreshold: number;
  /** Probabilities at which an answer is labelled `direct` or `likely` (below: `partial`). */
  strength: { direct: number; likely: number };
  search: PassageSearchOptions;
  selection: SelectionOptions;
  /** How many nearest sources a refusal lists. */
  nearestSources: number;
  /** How many nearest passages a refusal shows. */
  nearestPassages: number;
  /** How many articles a reply to a vague question lists as what the corpus covers. */
  overviewSources: number;
  /** How many further quotes an answer keeps beyond those it shows (`Answer.more`; default 3, 0: none). */
  moreQuotes?: number;
  /**
   * Told of damage found while answering: a quote that is not its article's text (dropped, never
   * served; see verify-quotes.ts). Default: a process warning (stderr).
   */
  onDamage?: (message: string) => void;
}

export const DEFAULT_ENGINE_OPTIONS: Omit<EngineOptions, 'reader'> = {
  refusalThreshold: DEFAULT_READER_MODEL.refusalThreshold,
  strength: DEFAULT_READER_MODEL.strength,
  search: { ...DEFAULT_PASSAGE_SEARCH, k: 30, depth: 60 },
  selection: DEFAULT_SELECTION,
  nearestSources: 3,
  nearestPassages: 2,
  overviewSources: 5,
  moreQuotes: 3,
};

/** Engine options from the answering configuration (REFUSAL_THRESHOLD, MAX_QUOTES). */
export function engineOptions(config: AnswerConfig): Partial<EngineOptions> {
  const options: Partial<EngineOptions> = { selection: { ...DEFAULT_SELECTION, maxQuotes: config.maxQuotes } };
  if (config.refusalThreshold !== undefined) options.refusalThreshold = config.refusalThreshold;
  return options;
}

/** What a caller may add to one question (all optional; without them a question is answered as ever). */
export interface AskOptions {
  /**
   * Articles to answer from when they can (a follow-up's earlier sources, see follow-up.ts): the
   * question is answered from their passages among those found if the reader is confident in one,
   * and from all the passages found otherwise.
   */
  preferArticles?: readonly string[];
  /** Answer from these articles only (their ids; an empty list finds nothing). */
  articles?: readonly string[];
}

/** Hooks for evaluations and fitting. */
export interface AskTrace {
  onPassages?: (hits: readonly PassageHit[]) => void;
  onJudged?: (judged: readonly JudgedCandidate[]) => void;
}

type AnswerBody = Omit<Answer, 'timings' | 'question' | 'index'>;

export class AnswerEngine {
  readonly options: EngineOptions;

  constructor(
    readonly store: IndexStore,
    private readonly embeddings: QueryEmbedder,
    options: Partial<EngineOptions> = {},
  ) {
    this.options = { ...DEFAULT_ENGINE_OPTIONS, ...options, reader: options.reader ?? defaultReader() };
  }

  async ask(rawQuestion: string, trace: AskTrace = {}, options: AskOptions = {}): Promise<Answer> {
    const started = performance.now();
    const question = normalizeQuestion(rawQuestion);
    const base = {
      question: rawQuestion,
      index: { generation: this.store.generation.id, builtAt: this.store.generation.builtAt },
    };
    const timings = { totalMs: 0, embedMs: 0, searchMs: 0, selectMs: 0 };
    const finish = (answer: AnswerBody): Answer => ({
      ...base,
      ...answer,
      timings: { ...timings, totalMs: round(performance.now() - started) },
    });
    if (question.text.length === 0) return finish(refusal('empty', [], 0));
    if (!question.hasWords) return finish(refusal('no-words', [], 0));
    if (isVague(question.text)) return finish(refusal('too-vague', this.overview(), 0));

    // A word the articles never use is searched as the nearest word they do ("Septembr" → "September");
    // an English word they never use also brings its nearest known word to the lexical search ("planed": "planned").
    const { text, corrections, expansions } = correctQuestion(question.text, this.store.vocabulary, { hasTerm: (term) => this.store.terms.has(term) });
    const queryVector = await this.embeddings.embedOne(text);
    timings.embedMs = round(performance.now() - started);

    const searchStart = performance.now();
    const lexicalText = [text, ...expansions.map((e) => e.to)].join(' ');
    const filter = options.articles === undefined ? undefined : { articleIds: options.articles };
    const hits = await searchPassages(this.store, lexicalText, queryVector, this.options.search, filter);
    const profile = questionProfile(this.store.terms, text);
    const view = await QuestionView.gather(this.store, hits, articleLookupTerms(profile));
    timings.searchMs = round(performance.now() - searchStart);
    trace.onPassages?.(hits);

    const selectStart = performance.now();
    const scored = this.score(view, hits, profile, queryVector, trace, options.preferArticles);
    const { ranked } = scored;
    const confidence = this.checkScores(scored.confidence, ranked);
    let body: AnswerBody | undefined;
    if (ranked.length > 0 && confidence >= this.options.refusalThreshold) {
      const sources = new SourceList();
      const quotes: Quote[] = [];
      const extra: Quote[] = [];
      // The selection is greedy, so selecting further quotes leaves the first `maxQuotes` as they were;
      // those are shown, the rest kept as `more`. Among equally good quotes the newer article's comes first.
      const { selection } = this.options;
      const selected = newerFirstAmongTies(
        selectQuotes(ranked, { ...selection, maxQuotes: selection.maxQuotes + Math.max(0, this.options.moreQuotes ?? 0) }),
        (s) => s.score,
        (s) => s.article.published,
      );
      for (const [i, { article, first, last, score, heading }] of selected.entries()) {
        const quoted = this.verified(view, span(article, first, last));
        if (!quoted) continue;
        const quote: Quote = { ...quoted, source: sources.number(article), score: round(score, 4) };
        if (heading !== undefined) quote.heading = heading;
        addLink(quote, article);
        (i < selection.maxQuotes ? quotes : extra).push(quote);
      }
      // Every quote dropped as damaged: nothing verbatim to serve, so the question is declined.
      if (quotes.length > 0) {
        const cited = (list: readonly Quote[]) => sources.list.filter((s) => list.some((q) => q.source === s.n));
        body = { answered: true, quotes, sources: cited(quotes), confidence: round(confidence, 4), strength: this.strength(confidence) };
        if (extra.length > 0) body.more = { quotes: extra, sources: cited(extra) } satisfies MoreQuotes;
        // The same story in other outlets, whose passages were dropped as near duplicates of the sources'.
        const citedIds = new Set(sources.list.map((s) => s.id));
        addAlsoIn(sources.list, hits, citedIds, (id) => this.catalogArticle(id));
      }
    }
    body ??= this.decline(view, hits, ranked, confidence);
    timings.selectMs = round(performance.now() - selectStart);
    if (corrections.length > 0) body.corrections = corrections;
    return finish(body);
  }

  /**
   * The candidates scored: from the preferred articles' passages alone when the reader is confident
   * in one of them (see AskOptions.preferArticles), otherwise (and without any) from all the passages.
   */
  private score(view: QuestionView, hits: PassageHit[], profile: QuestionProfile, queryVector: Float32Array, trace: AskTrace, prefer: readonly string[] | undefined): ScoredSentences {
    const wanted = new Set(prefer ?? []);
    const preferred = hits.filter((hit) => wanted.has(hit.chunk.articleId));
    if (preferred.length > 0) {
      let judged: readonly JudgedCandidate[] = [];
      const scored = scoreSentences(view, preferred, profile, queryVector, this.options.reader, (j) => (judged = j));
      if (scored.ranked.length > 0 && scored.confidence >= this.options.refusalThreshold) {
        trace.onJudged?.(judged);
        return scored;
      }
    }
    return scoreSentences(view, hits, profile, queryVector, this.options.reader, trace.onJudged);
  }

  /**
   * The reader's confidence, checked: a probability, and every candidate's score and similarity a
   * number. Anything else can only come of damaged vectors (a NaN, a length of 1e22) and is an
   * IndexError rather than an answer; rounding just outside [0, 1] is clamped.
   */
  private checkScores(confidence: number, ranked: readonly ScoredSentence[]): number {
    const slack = 1e-6;
    const bad = ranked.find((r) => !Number.isFinite(r.score) || !Number.isFinite(r.similarity) || Math.abs(r.similarity) > 1 + 1e-3);
    if (!(confidence >= -slack && confidence <= 1 + slack) || bad) {
      const what = bad
        ? `sentence ${bad.sentence.index} of article ${bad.article.id} scored ${bad.score} (similarity ${bad.similarity})`
        : `the confidence came out as ${confidence}`;
      const message = `The index at ${this.store.location} gave a score that is not a probability: ${what}. Its vectors are damaged.`;
      this.reportDamage(message);
      throw new IndexError(message, { path: this.store.location, hint: REBUILD_HINT });
    }
    return Math.min(1, Math.max(0, confidence));
  }

  /** The span if it is its article's text (verify-quotes.ts); otherwise reported and dropped. */
  private verified<T extends QuoteSpan>(view: QuestionView, quote: T): T | undefined {
    const problem = quoteProblem(view, quote);
    if (problem === undefined) return quote;
    this.reportDamage(`${problem} Not served. The index at ${this.store.location} is damaged: ${REBUILD_HINT}`);
    return undefined;
  }

  private reportDamage(message: string): void {
    if (this.options.onDamage) this.options.onDamage(message);
    else process.emitWarning(message, 'IndexDamage');
  }

  private catalog: Map<string, ArticleMeta> | undefined;

  /** An article of the store's catalog by id. */
  private catalogArticle(id: string): ArticleMeta | undefined {
    this.catalog ??= new Map(this.store.articles.map((article) => [article.id, article]));
    return this.catalog.get(id);
  }

  private strength(confidence: number): AnswerStrength {
    const { direct, likely } = this.options.strength;
    return confidence >= direct ? 'direct' : confidence >= likely ? 'likely' : 'partial';
  }

  /**
   * A refusal for a question the articles do not answer: the nearest sources, and the closest
   * passages, labelled as such — passages that share a word with the question, so that a question
   * off the articles' topic gets no passages that have nothing to do with it.
   */
  private decline(view: QuestionView, hits: readonly PassageHit[], ranked: readonly ScoredSentence[], confidence: number): AnswerBody {
    const sources = new SourceList();
    const nearest: NearestPassage[] = [];
    for (const sentence of ranked) {
      if (nearest.length >= this.options.nearestPassages) break;
      if (sentence.coverage === 0 || nearest.some((n) => n.articleId === sentence.article.id)) continue;
      const quoted = this.verified(view, span(sentence.article, sentence.sentence.index, sentence.sentence.index));
      if (quoted) nearest.push(addLink({ ...quoted, source: sources.number(sentence.article) }, sentence.article));
    }
    for (const hit of hits) {
      if (sources.list.length >= Math.max(this.options.nearestSources, nearest.length)) break;
      const article = view.article(hit.chunk.articleId);
      if (article) sources.number(article);
    }
    const body = refusal('not-in-corpus', sources.list, confidence);
    if (nearest.length > 0) body.refusal!.nearest = nearest;
    return body;
  }

  /** What the corpus covers, for a vague question: its newest articles (or its first, when undated). */
  private overview(): Answer['sources'] {
    const sources = new SourceList();
    const articles = [...this.store.articles].sort((a, b) => (b.published ?? '').localeCompare(a.published ?? '') || a.id.localeCompare(b.id));
    for (const article of articles.slice(0, this.options.overviewSources)) sources.number(article);
    return sources.list;
  }
}

let shipped: AnswerReader | undefined;

/** The fitted reader committed with the code (made on first use). */
function defaultReader(): AnswerReader {
  return (shipped ??= new FittedReader(DEFAULT_READER_MODEL));
}

/** The verbatim text and offsets of sentences `first`..`last` of an article (checked by `verified` before use). */
function span(article: StoredArticle, first: number, last: number): QuoteSpan {
  const start = article.sentences[first]?.start ?? Number.NaN;
  const end = article.sentences[last]?.end ?? Number.NaN;
  return { text: article.text.slice(start, end), articleId: article.id, start, end };
}

/** Gives a quote or passage the link that opens its article's page at it, when the article has a URL. */
function addLink<T extends QuoteSpan & { link?: string }>(quoted: T, article: StoredArticle): T {
  const link = article.url === undefined ? undefined : quoteLink(article.url, article.text, quoted.start, quoted.end);
  if (link !== undefined) quoted.link = link;
  return quoted;
}

function refusal(reason: RefusalReason, sources: Answer['sources'], confidence: number): AnswerBody {
  return { answered: false, quotes: [], sources, refusal: { reason, message: REFUSAL_MESSAGES[reason] }, confidence: round(confidence, 4) };
}

function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
