/**
 * A build killed at any point (SIGKILL, no chance to clean up) leaves the previous index intact
 * and loadable, and the next run completes.
 */
import { spawn } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalEmbeddings } from '../../src/embedding/embedder.js';
import { buildIndex } from '../../src/index/build.js';
import { currentGeneration } from '../../src/index/layout.js';
import { IndexSnapshot } from '../../src/index/snapshot.js';
import { MODEL_DIR, PROJECT_ROOT } from '../support/env.js';
import { loadEmbeddings, seedWorkspace, type SeedWorkspace } from '../support/seed-index.js';

let workspace: SeedWorkspace;
let embeddings: LocalEmbeddings;

beforeAll(async () => {
  workspace = await seedWorkspace();
  embeddings = await loadEmbeddings();
  await buildIndex({ corpusDir: workspace.corpusDir, indexDir: workspace.indexDir, embeddings });
});
afterAll(async () => {
  await workspace?.cleanup();
});

/** Runs `npm run index -- --full` and SIGKILLs it as soon as its output matches `when`. */
function buildAndKill(when: RegExp): Promise<{ killed: boolean; output: string }> {
  return new Promise((resolve, reject) => {
    // One process (node with tsx's loader, not the tsx wrapper that forks), so SIGKILL hits the builder itself.
    const args = ['--import', 'tsx', path.join(PROJECT_ROOT, 'scripts', 'index.ts'), '--full', '--corpus', workspace.corpusDir, '--out', workspace.indexDir];
    const child = spawn(process.execPath, args, {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH ?? '', MODEL_DIR },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let killed = false;
    const onData = (data: Buffer) => {
      output += data.toString();
      if (!killed && when.test(output)) {
        killed = true;
        child.kill('SIGKILL');
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('close', () => resolve({ killed, output }));
  });
}

async function expectPreviousIntact(generation: string | undefined): Promise<void> {
  expect(await currentGeneration(workspace.indexDir)).toBe(generation);
  const snapshot = await IndexSnapshot.open(workspace.indexDir);
  expect(snapshot.articles).toHaveLength(5);
}

describe('a build killed midway', () => {
  it.each([
    ['mid-embedding', /embedded \d+\/\d+/],
    ['mid-write', /Writing the index/],
  ])('%s leaves the previous index intact; the next run completes', async (_, when) => {
    const before = await currentGeneration(workspace.indexDir);
    // Make the corpus larger so the build is still running when the signal lands.
    const file = path.join(workspace.corpusDir, '001_d0fa2f8654ce3dfa.txt');
    const text = await readFile(file, 'utf8');
    await writeFile(file, `${text}\n\nA paragraph added at ${Date.now()} to change the article.\n`);

    const { killed, output } = await buildAndKill(when);
    expect(killed, output).toBe(true);
    await expectPreviousIntact(before);

    const next = await buildIndex({ corpusDir: workspace.corpusDir, indexDir: workspace.indexDir, embeddings });
    expect(next.written).toBe(true);
    expect(next.changed).toEqual(['001_d0fa2f8654ce3dfa']);
    expect(await currentGeneration(workspace.indexDir)).not.toBe(before);
    // Only CURRENT's and PREVIOUS's generations remain: no half-written one, pointer temp file or lock.
    const pointers = await Promise.all(['CURRENT', 'PREVIOUS'].map(async (name) => (await readFile(path.join(workspace.indexDir, name), 'utf8')).trim()));
    expect((await readdir(workspace.indexDir)).sort()).toEqual(['CURRENT', 'PREVIOUS', ...pointers].sort());
  });
});
