/**
 * HNSW recall@10 against exact search, and the latency each efSearch costs, for the parameters
 * the index uses (DEFAULT_HNSW) — at 10k vectors (real sentence embeddings of the seed articles'
 * and SQuAD's sentences) and, with --full, 100k vectors (chunk-like mixtures of 2–4 real
 * embeddings of sentences of the same paragraph, slightly perturbed; see lib/synthetic.ts).
 * Queries are real embeddings of SQuAD questions. With --full, also a small M / efConstruction grid at 10k.
 */
import hnswlib from 'hnswlib-node';
import { LocalEmbeddings } from '../src/embedding/embedder.js';
import { DEFAULT_HNSW, type HnswParams } from '../src/index/hnsw-store.js';
import { modelOptions } from './lib/env.js';
import { poolVectors, squadQuestions } from './lib/fixtures.js';
import { cachedEmbeddings, loadPool } from './lib/pool.js';
import { exactTopK, meanRecall } from './lib/recall.js';
import { summarize } from './lib/stats.js';
import { mixtureVectors } from './lib/synthetic.js';
import { fmt, table } from './lib/table.js';
import type { BenchContext, Benchmark, Target } from './lib/types.js';

const K = 10;
const EF_SEARCH = [10, 20, 40, 60, 100, 150, 200, 400];

interface EfRow {
  efSearch: number;
  recall: number;
  p50us: number;
  p95us: number;
}

interface GraphResult {
  set: string;
  vectors: number;
  params: Omit<HnswParams, 'efSearch'>;
  buildSeconds: number;
  rows: EfRow[];
}

export const hnswRecall: Benchmark = {
  name: 'hnsw-recall',
  title: 'HNSW recall@10 vs exact search',
  run: async (context) => {
    const embeddings = await LocalEmbeddings.load(modelOptions(true));
    const dims = embeddings.dimensions;
    const pool = await loadPool();
    const vectors = await poolVectors(context);
    // Distinct texts only: duplicate sentences have identical vectors, and ties make "the" top 10 ambiguous.
    const seen = new Set<string>();
    const distinct: number[] = [];
    pool.sentences.forEach((s, i) => {
      if (!seen.has(s)) {
        seen.add(s);
        distinct.push(i);
      }
    });
    const n10k = Math.min(10_000, distinct.length);
    const base10k = new Float32Array(n10k * dims);
    for (let i = 0; i < n10k; i++) base10k.set(vectors.subarray(distinct[i]! * dims, (distinct[i]! + 1) * dims), i * dims);
    const questionTexts = await squadQuestions(context.full ? 1000 : 400, 5);
    const queries = await cachedEmbeddings('squad-questions', questionTexts, embeddings, context.log);

    const graphs: GraphResult[] = [];
    const params = { m: DEFAULT_HNSW.m, efConstruction: DEFAULT_HNSW.efConstruction };
    graphs.push(measure(context, `${n10k.toLocaleString('en-US')} real sentence embeddings`, base10k, dims, queries, params));
    if (context.full) {
      for (const m of [8, 16, 32]) {
        for (const efConstruction of [100, 200]) {
          if (m === params.m && efConstruction === params.efConstruction) continue;
          graphs.push(measure(context, `${n10k.toLocaleString('en-US')} real sentence embeddings`, base10k, dims, queries, { m, efConstruction }, [40, 100, 200]));
        }
      }
      const base100k = mixtureVectors(vectors, dims, pool.paragraphs, 100_000, 99);
      graphs.push(measure(context, '100,000 mixtures of real embeddings', base100k, dims, queries.subarray(0, 300 * dims), params));
    }

    const at = (g: GraphResult | undefined) => g?.rows.find((r) => r.efSearch === DEFAULT_HNSW.efSearch);
    const g10k = at(graphs[0]);
    const g100k = at(graphs.find((g) => g.vectors === 100_000));
    const targets: Target[] = [
      { name: `HNSW recall@10, 10k (efSearch ${DEFAULT_HNSW.efSearch})`, goal: '≥ 0.98', value: fmt(g10k!.recall, 4), met: g10k!.recall >= 0.98 },
      g100k
        ? { name: `HNSW recall@10, 100k (efSearch ${DEFAULT_HNSW.efSearch})`, goal: '≥ 0.98', value: fmt(g100k.recall, 4), met: g100k.recall >= 0.98 }
        : { name: `HNSW recall@10, 100k (efSearch ${DEFAULT_HNSW.efSearch})`, goal: '≥ 0.98', value: 'run with --full', met: null },
    ];
    const main = graphs.filter((g) => g.params.m === params.m && g.params.efConstruction === params.efConstruction);
    const markdown = [
      `M ${params.m}, efConstruction ${params.efConstruction} (DEFAULT_HNSW; the index uses efSearch ${DEFAULT_HNSW.efSearch}), cosine, k = ${K}; queries: real embeddings of SQuAD questions (${questionTexts.length} at 10k, 300 at 100k).`,
      '',
      table(
        ['efSearch', ...main.map((g) => `${g.set}: recall@10`), ...main.map((g) => `${g.vectors / 1000}k p50 / p95 µs`)],
        EF_SEARCH.map((ef) => [
          String(ef),
          ...main.map((g) => fmt(g.rows.find((r) => r.efSearch === ef)?.recall ?? Number.NaN, 4)),
          ...main.map((g) => {
            const r = g.rows.find((x) => x.efSearch === ef);
            return r ? `${fmt(r.p50us, 0)} / ${fmt(r.p95us, 0)}` : '–';
          }),
        ]),
      ),
      '',
      `Graph build: ${main.map((g) => `${g.vectors.toLocaleString('en-US')} vectors in ${fmt(g.buildSeconds, 1)} s`).join('; ')} (hnswlib-node, one thread).`,
      ...(graphs.length > main.length
        ? [
            '',
            'Other M / efConstruction at 10k (recall@10 at efSearch 40 / 100 / 200; build s):',
            '',
            table(
              ['M', 'efConstruction', 'recall@10 (ef 40 / 100 / 200)', 'p50 µs (ef 100)', 'build s'],
              graphs
                .filter((g) => g.vectors !== 100_000)
                .map((g) => [
                  String(g.params.m),
                  String(g.params.efConstruction),
                  [40, 100, 200].map((ef) => fmt(g.rows.find((r) => r.efSearch === ef)!.recall, 4)).join(' / '),
                  fmt(g.rows.find((r) => r.efSearch === 100)!.p50us, 0),
                  fmt(g.buildSeconds, 1),
                ]),
            ),
          ]
        : []),
    ].join('\n');
    return { name: 'hnsw-recall', title: 'HNSW recall@10 vs exact search', data: graphs, markdown, targets };
  },
};

