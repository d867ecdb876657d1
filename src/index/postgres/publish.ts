/**
 * Publishes a file generation (built by `npm run index` as ever) into PostgreSQL and makes it live:
 *
 * 1. under the publish lock (lock.ts; a caller that built under it passes it in);
 * 2. the content the database does not hold yet is inserted (the vector index made after the first load), article by article: an article is
 *    stored by its content key (its content hash and what turns content into records), so an
 *    article unchanged since any kept generation is not inserted again — "incremental by content
 *    hash"; each batch of articles in one transaction;
 * 3. the generation (its articles, lexical statistics and vocabulary) in one transaction; VACUUM (ANALYZE);
 * 4. the switch in ONE transaction: `live` points at the new generation (the old live one becomes
 *    `previous`, the rollback point) and `pg_notify` tells the readers, delivered at commit;
 * 5. prune: generations other than the live and the previous one, then content no generation holds.
 *
 * Anything failing before 4 leaves the live generation serving (content inserted by a failed
 * publish is unreferenced and the next prune removes it). Publishing a generation already in the
 * database only switches to it.
 */
import path from 'node:path';
import type pg from 'pg';
import { IndexError } from '../../core/errors.js';
import { sha256 } from '../../core/hash.js';
import { closeGeneration, readGeneration, type Generation } from '../generation/reader.js';
import { chunkLabels, readArticle, sentenceRows } from '../generation/records.js';
import { BLOCK_KINDS, CHUNK } from '../generation/schema.js';
import type { Manifest } from '../manifest.js';
import { inTransaction, type Names } from './database.js';
import { readLexicalFile, readVocabularyFile, type LexicalFile } from './lexical-file.js';
import { postingImpact } from './lexical-query.js';
import { PublishLock } from './lock.js';
import { GENERATION_CHANNEL, notificationPayload } from './notify.js';
import { chunkTsvector, ensureVectorIndex, migrate, VECTOR_DIMENSIONS } from './schema.js';
import { vectorLiteral } from './vector-text.js';

/** Articles per content transaction. */
const BATCH_ARTICLES = 50;

export interface PublishOptions {
  /** The lock, when the caller took it before building; otherwise publish takes (and releases) its own. */
  lock?: PublishLock;
  /** Called after the content and the generation are in, just before the switch (tests make it fail). */
  beforeSwitch?: () => Promise<void> | void;
}

export interface PublishSummary {
  generation: string;
  /** Whether the generation was already in the database (then only the switch ran). */
  alreadyPublished: boolean;
  articles: number;
  /** Articles whose content was inserted, and whose content was already there. */
  inserted: { articles: number; chunks: number; sentences: number; postings: number };
  reused: number;
  previous: string | undefined;
  pruned: { generations: number; contents: number };
  ms: number;
  /** Where the time went: inserting content, making the vector index (first publish), the generation, the switch, the prune. */
  phases: { contentMs: number; vectorIndexMs: number; generationMs: number; switchMs: number; pruneMs: number };
}

/** What makes two articles' stored records the same: their content and what turns content into records. */
export function contentKey(manifest: Manifest, contentHash: string, title: string): string {
  const { pipelineVersion, model, chunking, sentenceVectors } = manifest;
  return sha256(JSON.stringify([contentHash, title, pipelineVersion, model.id, model.quantized, chunking, sentenceVectors ?? 'separate']));
}

