/**
 * Which lexical side answers better in the PostgreSQL store: the file store's BM25 (over the same
 * postings, the default) or PostgreSQL's full-text search (to_tsvector('english'), ts_rank; the
 * store's `lexical: 'fts'`). Measured as the share of questions with a passage holding an expected
 * answer among the first k lexical hits, and among the first k of the hybrid list (RRF of dense and
 * lexical, as the engine fuses them): on the seed corpus's dev questions (those with a source) and a
 * seeded SQuAD sample (its first articles, indexed with the real model).
 */
import { LocalEmbeddings } from '../src/embedding/embedder.js';
import { currentGeneration } from '../src/index/layout.js';
import { Names, openPool } from '../src/index/postgres/database.js';
import { PostgresStore } from '../src/index/postgres/postgres-store.js';
import { publishGeneration } from '../src/index/postgres/publish.js';
import type { ScoredLabel, SearchResult } from '../src/index/store.js';
import { startPglite } from './lib/pglite-server.js';
import { runWorker } from './lib/child.js';
import { modelOptions } from './lib/env.js';
import { devQuestions, seedIndex, squadCorpus, type DevQuestion } from './lib/fixtures.js';
import { fmt, table } from './lib/table.js';
import type { Benchmark } from './lib/types.js';
import type { BuildArgs, BuildResult } from './workers.js';

const DEPTH = 30;
const KS = [1, 5, 10] as const;

interface Scores {
  questions: number;
  lexical: Record<number, number>;
  hybrid: Record<number, number>;
}

function fuse(dense: readonly ScoredLabel[], lexical: readonly ScoredLabel[]): number[] {
  const scores = new Map<number, number>();
  for (const list of [dense, lexical]) list.forEach((hit, rank) => scores.set(hit.label, (scores.get(hit.label) ?? 0) + 1 / (60 + rank + 1)));
  return [...scores].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([label]) => label);
}

function holdsAnswer(result: SearchResult, labels: readonly number[], k: number, expect: readonly string[]): boolean {
  return labels.slice(0, k).some((label) => {
    const text = result.passages.get(label)!.chunk.text.toLowerCase();
    return expect.some((phrase) => text.includes(phrase.toLowerCase()));
  });
}

async function score(store: PostgresStore, questions: readonly DevQuestion[], vectors: readonly Float32Array[]): Promise<Scores> {
  const out: Scores = { questions: questions.length, lexical: {}, hybrid: {} };
  for (const k of KS) out.lexical[k] = out.hybrid[k] = 0;
  for (let i = 0; i < questions.length; i++) {
    const { q, expect } = questions[i]!;
    const result = await store.search({ vector: vectors[i]!, text: q, depth: DEPTH });
    const lexical = result.lexical.map((hit) => hit.label);
    const hybrid = fuse(result.dense, result.lexical);
    for (const k of KS) {
      if (holdsAnswer(result, lexical, k, expect)) out.lexical[k]!++;
      if (holdsAnswer(result, hybrid, k, expect)) out.hybrid[k]!++;
    }
  }
  return out;
}

export const pgLexical: Benchmark = {
  name: 'pg-lexical',
  title: 'PostgreSQL store: BM25 or full-text search',
  run: async (context) => {
    const embeddings = await LocalEmbeddings.load(modelOptions(true));
    const seed = await seedIndex(context);
    const squad = await squadCorpus(context, context.full ? 20 : 8, context.full ? 400 : 200);
    const squadIndexDir = `${squad.corpusDir}/../index`;
    context.log('building the SQuAD sample index');
    await runWorker<BuildResult>('build', { corpusDir: squad.corpusDir, indexDir: squadIndexDir } satisfies BuildArgs);
    const sets = [
      { name: 'seed dev questions', indexDir: seed.indexDir, questions: (await devQuestions()).filter((q) => q.source !== null && q.expect.length > 0) },
      { name: 'SQuAD sample', indexDir: squadIndexDir, questions: squad.questions },
    ];
    const server = await startPglite();
    const rows: string[][] = [];
    const data: unknown[] = [];
    try {
      for (const [i, set] of sets.entries()) {
        const schema = `lexical_${i}`;
        const pool = openPool(server.url, 2);
        await publishGeneration(pool, new Names(schema), (await currentGeneration(set.indexDir))!);
        await pool.end();
        const vectors: Float32Array[] = [];
        for (const q of set.questions) vectors.push(Float32Array.from(await embeddings.embedQuery(q.q)));
        for (const lexical of ['bm25', 'fts'] as const) {
          const store = await PostgresStore.open({ url: server.url, schema, lexical });
          try {
            const s = await score(store, set.questions, vectors);
            data.push({ set: set.name, side: lexical, ...s });
            const pct = (n: number) => `${fmt((100 * n) / s.questions, 1)}%`;
            rows.push([set.name, String(s.questions), lexical === 'bm25' ? 'BM25 (own postings)' : 'full-text (ts_rank)', ...KS.map((k) => pct(s.lexical[k]!)), ...KS.map((k) => pct(s.hybrid[k]!))]);
          } finally {
            await store.close();
          }
        }
      }
    } finally {
      await server.stop();
    }
    const markdown = [
      table(['questions', 'n', 'lexical side', ...KS.map((k) => `lexical @${k}`), ...KS.map((k) => `hybrid @${k}`)], rows),
      '',
      `Share of questions with a passage holding an expected answer among the first k lexical hits, and the first k of the hybrid list (RRF of dense and lexical, depth ${DEPTH}).`,
    ].join('\n');
    return { name: 'pg-lexical', title: 'PostgreSQL store: BM25 or full-text search', data, markdown, targets: [] };
  },
};
