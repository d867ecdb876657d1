/**
 * The PostgreSQL index store (INDEX_STORE=postgres): answers through `IndexStore` from a generation
 * published into PostgreSQL (publish.ts). At open it loads what is small — the generation, the
 * article catalog, the vocabulary and the term statistics; it holds no vectors and no texts. Each
 * step of a question is one statement: `search` (dense by pgvector's HNSW index, lexical by BM25 over
 * the postings, and the passages of both lists with their vectors) and `articleViews` (the articles
 * with their chunks and the sentence vectors asked for).
 *
 * Labels are the file store's: the article's first chunk label plus the chunk's ordinal.
 */
import type pg from 'pg';
import type { Chunk, Sentence } from '../../chunking/types.js';
import type { ArticleMeta, Block } from '../../corpus/types.js';
import { IndexError } from '../../core/errors.js';
import { passageDigest } from '../generation/records.js';
import { BLOCK_KINDS } from '../generation/schema.js';
import type { ArticleRequest, ArticleView, GenerationInfo, IndexStore, Passage, ScoredLabel, SearchRequest, SearchResult, StoredArticle } from '../store.js';
import { words } from '../terms.js';
import { Vocabulary } from '../vocabulary.js';
import { databaseError, Names, openPool, parseDatabaseUrl, querySearch, redact } from './database.js';
import type { LexicalStatistics } from './lexical-file.js';
import { BM25_K1, POSTINGS_PER_QUESTION, POSTINGS_PER_TERM, postingLimits, PostgresTermStatistics, TF_SCALE } from './lexical-query.js';
import { watchGeneration } from './notify.js';
import { currentSchemaVersion, IMPACT_SCHEMA_VERSION, schemaVersion, VECTOR_DIMENSIONS } from './schema.js';
import { parseVector, vectorLiteral } from './vector-text.js';

export interface PostgresStoreOptions {
  /** DATABASE_URL (a `?schema=name` in it chooses the schema: see parseDatabaseUrl). */
  url: string;
  /** The schema, overriding the URL's (default `verbatim`). */
  schema?: string;
  /** Open this generation rather than the live one. */
  generation?: string;
  /** How often `watch` asks for the live generation besides listening (ms; default 5 s; 0 = never: INDEX_POLL_SECONDS). */
  pollMs?: number;
  /** Connections in the store's pool (default 4). */
  poolSize?: number;
  /**
   * The lexical side: 'bm25' (default), the file store's BM25 over its own postings, so both stores
   * return the same lexical hits; or 'fts', PostgreSQL's full-text search (English stemming, the
   * question's words OR-ed, ranked by ts_rank with the file store's field weights). See the notes for
   * which answers better.
   */
  lexical?: 'bm25' | 'fts';
  /**
   * BM25 without a filter: how many postings of each question term are read, best impact first (default
   * POSTINGS_PER_TERM). Exact for terms in fewer chunks than this; for commoner terms a chunk outside the
   * term's best postings misses that term's part of its score.
   */
  postingsPerTerm?: number;
  /** BM25 without a filter: how many postings a question reads in all, shared among its terms (default POSTINGS_PER_QUESTION; see postingLimits). */
  postingsPerQuestion?: number;
}

interface CatalogEntry {
  meta: ArticleMeta;
  firstLabel: number;
  chunkCount: number;
}

/** Lexical rows read beyond the depth, so ties at the cut are broken by label (see searchStatement). */
const TIE_SLACK = 32;
/**
 * The best-scored lexical chunks kept before the generation test, per hit wanted: postings of content that only the
 * previous generation holds (kept as the rollback point) are scored too, and are dropped there. A question whose best
 * depth × 4 chunks were mostly such content (articles changed since the previous generation) would get fewer hits.
 */
const STALE_ROOM = 4;

/** The hint for a database that holds no index. */
const PUBLISH_HINT = 'Build and publish one with: INDEX_STORE=postgres npm run index';