/** Publishes the generation in `generationDir` and makes it live. */
export async function publishGeneration(pool: pg.Pool, names: Names, generationDir: string, options: PublishOptions = {}): Promise<PublishSummary> {
  const started = performance.now();
  await migrate(pool, names);
  const lock = options.lock ?? (await PublishLock.acquire(pool, names));
  try {
    const generation = await readGeneration(generationDir);
    try {
      const id = path.basename(generationDir);
      if (generation.manifest.model.dimensions !== VECTOR_DIMENSIONS) {
        throw new IndexError(`The index has ${generation.manifest.model.dimensions}-dimensional vectors; the PostgreSQL store holds ${VECTOR_DIMENSIONS}.`);
      }
      const exists = await pool.query(`SELECT 1 FROM ${names.t('generation')} WHERE id = $1`, [id]);
      const alreadyPublished = exists.rowCount === 1;
      let inserted = { articles: 0, chunks: 0, sentences: 0, postings: 0 };
      let reused = 0;
      const marks = [performance.now()];
      if (!alreadyPublished) {
        ({ inserted, reused } = await insertContent(pool, names, generation, generationDir));
        marks.push(performance.now());
        await ensureVectorIndex(pool, names);
        marks.push(performance.now());
        await insertGeneration(pool, names, generation, generationDir, id);
        // Fresh statistics before readers plan against the new rows (PGlite has no autovacuum; on a server it may not
        // have run yet): without them the lexical side was planned as a loop over the generation's articles, 2–4× slower.
        // VACUUM marks the new pages all-visible, so the lexical search reads postings from chunk_term_impact alone
        // (an index-only scan; before, every posting was also fetched from the table: 5× slower at 100k chunks). It
        // skips pages already all-visible, so an incremental publish vacuums what it inserted.
        await pool.query(`VACUUM (ANALYZE) ${['article_content', 'chunk', 'sentence', 'chunk_term', 'generation_article'].map((table) => names.t(table)).join(', ')}`);
        marks.push(performance.now());
      } else {
        marks.push(marks[0]!, marks[0]!, marks[0]!);
      }
      await options.beforeSwitch?.();
      const previous = await switchLive(pool, names, id);
      marks.push(performance.now());
      const pruned = await prune(pool, names);
      marks.push(performance.now());
      const span = (i: number) => Math.round(marks[i + 1]! - marks[i]!);
      const phases = { contentMs: span(0), vectorIndexMs: span(1), generationMs: span(2), switchMs: span(3), pruneMs: span(4) };
      return { generation: id, alreadyPublished, articles: generation.manifest.counts.articles, inserted, reused, previous, pruned, ms: performance.now() - started, phases };
    } finally {
      closeGeneration(generation);
    }
  } finally {
    if (options.lock === undefined) await lock.release();
  }
}

/** Inserts the content the database lacks; returns what it inserted and how many articles it found there. */
async function insertContent(
  pool: pg.Pool,
  names: Names,
  generation: Generation,
  dir: string,
): Promise<{ inserted: PublishSummary['inserted']; reused: number }> {
  const { manifest, tables } = generation;
  const keys = tables.catalog.map((article) => contentKey(manifest, article.contentHash, article.title));
  const present = new Set(
    (await pool.query<{ key: string }>(`SELECT key FROM ${names.t('article_content')} WHERE key = ANY($1::text[])`, [keys])).rows.map((row) => row.key),
  );
  // Rows whose content is to be inserted (each key once).
  const rows: number[] = [];
  const queued = new Set<string>();
  keys.forEach((key, row) => {
    if (present.has(key) || queued.has(key)) return;
    queued.add(key);
    rows.push(row);
  });
  const wantedLabels = new Uint8Array(manifest.counts.chunks);
  for (const row of rows) {
    const { first, count } = chunkLabels(tables, row);
    wantedLabels.fill(1, first, first + count);
  }
  const lexical = await readLexicalFile(dir, (label) => wantedLabels[label] === 1);
  const inserted = { articles: 0, chunks: 0, sentences: 0, postings: 0 };
  for (let i = 0; i < rows.length; i += BATCH_ARTICLES) {
    const batch = rows.slice(i, i + BATCH_ARTICLES);
    await inTransaction(pool, async (client) => {
      for (const row of batch) {
        const counts = await insertArticle(client, names, generation, lexical, row, keys[row]!);
        inserted.articles++;
        inserted.chunks += counts.chunks;
        inserted.sentences += counts.sentences;
        inserted.postings += counts.postings;
      }
    });
  }
  return { inserted, reused: keys.length - rows.length };
}

