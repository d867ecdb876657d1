/**
 * An index build with EMBED_WORKERS=2 writes the same generation, byte for byte, as one that
 * embeds in its own process — in `npm run index`'s way (buildIndex with PooledEmbeddings) and in
 * the /reindex child's (buildIndexInChild, whose child starts its own pool) — and reports its
 * progress as it goes. The seed corpus is far below the 1,024 texts that start a pool, so the
 * tests lower that (minTexts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalEmbeddings } from '../../src/embedding/embedder.js';
import { PooledEmbeddings } from '../../src/embedding/embedding-pool.js';
import { buildIndexInChild } from '../../src/index/build-in-child.js';
import { buildIndex, type BuildProgress, type BuildSummary } from '../../src/index/build.js';
import { DATA_FILES } from '../../src/index/generation/schema.js';
import type { SentenceVectorKind } from '../../src/index/manifest.js';
import { loadEmbeddings, MODEL_OPTIONS, seedWorkspace, type SeedWorkspace } from '../support/seed-index.js';

const TIMEOUT = 300_000;
let local: LocalEmbeddings;
const workspaces: SeedWorkspace[] = [];

beforeAll(async () => {
  local = await loadEmbeddings();
});
afterAll(async () => {
  await Promise.all(workspaces.splice(0).map((w) => w.cleanup()));
});

async function workspace(): Promise<SeedWorkspace> {
  const w = await seedWorkspace();
  workspaces.push(w);
  return w;
}

async function generationFiles(dir: string): Promise<Record<string, Buffer>> {
  return Object.fromEntries(await Promise.all(DATA_FILES.map(async (name) => [name, await readFile(path.join(dir, name))] as const)));
}

async function expectSameGeneration(a: BuildSummary, b: BuildSummary): Promise<void> {
  expect(b.counts).toEqual(a.counts);
  expect(b.embedded).toEqual(a.embedded);
  const [x, y] = [await generationFiles(a.generationDir), await generationFiles(b.generationDir)];
  for (const name of DATA_FILES) expect(y[name]!.equals(x[name]!), name).toBe(true);
}

/** The pids of the processes whose parent is `pid` (Linux /proc). */
/** The child processes of `pid`: pid → command line. */
function childrenOf(pid: number): Map<number, string> {
  const out = new Map<number, string>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.set(Number(entry), readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' '));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

describe('an index build with EMBED_WORKERS=2', () => {
  for (const kind of ['separate', 'late'] as const satisfies SentenceVectorKind[]) {
    it(
      `writes the same generation as one in-process (${kind} sentence vectors), with progress`,
      async () => {
        const [here, pooledDir] = [await workspace(), await workspace()];
        const inProcess = await buildIndex({ corpusDir: here.corpusDir, indexDir: here.indexDir, embeddings: local, sentenceVectors: kind });
        const embeddings = new PooledEmbeddings(local, { model: MODEL_OPTIONS, workers: 2, minTexts: 1 });
        const events: BuildProgress[] = [];
        try {
          const inPool = await buildIndex({
            corpusDir: pooledDir.corpusDir,
            indexDir: pooledDir.indexDir,
            embeddings,
            sentenceVectors: kind,
            onProgress: (event) => events.push(event),
          });
          expect(embeddings.started).toBe(true);
          expect((await embeddings.workerStats()).every((s) => s.cpuMs > 0)).toBe(true);
          await expectSameGeneration(inProcess, inPool);
        } finally {
          await embeddings.close();
        }
        const plan = events.find((e) => e.phase === 'plan');
        const embed = events.filter((e): e is Extract<BuildProgress, { phase: 'embed' }> => e.phase === 'embed');
        expect(plan).toBeDefined();
        expect(embed.length).toBeGreaterThan(1);
        expect(embed.map((e) => e.done)).toEqual([...embed.map((e) => e.done)].sort((a, b) => a - b));
        expect(embed.at(-1)!.done).toBe(embed.at(-1)!.total);
      },
      TIMEOUT,
    );
  }

  it(
    'in the /reindex child: the child embeds in two processes of its own, and writes the same generation',
    async () => {
      const [here, child] = [await workspace(), await workspace()];
      const inProcess = await buildIndex({ corpusDir: here.corpusDir, indexDir: here.indexDir, embeddings: local });
      let childPid: number | undefined;
      // The child's children, looked at every 25 ms while it builds (they live from its plan to its end: seconds).
      // Embedding workers (not, say, a helper process of the TypeScript loader the tests run under).
      let workersSeen = 0;
      const seen = new Set<string>();
      const watch = setInterval(() => {
        if (childPid === undefined || process.platform !== 'linux') return;
        const children = childrenOf(childPid);
        for (const [pid, command] of children) seen.add(`${pid} ${command}`);
        workersSeen = Math.max(workersSeen, [...children.values()].filter((command) => command.includes('embedding-child')).length);
      }, 25);
      const summary = await buildIndexInChild(
        { model: MODEL_OPTIONS, build: { corpusDir: child.corpusDir, indexDir: child.indexDir }, embedding: { workers: 2, minTexts: 1 } },
        undefined,
        (pid) => (childPid = pid),
      ).finally(() => clearInterval(watch));
      if (process.platform === 'linux') expect(workersSeen, `child processes seen:\n${[...seen].join('\n')}`).toBe(2);
      await expectSameGeneration(inProcess, summary);
    },
    TIMEOUT,
  );
});
