/**
 * Resident memory of a process like the bot: the model loaded, an index open, questions answered
 * (the serve runs of the latency benchmark, each in its own process).
 */
import { fmt, table } from './lib/table.js';
import type { Benchmark, Target } from './lib/types.js';
import { servedIndexes } from './query-latency.js';

export const memory: Benchmark = {
  name: 'memory',
  title: 'Memory',
  run: async (context) => {
    const runs = await servedIndexes(context);
    const rows = runs.map(({ name, synthetic, result: r }) => [
      `${name}${synthetic ? ' (synthetic vectors)' : ''}`,
      r.chunks.toLocaleString('en-US'),
      r.sentences.toLocaleString('en-US'),
      fmt(r.rss.startMB, 0),
      fmt(r.rss.modelMB, 0),
      fmt(r.rss.indexMB, 0),
      fmt(r.rss.afterQuestionsMB, 0),
      fmt(r.rss.peakMB, 0),
      `${fmt(r.heap.usedMB, 0)} / ${fmt(r.heap.arrayBuffersMB, 0)}`,
      `${fmt(r.loadMs.model / 1000, 1)} / ${fmt(r.loadMs.index / 1000, 1)}`,
    ]);
    const big = runs.find((r) => r.name === '100k')?.result;
    const target: Target = big
      ? { name: 'RSS, model + 100k-chunk index', goal: '≤ 800 MB', value: `${fmt(big.rss.afterQuestionsMB, 0)} MB (peak ${fmt(big.rss.peakMB, 0)})`, met: big.rss.afterQuestionsMB <= 800 }
      : { name: 'RSS, model + 100k-chunk index', goal: '≤ 800 MB', value: 'run with --full', met: null };
    const markdown = table(
      ['index', 'chunks', 'sentences', 'RSS at start MB', '+ model MB', '+ index MB', 'after questions MB', 'peak MB', 'JS heap / array buffers MB', 'load model / index s'],
      rows,
    );
    return { name: 'memory', title: 'Memory', data: runs.map(({ name, result }) => ({ name, rss: result.rss, heap: result.heap, loadMs: result.loadMs, chunks: result.chunks, sentences: result.sentences })), markdown, targets: [target] };
  },
};