export class PostgresStore implements IndexStore {
  readonly kind = 'postgres' as const;
  readonly dimensions = VECTOR_DIMENSIONS;
  readonly location: string;
  readonly articles: readonly ArticleMeta[];
  private readonly byId: Map<string, CatalogEntry>;
  private readonly stopWatching = new Set<() => void>();
  private closed = false;
  /** Postings read per question term (PostgresStoreOptions.postingsPerTerm). */
  private readonly postingsPerTerm: number;
  /** Postings read per question (PostgresStoreOptions.postingsPerQuestion). */
  private readonly postingsPerQuestion: number;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly names: Names,
    private readonly options: PostgresStoreOptions,
    readonly generation: GenerationInfo,
    catalog: readonly CatalogEntry[],
    readonly vocabulary: Vocabulary,
    readonly terms: PostgresTermStatistics,
    /** Whether the postings carry their impact (schema version 3 on). */
    private readonly impactOrdered: boolean,
  ) {
    this.postingsPerTerm = options.postingsPerTerm ?? POSTINGS_PER_TERM;
    this.postingsPerQuestion = options.postingsPerQuestion ?? POSTINGS_PER_QUESTION;
    this.articles = catalog.map((entry) => entry.meta);
    this.byId = new Map(catalog.map((entry) => [entry.meta.id, entry]));
    this.location = `${redact(options.url)} (schema ${names.schema}, generation ${generation.id})`;
  }

  static async open(given: PostgresStoreOptions): Promise<PostgresStore> {
    for (const name of ['postingsPerTerm', 'postingsPerQuestion'] as const) {
      const value = given[name];
      if (value !== undefined && !(Number.isInteger(value) && value > 0)) throw new IndexError(`${name} must be a whole number above 0 (it is ${value}).`);
    }
    const location = parseDatabaseUrl(given.url);
    const options = { ...given, url: location.url };
    const names = new Names(given.schema ?? location.schema);
    const pool = openPool(options.url, options.poolSize);
    try {
      let version: number;
      try {
        version = await currentSchemaVersion(pool, names);
      } catch (error) {
        throw databaseError(options.url, error);
      }
      if (version === 0) throw new IndexError(`No index has been published to PostgreSQL at ${redact(options.url)} (schema ${names.schema}) yet.`, { hint: PUBLISH_HINT });
      if (version > schemaVersion(names)) {
        throw new IndexError(`The PostgreSQL index (schema ${names.schema}) is at schema version ${version}, newer than this Verbatim reads (${schemaVersion(names)}).`, {
          hint: 'Update Verbatim, or publish into another DATABASE_SCHEMA.',
        });
      }
      if (options.lexical === 'fts' && version < 2) {
        throw new IndexError(`The PostgreSQL index (schema ${names.schema}) has no full-text vectors yet (schema version ${version}).`, { hint: 'Publish once with this version (npm run index) to add them.' });
      }
      const id = options.generation ?? (await liveGenerationOf(pool, names));
      if (id === undefined) throw new IndexError(`No index has been published to PostgreSQL at ${redact(options.url)} (schema ${names.schema}) yet.`, { hint: PUBLISH_HINT });
      const generation = await pool.query<{ built_at: string; lexical: LexicalStatistics; vocabulary: { words: string[]; counts: number[] } }>(
        `SELECT built_at, lexical, vocabulary FROM ${names.t('generation')} WHERE id = $1`,
        [id],
      );
      const row = generation.rows[0];
      if (row === undefined) throw new IndexError(`Generation ${id} is not in the PostgreSQL index (schema ${names.schema}).`, { hint: PUBLISH_HINT });
      const catalog = await pool.query<{ meta: ArticleMeta; first_label: number; chunk_count: number }>(
        `SELECT meta, first_label, chunk_count FROM ${names.t('generation_article')} WHERE generation_id = $1 ORDER BY row`,
        [id],
      );
      const vocabulary = Vocabulary.fromCounts(row.vocabulary.words.map((word, i) => [word, row.vocabulary.counts[i]!] as const));
      return new PostgresStore(
        pool,
        names,
        options,
        { id, builtAt: row.built_at },
        catalog.rows.map((entry) => ({ meta: entry.meta, firstLabel: entry.first_label, chunkCount: entry.chunk_count })),
        vocabulary,
        new PostgresTermStatistics(row.lexical),
        version >= IMPACT_SCHEMA_VERSION,
      );
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw error;
    }
  }

  chunkCount(articleId: string): number {
    return this.byId.get(articleId)?.chunkCount ?? 0;
  }

  async search(request: SearchRequest): Promise<SearchResult> {
    const statement = this.searchStatement(request);
    if (statement === undefined) return { dense: [], lexical: [], passages: new Map() };
    const { rows } = await querySearch<SearchRow>(this.pool, statement.sql, statement.params);
    const denseHits: ScoredLabel[] = [];
    const lexicalHits: ScoredLabel[] = [];
    const passages = new Map<number, Passage>();
    for (const row of rows) {
      if (row.list === 'd') denseHits.push({ label: row.label, score: row.score! });
      else if (row.list === 'l') lexicalHits.push({ label: row.label, score: row.score! });
      else passages.set(row.label, { label: row.label, chunk: chunkOfRow(row), vector: parseVector(row.embedding!, this.dimensions) });
    }
    denseHits.sort((a, b) => b.score - a.score || a.label - b.label);
    lexicalHits.sort((a, b) => b.score - a.score || a.label - b.label);
    return { dense: denseHits, lexical: lexicalHits, passages };
  }

  /** The one statement of a search (undefined when there is nothing to search for): for `search`, and to EXPLAIN it. */
  searchStatement(request: SearchRequest): { sql: string; params: unknown[] } | undefined {
    const n = this.names;
    const fts = this.options.lexical === 'fts';
    const ftsQuery = fts && request.text !== undefined ? ftsQueryOf(request.text) : undefined;
    const bm25 = !fts && request.text !== undefined ? this.terms.queryOf(request.text) : undefined;
    const wantDense = request.vector !== undefined && request.depth > 0;
    const wantLexical = request.depth > 0 && (ftsQuery !== undefined || (bm25 !== undefined && bm25.terms.length > 0));
    if ((!wantDense && !wantLexical) || request.filter?.articleIds.length === 0) return undefined;
    const params: unknown[] = [this.generation.id, request.depth, request.filter === undefined ? null : [...request.filter.articleIds]];
    const param = (value: unknown): string => `$${params.push(value)}`;
    // Whether content `key` is in the generation (and the filter): one probe of generation_article's (content_key,
    // generation_id) index. Every list is tested row by row, in its own order, so no statement reads the generation's
    // whole article list (at 100k chunks, scanning and hashing its ~16k rows cost ~80 ms of every question).
    const probe = (key: string) =>
      `SELECT g.first_label, g.article_id FROM ${n.t('generation_article')} g WHERE g.content_key = ${key} AND g.generation_id = $1 AND ($3::text[] IS NULL OR g.article_id = ANY($3::text[]))`;
    const inGeneration = `EXISTS (${probe('c.content_key')})`;
    // As a LATERAL join: OFFSET 0 keeps the planner from turning the probes into a hash join over the whole list
    // (which would also lose the list's order, that the LIMIT after it relies on).
    const probed = (key: string) => `CROSS JOIN LATERAL (${probe(key)} OFFSET 0) AS g`;
    let dense = `SELECT NULL::text AS content_key, NULL::int AS ordinal, NULL::float8 AS distance WHERE false`;
    if (wantDense) {
      // The HNSW scan stays an index scan that stops at LIMIT, testing each row it yields.
      const vector = param(vectorLiteral(request.vector!));
      dense = `SELECT c.content_key, c.ordinal, c.embedding <=> ${vector}::vector AS distance
           FROM ${n.t('chunk')} c WHERE ${inGeneration}
           ORDER BY c.embedding <=> ${vector}::vector LIMIT $2`;
    }
    let lexical = `SELECT NULL::text AS content_key, NULL::int AS ordinal, NULL::float8 AS score WHERE false`;
    if (wantLexical && ftsQuery !== undefined) {
      // Weights {D, C, B, A} (each ≤ 1): text C, heading B, title A in the file store's proportions 1 : 1.2 : 1.5; normalisation 1: ÷ (1 + log length).
      lexical = `SELECT c.content_key, c.ordinal, ts_rank('{0.05, 0.6667, 0.8, 1.0}', c.fts, q.query, 1)::float8 AS score
           FROM ${n.t('chunk')} c, to_tsquery('english', ${param(ftsQuery)}) AS q(query)
           WHERE c.fts @@ q.query AND ${inGeneration}`;
    } else if (wantLexical && bm25 !== undefined) {
      const score = `q.idf * (ct.tf::float8 / ${TF_SCALE}) * ${BM25_K1 + 1} / (ct.tf::float8 / ${TF_SCALE} + ${param(bm25.norm)}::float8 + ${param(bm25.perLength)}::float8 * ct.length)`;
      // The question's terms as rows q(term, idf[, postings]): with `limits`, how many postings each term reads.
      const question = (limits?: number[]) =>
        limits === undefined
          ? `unnest(${param(bm25.terms)}::text[], ${param(bm25.idfs)}::float8[]) AS q(term, idf)`
          : `unnest(${param(bm25.terms)}::text[], ${param(bm25.idfs)}::float8[], ${param(limits)}::int[]) AS q(term, idf, postings)`;
      // Postings are scored whatever generation holds their content; lexical_hits keeps the generation's, best first.
      lexical = !this.impactOrdered
        ? // A schema from before migration 3 (published by an older Verbatim, not yet re-published): every posting of the terms.
          `SELECT ct.content_key, ct.ordinal, sum(${score}) AS score
           FROM ${question()}
           JOIN ${n.t('chunk_term')} ct ON ct.term = q.term
           GROUP BY ct.content_key, ct.ordinal`
        : request.filter === undefined
          ? // Each term's best postings by impact, as many as postingLimits gives it, read from the index chunk_term_impact
            // alone (it holds what scoring needs; publish VACUUMs so the scan need not visit the table).
            `SELECT p.content_key, p.ordinal, sum(p.score) AS score
           FROM ${question(postingLimits(bm25.dfs, this.postingsPerTerm, this.postingsPerQuestion))}
           CROSS JOIN LATERAL (
             SELECT ct.content_key, ct.ordinal, ${score} AS score FROM ${n.t('chunk_term')} ct
             WHERE ct.term = q.term ORDER BY ct.impact DESC LIMIT q.postings
           ) AS p
           GROUP BY p.content_key, p.ordinal`
          : // Narrowed to some articles: every posting of theirs for the question's terms, by key (contents × terms
            // probes), so the articles a filter keeps are scored exactly and the rest is never read.
            `SELECT ct.content_key, ct.ordinal, sum(${score}) AS score
           FROM ${n.t('generation_article')} g
           CROSS JOIN ${question()}
           JOIN ${n.t('chunk_term')} ct ON ct.content_key = g.content_key AND ct.term = q.term
           WHERE g.generation_id = $1 AND g.article_id = ANY($3::text[])
           GROUP BY ct.content_key, ct.ordinal`;
    }
    // The lists in their own order, each row probed for its generation entry (its label and article). The lexical
    // list is cut to its best depth × STALE_ROOM + TIE_SLACK chunks first (a top-N sort: a question can score 50k
    // chunks at 100k, and sorting them all cost as much as scoring them); the probes then stop once depth +
    // TIE_SLACK rows pass, so chunks tied at the cut are ordered by label as the file store orders them.
    const sql = `
      WITH dense AS (${dense}),
      lexical AS (${lexical}),
      dense_hits AS (
        SELECT g.first_label + d.ordinal AS label, 1 - d.distance AS score, d.content_key, d.ordinal, g.article_id
        FROM dense d ${probed('d.content_key')} ORDER BY d.distance, label LIMIT $2
      ),
      lexical_stream AS (
        SELECT g.first_label + l.ordinal AS label, l.score, l.content_key, l.ordinal, g.article_id
        FROM (SELECT content_key, ordinal, score FROM lexical ORDER BY score DESC LIMIT $2::int * ${STALE_ROOM} + ${TIE_SLACK}) AS l
        ${probed('l.content_key')}
        LIMIT $2::int + ${TIE_SLACK}
      ),
      lexical_hits AS (
        SELECT label, score, content_key, ordinal, article_id FROM lexical_stream ORDER BY score DESC, label LIMIT $2
      ),
      wanted AS (
        SELECT label, content_key, ordinal, article_id FROM dense_hits UNION SELECT label, content_key, ordinal, article_id FROM lexical_hits
      )
      SELECT 'd' AS list, label, score, NULL::text AS article_id, NULL::int AS ordinal, NULL::int AS start_char, NULL::int AS end_char, NULL::text AS heading,
             NULL::text AS text, NULL::int AS sentence_start, NULL::int AS sentence_end, NULL::int AS token_count, NULL::text AS embedding FROM dense_hits
      UNION ALL
      SELECT 'l', label, score, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM lexical_hits
      UNION ALL
      SELECT 'p', w.label, NULL, w.article_id, c.ordinal, c.start_char, c.end_char, c.heading, substr(a.text, c.text_from, c.text_length),
             c.sentence_start, c.sentence_end, c.token_count, c.embedding::text
      FROM wanted w
      JOIN ${n.t('chunk')} c ON c.content_key = w.content_key AND c.ordinal = w.ordinal
      JOIN ${n.t('article_content')} a ON a.key = w.content_key`;
    return { sql, params };
  }

  async articleViews(requests: readonly ArticleRequest[]): Promise<ArticleView[]> {
    const known = requests.filter((request) => this.byId.has(request.id));
    if (known.length === 0) return [];
    const n = this.names;
    const { rows } = await this.pool.query<ViewRow>(
      `SELECT r.ord, ga.meta, a.text, a.blocks, a.sentences, a.headings,
              (SELECT json_agg(json_build_array(c.ordinal, c.start_char, c.end_char, c.heading, c.sentence_start, c.sentence_end, c.token_count, c.digest) ORDER BY c.ordinal)
                 FROM ${n.t('chunk')} c WHERE c.content_key = ga.content_key) AS chunks,
              (SELECT json_agg(json_build_array(s.idx, s.embedding::text))
                 FROM ${n.t('sentence')} s WHERE s.content_key = ga.content_key AND (r.every OR s.idx = ANY(r.wanted::int[]))) AS vectors,
              (SELECT array_agg(DISTINCT ct.term) FROM ${n.t('chunk_term')} ct
                 WHERE ct.content_key = ga.content_key AND ct.term = ANY(ARRAY(SELECT jsonb_array_elements_text(r.terms::jsonb)))) AS held
       FROM unnest($2::text[], $3::boolean[], $4::text[], $5::text[]) WITH ORDINALITY AS r(id, every, wanted, terms, ord)
       JOIN ${n.t('generation_article')} ga ON ga.generation_id = $1 AND ga.article_id = r.id
       JOIN ${n.t('article_content')} a ON a.key = ga.content_key
       ORDER BY r.ord`,
      [
        this.generation.id,
        known.map((request) => request.id),
        known.map((request) => request.sentences === undefined),
        known.map((request) => `{${(request.sentences ?? []).filter((i) => Number.isInteger(i)).join(',')}}`),
        known.map((request) => JSON.stringify(request.terms ?? [])),
      ],
    );
    return rows.map((row) => this.viewOfRow(row));
  }

  async liveGeneration(): Promise<string | undefined> {
    return liveGenerationOf(this.pool, this.names);
  }

  watch(onChange: (generationId: string) => void): () => void {
    const stop = watchGeneration({
      url: this.options.url,
      names: this.names,
      live: () => this.liveGeneration(),
      current: this.generation.id,
      onChange,
      ...(this.options.pollMs === undefined ? {} : { pollMs: this.options.pollMs }),
    });
    this.stopWatching.add(stop);
    return () => {
      this.stopWatching.delete(stop);
      stop();
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const stop of this.stopWatching) stop();
    this.stopWatching.clear();
    await this.pool.end();
  }

  private viewOfRow(row: ViewRow): ArticleView {
    const meta = row.meta;
    const blocks: Block[] = [];
    for (let i = 0; i < row.blocks.length; i += 3) blocks.push({ kind: BLOCK_KINDS[row.blocks[i]!]!, start: row.blocks[i + 1]!, end: row.blocks[i + 2]! });
    const sentences: Sentence[] = [];
    for (let i = 0; i < row.sentences.length; i += 4) {
      const sentence: Sentence = { start: row.sentences[i]!, end: row.sentences[i + 1]!, index: i / 4 };
      const heading = row.sentences[i + 3]!;
      if (heading >= 0) sentence.heading = row.headings[heading]!;
      sentence.kinds = row.sentences[i + 2]!;
      sentences.push(sentence);
    }
    const article: StoredArticle = { ...meta, text: row.text, blocks, sentences };
    const digests = new Map<number, number>();
    const chunks: Chunk[] = (row.chunks ?? []).map(([ordinal, start, end, heading, sentenceStart, sentenceEnd, tokenCount, digest]) => {
      digests.set(ordinal, digest);
      return {
        id: `${meta.id}#${ordinal}`,
        articleId: meta.id,
        ordinal,
        start,
        end,
        ...(heading === null ? {} : { heading }),
        text: row.text.slice(start, end),
        sentenceStart,
        sentenceEnd,
        tokenCount,
      };
    });
    const sentenceVectors = new Map<number, Float32Array>();
    for (const [index, text] of row.vectors ?? []) sentenceVectors.set(index, parseVector(text, this.dimensions));
    return {
      article,
      chunks,
      sentenceVectors,
      heldTerms: new Set(row.held ?? []),
      passageIntact: (chunk) => chunk.articleId === meta.id && digests.get(chunk.ordinal) === passageDigest(chunk.text),
    };
  }
}

