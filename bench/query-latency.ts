/**
 * Warm question latency (AnswerEngine.ask: question embedding, hybrid retrieval, sentence scoring
 * and quote selection) on the seed index and on indexes of ~10k and (--full) ~100k chunks. The
 * large indexes are generated articles with synthetic vectors (see lib/synthetic.ts): the text,
 * chunking, lexical index, HNSW graph and the question embeddings are real; only the chunk and
 * sentence vectors are derived from real sentence embeddings instead of computed by the model.
 */
import { devQuestions, seedIndex, served, squadQuestions, syntheticIndex } from './lib/fixtures.js';
import { fmt, table } from './lib/table.js';
import type { BenchContext, Benchmark, Target } from './lib/types.js';
import type { ServeResult } from './workers.js';

export interface ServedIndex {
  name: string;
  synthetic: boolean;
  result: ServeResult;
}

/** The serve runs this benchmark and the memory benchmark share. */
export async function servedIndexes(context: BenchContext): Promise<ServedIndex[]> {
  const dev = (await devQuestions()).map((q) => q.q);
  const squad = await squadQuestions(context.full ? 200 : 100);
  const out: ServedIndex[] = [];
  out.push({ name: 'seed', synthetic: false, result: (await served(context, 'seed', await seedIndex(context), dev, context.full ? 10 : 5)).result });
  out.push({ name: '10k', synthetic: true, result: (await served(context, '10k', await syntheticIndex(context, 10_000), [...dev, ...squad], 2)).result });
  if (context.full) {
    out.push({ name: '100k', synthetic: true, result: (await served(context, '100k', await syntheticIndex(context, 100_000), [...dev, ...squad], 2)).result });
  }
  return out;
}

export const queryLatency: Benchmark = {
  name: 'query-latency',
  title: 'Query latency',
  run: async (context) => {
    const runs = await servedIndexes(context);
    const rows = runs.map(({ name, synthetic, result: r }) => [
      `${name}${synthetic ? ' (synthetic vectors)' : ''}`,
      `${r.chunks.toLocaleString('en-US')} / ${r.sentences.toLocaleString('en-US')}`,
      String(r.latencyMs.total.n),
      fmt(r.latencyMs.total.p50, 1),
      fmt(r.latencyMs.total.p95, 1),
      fmt(r.latencyMs.total.p99, 1),
      `${fmt(r.latencyMs.embed.p50, 1)} / ${fmt(r.latencyMs.search.p50, 1)} / ${fmt(r.latencyMs.select.p50, 1)}`,
      `${fmt(r.latencyMs.embed.p95, 1)} / ${fmt(r.latencyMs.search.p95, 1)} / ${fmt(r.latencyMs.select.p95, 1)}`,
    ]);
    const seed = runs.find((r) => r.name === 'seed')!.result;
    const big = runs.find((r) => r.name === '100k')?.result;
    const targets: Target[] = [
      { name: 'query p50, seed index', goal: '≤ 30 ms', value: `${fmt(seed.latencyMs.total.p50, 1)} ms`, met: seed.latencyMs.total.p50 <= 30 },
      big
        ? { name: 'query p95, 100k chunks', goal: '≤ 50 ms', value: `${fmt(big.latencyMs.total.p95, 1)} ms`, met: big.latencyMs.total.p95 <= 50 }
        : { name: 'query p95, 100k chunks', goal: '≤ 50 ms', value: 'run with --full', met: null },
    ];
    const markdown = [
      table(['index', 'chunks / sentences', 'asks', 'p50 ms', 'p95 ms', 'p99 ms', 'p50 embed / search / select ms', 'p95 embed / search / select ms'], rows),
      '',
      'Questions: the dev questions on the seed index; the dev questions plus a fixed sample of SQuAD questions (the topics of the generated articles) on the larger ones. ' +
        'One warm-up pass, then measured passes; each ask in the same process, one at a time.',
    ].join('\n');
    return { name: 'query-latency', title: 'Query latency', data: runs, markdown, targets };
  },
};
