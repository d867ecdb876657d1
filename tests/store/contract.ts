/**
 * The index store contract (src/index/store.ts), checked against the file store on the contract
 * corpus (contract-corpus.ts): `describeStoreContract(name, open)` runs it for one store.
 *
 * Tolerances (HNSW is approximate on both sides, and a store may rank ties differently):
 * - passages (the engine's, hybrid search, by chunk id): the first passage is the file store's on
 *   ≥ 95% of the questions, and the top 5 share ≥ 4 of 5 passages on ≥ 95% of them;
 * - quotes: answered or declined alike, with the same quotes (text, article, start and end, in order),
 *   on ≥ 95% of the questions; and every quote any store serves is its article's text at its offsets;
 * - the rest exactly: the catalog, chunk counts, articles, sentences and chunks; sentence vectors
 *   within 1e-6; IDF within 1e-6; dense scores the cosine of the vectors returned (within 1e-3);
 *   filters (none, unknown ids, one article: all its chunks when depth allows).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnswerEngine, type QueryEmbedder } from '../../src/answer/engine.js';
import type { Answer } from '../../src/answer/types.js';
import { FileIndexStore } from '../../src/index/file-store.js';
import type { IndexStore } from '../../src/index/store.js';
import { terms } from '../../src/index/terms.js';
import type { PassageHit } from '../../src/retrieval/passage-search.js';
import { contractCorpus, type ContractCorpus, type ContractQuestion } from './contract-corpus.js';

export const TOLERANCE = { firstPassageSame: 0.95, top5Overlap: 4, top5OverlapShare: 0.95, quotesSame: 0.95 } as const;

/** One question as a store answered it: the engine's passages (chunk ids) and the answer's substance. */
export interface AskedQuestion {
  question: ContractQuestion;
  passages: string[];
  answer: Pick<Answer, 'answered' | 'quotes' | 'refusal'>;
}

export interface ContractReport {
  questions: number;
  firstPassageSame: number;
  /** Questions whose top 5 passages share at least TOLERANCE.top5Overlap with the file store's. */
  top5Overlapping: number;
  quotesSame: number;
  /** Quotes that are not their article's text at their offsets (none allowed). */
  notVerbatim: string[];
  /** The questions that differ, for the failure message. */
  differing: string[];
}

let shared: Promise<ContractCorpus> | undefined;

/** The contract corpus of this test file (built once per file: each test file runs in its own process). */
export function sharedContractCorpus(): Promise<ContractCorpus> {
  return (shared ??= contractCorpus());
}

/** Removes the shared corpus (call from the test file's afterAll). */
export async function releaseContractCorpus(): Promise<void> {
  const corpus = await shared?.catch(() => undefined);
  shared = undefined;
  await corpus?.cleanup();
}

/** The question vectors, embedded once per text for every store asked. */
const vectors = new Map<string, Promise<Float32Array>>();
function cachedEmbedder(corpus: ContractCorpus): QueryEmbedder {
  return {
    embedOne: (text: string) => {
      let vector = vectors.get(text);
      if (!vector) vectors.set(text, (vector = corpus.embeddings.embedOne(text)));
      return vector;
    },
  };
}

/** Every contract question asked of `store` through the engine (default options: hybrid search). */
export async function askAll(store: IndexStore, corpus: ContractCorpus): Promise<AskedQuestion[]> {
  const engine = new AnswerEngine(store, cachedEmbedder(corpus), { onDamage: () => undefined });
  const asked: AskedQuestion[] = [];
  for (const question of corpus.questions) {
    let hits: readonly PassageHit[] = [];
    const answer = await engine.ask(question.text, { onPassages: (h) => (hits = h) });
    asked.push({ question, passages: hits.map((h) => h.chunk.id), answer: { answered: answer.answered, quotes: answer.quotes, ...(answer.refusal ? { refusal: answer.refusal } : {}) } });
  }
  return asked;
}

const referenceAnswers = new WeakMap<ContractCorpus, Promise<AskedQuestion[]>>();

/** The file store's answers on the corpus (asked once per corpus). */
export function referenceAsked(reference: IndexStore, corpus: ContractCorpus): Promise<AskedQuestion[]> {
  let asked = referenceAnswers.get(corpus);
  if (!asked) referenceAnswers.set(corpus, (asked = askAll(reference, corpus)));
  return asked;
}

const quoteKey = (q: Answer['quotes'][number]) => `${q.articleId}@${q.start}-${q.end}:${q.text}`;