interface SearchRow {
  list: 'd' | 'l' | 'p';
  label: number;
  score: number | null;
  article_id: string | null;
  ordinal: number | null;
  start_char: number | null;
  end_char: number | null;
  heading: string | null;
  text: string | null;
  sentence_start: number | null;
  sentence_end: number | null;
  token_count: number | null;
  embedding: string | null;
}

interface ViewRow {
  ord: string;
  meta: ArticleMeta;
  text: string;
  blocks: number[];
  sentences: number[];
  headings: string[];
  chunks: [number, number, number, string | null, number, number, number, number][] | null;
  vectors: [number, string][] | null;
  /** Which of the request's terms the article's chunks hold (null: none). */
  held: string[] | null;
}

function chunkOfRow(row: SearchRow): Chunk {
  const articleId = row.article_id!;
  return {
    id: `${articleId}#${row.ordinal!}`,
    articleId,
    ordinal: row.ordinal!,
    start: row.start_char!,
    end: row.end_char!,
    ...(row.heading === null ? {} : { heading: row.heading }),
    text: row.text!,
    sentenceStart: row.sentence_start!,
    sentenceEnd: row.sentence_end!,
    tokenCount: row.token_count!,
  };
}

/** A text's words OR-ed as a tsquery (each word a plain lexeme: letters and digits only), or undefined when it has none. */
function ftsQueryOf(text: string): string | undefined {
  const lexemes = [...new Set(words(text).map((word) => word.replace(/[^\p{L}\p{N}]/gu, '')).filter((word) => word.length > 0))];
  return lexemes.length === 0 ? undefined : lexemes.join(' | ');
}

async function liveGenerationOf(pool: pg.Pool, names: Names): Promise<string | undefined> {
  const { rows } = await pool.query<{ generation_id: string }>(`SELECT generation_id FROM ${names.t('live')}`);
  return rows[0]?.generation_id;
}
