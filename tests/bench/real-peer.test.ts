import { describe, expect, it } from 'vitest';
import type { DevQuestion } from '../../bench/lib/fixtures.js';
import { parseGnuTime, parsePeerOutput, PEER_MARKER, staleDependencies, type PeerOutput } from '../../bench/lib/real-peer.js';
import { buildSpeedups, peerSide } from '../../bench/peer.js';

const output: PeerOutput = {
  versions: { '@langchain/community': '1.1.29', 'hnswlib-node': '3.0.0' },
  node: 'v20.20.2',
  settings: { model: 'Xenova/all-MiniLM-L6-v2', dtype: null, batchSize: 512, stripNewLines: true, chunkSize: 1000, chunkOverlap: 200, space: 'cosine', k: 3 },
  files: 2,
  passages: 5,
  modelLoadMs: 900,
  splitMs: 3,
  buildMs: 4000,
  cpuMsToBuildEnd: 7000,
  rssAfterModelMB: 300,
  peakRssAfterBuildMB: 500,
  peakRssMB: 510,
  answers: [
    { ms: 2, sources: ['a_1', 'b_2', 'a_1'] },
    { ms: 4, sources: ['a_1', 'a_1', 'b_2'] },
    { ms: 3, sources: ['b_2'] },
  ],
};

describe("the real peer's output", () => {
  it('is read from the last marker line, whatever else the libraries print', () => {
    const stdout = `dtype not specified\n${PEER_MARKER}{"stale":true}\nnoise\n${PEER_MARKER}${JSON.stringify(output)}\n`;
    expect(parsePeerOutput(stdout)).toEqual(output);
  });

  it('fails plainly without a result line or with one of the wrong form', () => {
    expect(() => parsePeerOutput('nothing here\n')).toThrow(/no result line/);
    const broken = { ...output, answers: [{ ms: '2', sources: [] }] };
    expect(() => parsePeerOutput(`${PEER_MARKER}${JSON.stringify(broken)}\n`)).toThrow(/answers\.0\.ms/);
  });

  it('becomes one side of the comparison: latency of every question, article rank of the answerable ones', () => {
    const questions: DevQuestion[] = [
      { q: 'one', source: 'b', expect: [] },
      { q: 'two', source: 'a', expect: [] },
      { q: 'three', source: null, expect: [] },
    ];
    const side = peerSide('peer', output, questions);
    expect(side.buildSeconds).toBe(4);
    expect(side.peakRssMB).toBe(510);
    expect(side.cpuSeconds).toBe(7);
    expect(side.latencyMs.p50).toBe(3);
    // Ranks 2 and 1 over the two answerable questions.
    expect(side.recallAt1).toBe(0.5);
    expect(side.recallAt5).toBe(1);
    expect(side.mrr).toBeCloseTo(0.75);
    expect(() => peerSide('peer', output, questions.slice(0, 2))).toThrow(/answered 3 of 2/);
  });

  it('gives the build ratio of each peer run over Verbatim', () => {
    const side = (system: string, buildSeconds: number) => ({ ...peerSide(system, output, [{ q: 'x', source: 'a', expect: [] }, { q: 'y', source: 'a', expect: [] }, { q: 'z', source: 'a', expect: [] }]), buildSeconds });
    const speedups = buildSpeedups({
      sides: [side('LangChain.js', 80), side('LangChain.js q8', 40), { ...side('Verbatim (hybrid, shipped)', 10), cpuSeconds: 3.5 }, side('Verbatim (dense only)', 10)],
    });
    expect(speedups).toEqual([
      { system: 'LangChain.js', ratio: 8, cpuRatio: 2 },
      { system: 'LangChain.js q8', ratio: 4, cpuRatio: 2 },
    ]);
    expect(buildSpeedups({ sides: [side('LangChain.js', 80), { ...side('Verbatim', 10), cpuSeconds: null }] })[0]!.cpuRatio).toBeNull();
  });
});

describe("GNU time's output", () => {
  it('gives user + system seconds from its last line', () => {
    expect(parseGnuTime('12.50 1.25\n')).toBe(13.75);
    expect(parseGnuTime('Command exited with non-zero status 1\n3.00 0.50\n')).toBe(3.5);
    expect(parseGnuTime('garbage')).toBeNull();
  });
});

describe('the peer install check', () => {
  it('names the pinned dependencies missing or at another version', () => {
    const installed: Record<string, string> = { '@langchain/community': '1.1.29', 'hnswlib-node': '3.0.1' };
    expect(staleDependencies({ '@langchain/community': '1.1.29', 'hnswlib-node': '3.0.0', '@langchain/core': '1.4.0' }, (name) => installed[name])).toEqual(['hnswlib-node', '@langchain/core']);
  });
});