/** Compares the store's passages and quotes with the reference's, question by question. */
export async function compareAnswers(reference: IndexStore, store: IndexStore, corpus: ContractCorpus): Promise<ContractReport> {
  const expected = await referenceAsked(reference, corpus);
  const actual = await askAll(store, corpus);
  const report: ContractReport = { questions: expected.length, firstPassageSame: 0, top5Overlapping: 0, quotesSame: 0, notVerbatim: [], differing: [] };
  const views = await reference.articleViews([...new Set(actual.flatMap((a) => a.answer.quotes.map((q) => q.articleId)))].map((id) => ({ id, sentences: [] })));
  const texts = new Map(views.map((v) => [v.article.id, v.article.text]));
  expected.forEach((want, i) => {
    const got = actual[i]!;
    const problems: string[] = [];
    if (got.passages[0] === want.passages[0]) report.firstPassageSame++;
    else problems.push(`first passage ${got.passages[0]} ≠ ${want.passages[0]}`);
    const top = new Set(want.passages.slice(0, 5));
    const overlap = got.passages.slice(0, 5).filter((id) => top.has(id)).length;
    if (overlap >= Math.min(TOLERANCE.top5Overlap, top.size)) report.top5Overlapping++;
    else problems.push(`top 5 share ${overlap}`);
    const same = got.answer.answered === want.answer.answered && got.answer.quotes.map(quoteKey).join('\n') === want.answer.quotes.map(quoteKey).join('\n');
    if (same) report.quotesSame++;
    else problems.push(`quotes differ (${got.answer.answered ? 'answered' : 'declined'} vs ${want.answer.answered ? 'answered' : 'declined'})`);
    for (const quote of got.answer.quotes) {
      if (texts.get(quote.articleId)?.slice(quote.start, quote.end) !== quote.text) report.notVerbatim.push(`${quote.articleId}@${quote.start}-${quote.end}`);
    }
    if (problems.length > 0) report.differing.push(`${want.question.text}: ${problems.join('; ')}`);
  });
  return report;
}

/** What in a report breaks the stated tolerances (empty: the store keeps the contract). */
export function contractFailures(report: ContractReport): string[] {
  const failures: string[] = [];
  const share = (n: number) => n / Math.max(1, report.questions);
  const pct = (n: number) => `${n}/${report.questions}`;
  if (share(report.firstPassageSame) < TOLERANCE.firstPassageSame) failures.push(`first passage as the file store's on ${pct(report.firstPassageSame)} (< ${TOLERANCE.firstPassageSame * 100}%)`);
  if (share(report.top5Overlapping) < TOLERANCE.top5OverlapShare) failures.push(`top 5 passages sharing ≥ ${TOLERANCE.top5Overlap} on ${pct(report.top5Overlapping)} (< ${TOLERANCE.top5OverlapShare * 100}%)`);
  if (share(report.quotesSame) < TOLERANCE.quotesSame) failures.push(`same quotes on ${pct(report.quotesSame)} (< ${TOLERANCE.quotesSame * 100}%)`);
  if (report.notVerbatim.length > 0) failures.push(`quotes not their article's text: ${report.notVerbatim.join(', ')}`);
  if (failures.length > 0) failures.push(...report.differing.slice(0, 10).map((d) => `  ${d}`));
  return failures;
}