async function insertArticle(
  client: pg.PoolClient,
  names: Names,
  generation: Generation,
  lexical: LexicalFile,
  row: number,
  key: string,
): Promise<{ chunks: number; sentences: number; postings: number }> {
  const { tables } = generation;
  const { article, chunks } = readArticle(tables, row);
  const headings: string[] = [];
  const headingId = (heading: string | undefined): number => {
    if (heading === undefined) return -1;
    const at = headings.indexOf(heading);
    return at >= 0 ? at : headings.push(heading) - 1;
  };
  const blocks = article.blocks.flatMap((block) => [BLOCK_KINDS.indexOf(block.kind), block.start, block.end]);
  const sentences = article.sentences.flatMap((sentence) => [sentence.start, sentence.end, sentence.kinds ?? 0, headingId(sentence.heading)]);
  await client.query(
    `INSERT INTO ${names.t('article_content')} (key, text, blocks, sentences, headings, sentence_count, chunk_count) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [key, article.text, blocks, sentences, headings, article.sentences.length, chunks.length],
  );

  const { first } = chunkLabels(tables, row);
  const chunkVectors = generation.chunkVectors.rows(first, first + chunks.length);
  const characters = characterOffsets(article.text);
  const chunkColumns: unknown[][] = [[], [], [], [], [], [], [], [], [], [], []];
  const termColumns: unknown[][] = [[], [], [], [], []];
  chunks.forEach((chunk, ordinal) => {
    const label = first + ordinal;
    const from = characters(chunk.start);
    const values = [
      ordinal,
      chunk.start,
      chunk.end,
      from + 1,
      characters(chunk.end) - from,
      chunk.sentenceStart,
      chunk.sentenceEnd,
      chunk.tokenCount,
      tables.chunks[label * CHUNK.width + CHUNK.digest]!,
      chunk.heading ?? null,
      vectorLiteral(chunkVectors.subarray(ordinal * VECTOR_DIMENSIONS, (ordinal + 1) * VECTOR_DIMENSIONS)),
    ];
    values.forEach((value, column) => chunkColumns[column]!.push(value));
    const postings = lexical.postingsOf(label);
    postings.terms.forEach((term, p) => {
      termColumns[0]!.push(lexical.statistics.terms[term]!);
      termColumns[1]!.push(ordinal);
      termColumns[2]!.push(postings.tfs[p]!);
      termColumns[3]!.push(lexical.lengths[label]!);
      termColumns[4]!.push(postingImpact(postings.tfs[p]!, lexical.lengths[label]!, lexical.statistics.averageLength));
    });
  });
  if (chunks.length > 0) {
    await client.query(
      `INSERT INTO ${names.t('chunk')} (content_key, ordinal, start_char, end_char, text_from, text_length, sentence_start, sentence_end, token_count, digest, heading, embedding, fts)
       SELECT $1, o, s, e, f, l, ss, se, tc, d, h, v::vector, ${chunkTsvector('$14::text', 'h', 'substr($13::text, f, l)')}
       FROM unnest($2::int[], $3::int[], $4::int[], $5::int[], $6::int[], $7::int[], $8::int[], $9::int[], $10::int[], $11::text[], $12::text[]) AS u(o, s, e, f, l, ss, se, tc, d, h, v)`,
      [key, ...chunkColumns, article.text, article.title],
    );
  }
  if (termColumns[0]!.length > 0) {
    await client.query(
      `INSERT INTO ${names.t('chunk_term')} (term, content_key, ordinal, tf, length, impact)
       SELECT t, $1, o, tf, l, i FROM unnest($2::text[], $3::int[], $4::int[], $5::real[], $6::real[]) AS u(t, o, tf, l, i)`,
      [key, ...termColumns],
    );
  }
  const { first: firstSentence, count } = sentenceRows(tables, row);
  if (count > 0) {
    const vectors = generation.sentenceVectors.rows(firstSentence, firstSentence + count);
    const literals: string[] = [];
    for (let s = 0; s < count; s++) literals.push(vectorLiteral(vectors.subarray(s * VECTOR_DIMENSIONS, (s + 1) * VECTOR_DIMENSIONS)));
    await client.query(
      `INSERT INTO ${names.t('sentence')} (content_key, idx, embedding) SELECT $1, i - 1, v::vector FROM unnest($2::text[]) WITH ORDINALITY AS u(v, i)`,
      [key, literals],
    );
  }
  return { chunks: chunks.length, sentences: count, postings: termColumns[0]!.length };
}

/** The character (code point) offset of a UTF-16 offset in `text` (substr counts characters). */
function characterOffsets(text: string): (utf16: number) => number {
  if (!/[\uD800-\uDBFF]/.test(text)) return (utf16) => utf16;
  const map = new Int32Array(text.length + 1);
  let characters = 0;
  for (let i = 0; i < text.length; i++) {
    map[i] = characters;
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      map[++i] = characters;
    }
    characters++;
  }
  map[text.length] = characters;
  return (utf16) => map[utf16]!;
}

async function insertGeneration(pool: pg.Pool, names: Names, generation: Generation, dir: string, id: string): Promise<void> {
  const { manifest, tables } = generation;
  const lexical = await readLexicalFile(dir, () => false);
  const vocabulary = await readVocabularyFile(dir);
  await inTransaction(pool, async (client) => {
    await client.query(`INSERT INTO ${names.t('generation')} (id, built_at, manifest, lexical, vocabulary) VALUES ($1, $2, $3, $4, $5)`, [
      id,
      manifest.builtAt,
      JSON.stringify(manifest),
      JSON.stringify(lexical.statistics),
      JSON.stringify(vocabulary),
    ]);
    const columns: unknown[][] = [[], [], [], [], [], []];
    tables.catalog.forEach((article, row) => {
      const { first, count } = chunkLabels(tables, row);
      const values = [row, article.id, contentKey(manifest, article.contentHash, article.title), JSON.stringify(article), first, count];
      values.forEach((value, column) => columns[column]!.push(value));
    });
    await client.query(
      `INSERT INTO ${names.t('generation_article')} (generation_id, row, article_id, content_key, meta, first_label, chunk_count)
       SELECT $1, r, a, k, m::jsonb, f, c FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::int[], $7::int[]) AS u(r, a, k, m, f, c)`,
      [id, ...columns],
    );
  });
}

/** Makes generation `id` live in one transaction (and tells the readers); returns the generation it replaced. */
export async function switchLive(pool: pg.Pool, names: Names, id: string): Promise<string | undefined> {
  return inTransaction(pool, async (client) => {
    const current = await client.query<{ generation_id: string }>(`SELECT generation_id FROM ${names.t('live')} FOR UPDATE`);
    const old = current.rows[0]?.generation_id;
    if (old === undefined) {
      await client.query(`INSERT INTO ${names.t('live')} (singleton, generation_id) VALUES (true, $1)`, [id]);
    } else if (old !== id) {
      await client.query(`UPDATE ${names.t('live')} SET generation_id = $1, previous_id = $2, switched_at = now()`, [id, old]);
    }
    await client.query('SELECT pg_notify($1, $2)', [GENERATION_CHANNEL, notificationPayload(names, id)]);
    return old === id ? undefined : old;
  });
}

/** Removes generations other than the live and previous ones, then content no generation holds. */
export async function prune(pool: pg.Pool, names: Names): Promise<{ generations: number; contents: number }> {
  return inTransaction(pool, async (client) => {
    const generations = await client.query(
      `DELETE FROM ${names.t('generation')} g WHERE NOT EXISTS (SELECT 1 FROM ${names.t('live')} l WHERE g.id = l.generation_id OR g.id = l.previous_id)`,
    );
    const contents = await client.query(
      `DELETE FROM ${names.t('article_content')} c WHERE NOT EXISTS (SELECT 1 FROM ${names.t('generation_article')} ga WHERE ga.content_key = c.key)`,
    );
    return { generations: generations.rowCount ?? 0, contents: contents.rowCount ?? 0 };
  });
}