function measure(
  context: BenchContext,
  set: string,
  base: Float32Array,
  dims: number,
  queries: Float32Array,
  params: Omit<HnswParams, 'efSearch'>,
  efs: readonly number[] = EF_SEARCH,
): GraphResult {
  const n = base.length / dims;
  const q = queries.length / dims;
  context.log(`HNSW: ${n} vectors (${set}), M ${params.m}, efConstruction ${params.efConstruction}; exact top-${K} for ${q} queries`);
  const queryRows = Array.from({ length: q }, (_, i) => queries.subarray(i * dims, (i + 1) * dims));
  const exact = queryRows.map((v) => exactTopK(base, dims, v, K));
  const index = new hnswlib.HierarchicalNSW('cosine', dims);
  const started = performance.now();
  index.initIndex(n, params.m, params.efConstruction, 100);
  for (let i = 0; i < n; i++) index.addPoint(Array.from(base.subarray(i * dims, (i + 1) * dims)), i);
  const buildSeconds = (performance.now() - started) / 1000;
  const queryArrays = queryRows.map((v) => Array.from(v));
  const rows: EfRow[] = efs.map((ef) => {
    index.setEf(ef);
    const times: number[] = [];
    const found: number[][] = [];
    for (const query of queryArrays) {
      const t = performance.now();
      const result = index.searchKnn(query, K);
      times.push((performance.now() - t) * 1000);
      found.push(result.neighbors);
    }
    const s = summarize(times, 0);
    return { efSearch: ef, recall: Math.round(meanRecall(found, exact) * 10_000) / 10_000, p50us: s.p50, p95us: s.p95 };
  });
  return { set, vectors: n, params, buildSeconds: Math.round(buildSeconds * 10) / 10, rows };
}
