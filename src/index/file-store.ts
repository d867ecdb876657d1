/**
 * The file index as an IndexStore (store.ts): a thin layer over one opened generation
 * (IndexSnapshot), which answers every call from memory and its files (vectors read by row). The
 * passages and sentence vectors it returns are made when the engine first reads them, so a question
 * makes no more of them than it did before the store interface existed.
 */
import path from 'node:path';
import type { Chunk } from '../chunking/types.js';
import type { ArticleMeta } from '../corpus/types.js';
import { currentGeneration } from './layout.js';
import { holdsLabelIn } from './lexical-index.js';
import { IndexSnapshot } from './snapshot.js';
import type {
  ArticleRequest,
  ArticleView,
  GenerationInfo,
  IndexStore,
  OpenStoreOptions,
  Passage,
  ScoredLabel,
  SearchFilter,
  SearchRequest,
  SearchResult,
  StoreVocabulary,
  TermStatistics,
} from './store.js';

/** Up to this many chunks, a filtered dense search compares the question with each of them (exact); beyond, HNSW with the filter. */
const EXACT_FILTERED_SEARCH = 4096;

export class FileIndexStore implements IndexStore {
  readonly kind = 'file';
  readonly generation: GenerationInfo;
  readonly location: string;
  readonly dimensions: number;
  readonly articles: readonly ArticleMeta[];
  readonly vocabulary: StoreVocabulary;
  readonly terms: TermStatistics;
  private readonly known: ReadonlySet<string>;

  constructor(readonly snapshot: IndexSnapshot) {
    this.generation = { id: path.basename(snapshot.dir), builtAt: snapshot.manifest.builtAt };
    this.location = snapshot.dir;
    this.dimensions = snapshot.dimensions;
    this.articles = snapshot.articles;
    this.vocabulary = snapshot.vocabulary;
    this.terms = snapshot.lexical;
    this.known = new Set(snapshot.articles.map((a) => a.id));
  }

  /** The live generation of `indexDir` (or generation `options.generation` of it), verified as it is opened. */
  static async open(indexDir: string, options: OpenStoreOptions = {}): Promise<FileIndexStore> {
    const snapshot = options.generation === undefined ? await IndexSnapshot.open(indexDir) : await IndexSnapshot.openGeneration(path.join(indexDir, options.generation));
    return new FileIndexStore(snapshot);
  }

  chunkCount(articleId: string): number {
    return this.snapshot.manifest.articles[articleId]?.chunks ?? 0;
  }

  search(request: SearchRequest): Promise<SearchResult> {
    const { snapshot } = this;
    const allowed = request.filter === undefined ? undefined : this.allowedLabels(request.filter);
    const dense = request.vector === undefined ? [] : this.searchDense(request.vector, request.depth, allowed);
    const lexical =
      request.text === undefined || allowed?.size === 0
        ? []
        : snapshot.lexical.query(request.text, request.depth, allowed === undefined ? undefined : (label) => allowed.has(label));
    // Made when first asked for: the engine reads them in fused order and stops once it has enough, so
    // the rest (up to twice the depth) are never made (a chunk is made from its whole article).
    const passages = new LazyMap<number, Passage>([...dense, ...lexical].map((hit) => hit.label), (label) => ({ label, chunk: snapshot.chunk(label), vector: snapshot.chunkVector(label) }));
    return Promise.resolve({ dense, lexical, passages });
  }

  articleViews(requests: readonly ArticleRequest[]): Promise<ArticleView[]> {
    const { snapshot } = this;
    const views: ArticleView[] = [];
    // Each term's postings read once for all the articles asked about.
    const labelsWith = new Map<string, Uint32Array>();
    const held = (articleId: string, terms: readonly string[]): Set<string> => {
      const { first, count } = snapshot.chunkLabelsOf(articleId);
      const found = new Set<string>();
      for (const term of terms) {
        let labels = labelsWith.get(term);
        if (!labels) labelsWith.set(term, (labels = snapshot.lexical.labelsWith(term)));
        if (holdsLabelIn(labels, first, count)) found.add(term);
      }
      return found;
    };
    for (const request of requests) {
      const article = snapshot.article(request.id);
      if (article === undefined) continue;
      const count = article.sentences.length;
      const wanted = (request.sentences ?? article.sentences.map((s) => s.index)).filter((i) => Number.isInteger(i) && i >= 0 && i < count);
      // Read when first asked for (the reader skips short sentences and neighbours across a paragraph break).
      const sentenceVectors = new LazyMap<number, Float32Array>(wanted, (i) => snapshot.sentenceVector(article.id, i));
      views.push({
        article,
        chunks: snapshot.chunksOf(article.id),
        sentenceVectors,
        heldTerms: held(article.id, request.terms ?? []),
        passageIntact: (chunk: Chunk) => snapshot.passageIntact(chunk),
      });
    }
    return Promise.resolve(views);
  }

  async liveGeneration(): Promise<string | undefined> {
    const dir = await currentGeneration(path.dirname(this.snapshot.dir));
    return dir === undefined ? undefined : path.basename(dir);
  }

  close(): Promise<void> {
    this.snapshot.close();
    return Promise.resolve();
  }

  /** The labels of the filter's articles (unknown ids pass over). */
  private allowedLabels(filter: SearchFilter): Set<number> {
    const labels = new Set<number>();
    for (const id of filter.articleIds) {
      if (!this.known.has(id)) continue;
      const { first, count } = this.snapshot.chunkLabelsOf(id);
      for (let label = first; label < first + count; label++) labels.add(label);
    }
    return labels;
  }

  private searchDense(vector: Float32Array, depth: number, allowed: ReadonlySet<number> | undefined): ScoredLabel[] {
    const { snapshot } = this;
    if (allowed === undefined) return snapshot.hnsw.searchLabels(vector, depth);
    if (allowed.size === 0 || depth <= 0) return [];
    if (allowed.size > EXACT_FILTERED_SEARCH) return snapshot.hnsw.searchLabels(vector, Math.min(depth, allowed.size), (label) => allowed.has(label));
    const scored: ScoredLabel[] = [];
    for (const label of allowed) {
      const other = snapshot.chunkVector(label);
      let dot = 0;
      for (let i = 0; i < vector.length; i++) dot += vector[i]! * other[i]!;
      scored.push({ label, score: dot });
    }
    return scored.sort((a, b) => b.score - a.score || a.label - b.label).slice(0, depth);
  }
}

/** A map whose keys are known and whose values are made when first asked for (and kept). */
class LazyMap<K, V> implements ReadonlyMap<K, V> {
  private readonly made = new Map<K, V>();
  private readonly known: ReadonlySet<K>;

  constructor(
    keys: Iterable<K>,
    private readonly make: (key: K) => V,
  ) {
    this.known = new Set(keys);
  }

  get size(): number {
    return this.known.size;
  }

  has(key: K): boolean {
    return this.known.has(key);
  }

  get(key: K): V | undefined {
    if (!this.known.has(key)) return undefined;
    if (!this.made.has(key)) this.made.set(key, this.make(key));
    return this.made.get(key);
  }

  *entries(): MapIterator<[K, V]> {
    for (const key of this.known) yield [key, this.get(key)!];
  }

  *keys(): MapIterator<K> {
    yield* this.known;
  }

  *values(): MapIterator<V> {
    for (const key of this.known) yield this.get(key)!;
  }

  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }

  forEach(callback: (value: V, key: K, map: ReadonlyMap<K, V>) => void): void {
    for (const [key, value] of this.entries()) callback(value, key, this);
  }
}