/** JSON with every object's keys sorted: the same for equal values whatever order a store built them in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

/** The interface's promises beyond answering (see the file comment); each problem found as one line. */
export async function behaviourProblems(store: IndexStore, reference: IndexStore, corpus: ContractCorpus): Promise<string[]> {
  const problems: string[] = [];
  const check = (ok: boolean, problem: string) => {
    if (!ok) problems.push(problem);
  };

  // The generation.
  check(store.generation.id.length > 0 && Number.isFinite(Date.parse(store.generation.builtAt)), `generation ${JSON.stringify(store.generation)} lacks an id or a builtAt date`);
  check((await store.liveGeneration()) === store.generation.id, 'liveGeneration() is not the generation just opened');
  check(store.dimensions === reference.dimensions, `dimensions ${store.dimensions} ≠ ${reference.dimensions}`);

  // The catalog.
  const byId = new Map(store.articles.map((a) => [a.id, a]));
  check(byId.size === reference.articles.length, `${byId.size} articles ≠ ${reference.articles.length}`);
  for (const want of reference.articles) {
    const got = byId.get(want.id);
    check(got !== undefined && canonical(got) === canonical(want), `article ${want.id}'s metadata differs`);
    check(store.chunkCount(want.id) === reference.chunkCount(want.id), `article ${want.id} has ${store.chunkCount(want.id)} chunks ≠ ${reference.chunkCount(want.id)}`);
  }
  check(store.chunkCount('no-such-article') === 0, 'chunkCount of an unknown article is not 0');

  // Term statistics and vocabulary.
  check(Math.abs(store.terms.maxIdf - reference.terms.maxIdf) <= 1e-6, `maxIdf ${store.terms.maxIdf} ≠ ${reference.terms.maxIdf}`);
  const questionTerms = new Set(corpus.questions.flatMap((q) => terms(q.text)));
  for (const term of questionTerms) {
    check(store.terms.has(term) === reference.terms.has(term), `terms.has(${term}) differs`);
    check(Math.abs(store.terms.idf(term) - reference.terms.idf(term)) <= 1e-6, `idf(${term}) ${store.terms.idf(term)} ≠ ${reference.terms.idf(term)}`);
  }
  check(store.vocabulary.size === reference.vocabulary.size, `vocabulary of ${store.vocabulary.size} words ≠ ${reference.vocabulary.size}`);
  for (const word of ['Kremlin', 'Kremln', 'Septembr', 'complxity', 'Normandyy', 'treaty']) {
    check(store.vocabulary.has(word) === reference.vocabulary.has(word), `vocabulary.has(${word}) differs`);
    check(canonical(store.vocabulary.nearest(word, 2)) === canonical(reference.vocabulary.nearest(word, 2)), `vocabulary.nearest(${word}) differs`);
  }

  // Article views: unknown ids left out, order kept, everything as the file store has it.
  const [first, second] = [reference.articles[0]!.id, reference.articles.at(-1)!.id];
  const views = await store.articleViews([{ id: 'no-such-article' }, { id: second, sentences: [0, 1, -1, 1e6] }, { id: 'nope-2', sentences: [0] }, { id: first }]);
  check(views.map((v) => v.article.id).join() === [second, first].join(), `articleViews gave ${views.map((v) => v.article.id).join()} for [unknown, ${second}, unknown, ${first}]`);
  const wanted = await reference.articleViews([{ id: second }, { id: first }]);
  for (const [i, want] of wanted.entries()) {
    const got = views[i];
    if (!got) break;
    const { id } = want.article;
    check(got.article.text === want.article.text, `article ${id}'s text differs`);
    check(canonical(got.article.sentences) === canonical(want.article.sentences), `article ${id}'s sentences differ`);
    check(canonical(got.article.blocks) === canonical(want.article.blocks), `article ${id}'s blocks differ`);
    check(canonical(got.chunks) === canonical(want.chunks), `article ${id}'s chunks differ`);
    const expectedKeys = i === 0 ? [0, 1] : want.article.sentences.map((s) => s.index);
    check([...got.sentenceVectors.keys()].sort((a, b) => a - b).join() === expectedKeys.join(), `article ${id}'s sentence vectors are for ${[...got.sentenceVectors.keys()].join()}, not ${expectedKeys.join()}`);
    for (const [index, vector] of got.sentenceVectors) {
      const other = want.sentenceVectors.get(index)!;
      check(vector.length === other.length && vector.every((v, j) => Math.abs(v - other[j]!) <= 1e-6), `article ${id}'s sentence ${index} vector differs`);
    }
    for (const chunk of got.chunks) check(got.passageIntact(chunk), `passage ${chunk.id} is not intact`);
    const chunk = got.chunks[0]!;
    check(!got.passageIntact({ ...chunk, text: `X${chunk.text.slice(1)}` }), `passage ${chunk.id} with its first letter changed counts as intact`);
  }

  // Which of some terms an article holds: exactly those its title, its chunks' headings or their text hold.
  const asked = [...new Set([...questionTerms, ...terms(reference.articles[1]?.title ?? ''), 'zzqxv'])];
  const held = await store.articleViews([{ id: first, sentences: [], terms: asked }, { id: second, sentences: [] }]);
  for (const [i, want] of (await reference.articleViews([{ id: first, sentences: [] }])).entries()) {
    const words = new Set(want.chunks.flatMap((c) => [...terms(want.article.title), ...terms(c.heading ?? ''), ...terms(c.text)]));
    const expected = asked.filter((t) => words.has(t)).sort();
    const got = [...(held[i]?.heldTerms ?? [])].sort();
    check(expected.length > 0 && expected.length < asked.length, `the held-terms check asks nothing telling (${expected.length} of ${asked.length} held)`);
    check(got.join() === expected.join(), `article ${first} holds ${got.join()} of the terms asked, not ${expected.join()}`);
  }
  check(held[1]?.heldTerms.size === 0, `article ${second} asked about no terms holds some: ${[...(held[1]?.heldTerms ?? [])].join()}`);

  // Search.
  const question = corpus.questions[0]!.text;
  const vector = await cachedEmbedder(corpus).embedOne(question);
  const depth = 20;
  const found = await store.search({ vector, text: question, depth });
  check(found.dense.length === depth, `dense search gave ${found.dense.length} of ${depth}`);
  check(found.lexical.length > 0 && found.lexical.length <= depth, `lexical search gave ${found.lexical.length} (1–${depth} expected)`);
  check(found.dense.every((h, i) => i === 0 || h.score <= found.dense[i - 1]!.score + 1e-6), 'dense hits are not best first');
  check(found.lexical.every((h, i) => i === 0 || h.score <= found.lexical[i - 1]!.score + 1e-6), 'lexical hits are not best first');
  const questionWords = new Set(terms(question));
  for (const { label, score } of found.dense) {
    const passage = found.passages.get(label);
    check(passage !== undefined && passage.label === label, `no passage for dense label ${label}`);
    if (passage) check(Math.abs(dot(vector, passage.vector) - score) <= 1e-3, `dense score ${score} of ${passage.chunk.id} is not the cosine ${dot(vector, passage.vector)}`);
  }
  for (const { label } of found.lexical) {
    const passage = found.passages.get(label);
    check(passage !== undefined && passage.label === label, `no passage for lexical label ${label}`);
    const title = store.articles.find((a) => a.id === passage?.chunk.articleId)?.title ?? '';
    const fields = [passage?.chunk.text ?? '', passage?.chunk.heading ?? '', title];
    if (passage) check(fields.some((field) => terms(field).some((t) => questionWords.has(t))), `lexical hit ${passage.chunk.id} shares no term with the question (text, heading or title)`);
  }
  const referenceChunks = new Map((await reference.articleViews(reference.articles.map((a) => ({ id: a.id, sentences: [] })))).flatMap((v) => v.chunks.map((c) => [c.id, c] as const)));
  for (const passage of found.passages.values()) {
    check(canonical(passage.chunk) === canonical(referenceChunks.get(passage.chunk.id)), `passage ${passage.chunk.id} differs from the file store's chunk`);
  }
  check((await store.search({ text: question, depth })).dense.length === 0, 'a search without a vector gave dense hits');
  check((await store.search({ vector, depth })).lexical.length === 0, 'a search without a text gave lexical hits');

  // Filters.
  const none = await store.search({ vector, text: question, depth, filter: { articleIds: [] } });
  check(none.dense.length === 0 && none.lexical.length === 0, 'an empty filter found something');
  const unknown = await store.search({ vector, text: question, depth, filter: { articleIds: ['no-such-article'] } });
  check(unknown.dense.length === 0 && unknown.lexical.length === 0, 'a filter of an unknown article found something');
  const one = reference.articles.find((a) => reference.chunkCount(a.id) >= 2 && reference.chunkCount(a.id) < depth)!;
  const within = await store.search({ vector, text: `${one.title} ${question}`, depth, filter: { articleIds: [one.id, 'no-such-article'] } });
  const outside = [...within.passages.values()].filter((p) => p.chunk.articleId !== one.id).map((p) => p.chunk.id);
  check(outside.length === 0, `a filter of ${one.id} found chunks of other articles: ${outside.join(', ')}`);
  check(within.dense.length === reference.chunkCount(one.id), `a filter of ${one.id} gave ${within.dense.length} dense hits, not all its ${reference.chunkCount(one.id)} chunks`);
  check(within.lexical.length > 0, `a filter of ${one.id} with its title in the text gave no lexical hits`);
  return problems;
}

/** Runs the contract for one store: `open` builds (or opens) the store of `corpus.corpusDir`. */
export function describeStoreContract(name: string, open: (corpus: ContractCorpus) => Promise<IndexStore>): void {
  describe(`the ${name} index store keeps the store contract`, () => {
    let corpus: ContractCorpus;
    let reference: FileIndexStore;
    let store: IndexStore;

    beforeAll(async () => {
      corpus = await sharedContractCorpus();
      reference = await FileIndexStore.open(corpus.indexDir);
      store = await open(corpus);
    });
    afterAll(async () => {
      await store?.close();
      await reference?.close();
    });

    it('finds the file store’s passages and serves its quotes, within the stated tolerance', async () => {
      const report = await compareAnswers(reference, store, corpus);
      expect(contractFailures(report)).toEqual([]);
      expect(report.questions).toBe(corpus.questions.length);
    });

    it('keeps the interface’s promises: catalog, terms, article views, search, filters, generation', async () => {
      expect(await behaviourProblems(store, reference, corpus)).toEqual([]);
    });
  });
}
