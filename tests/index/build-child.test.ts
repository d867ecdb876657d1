/**
 * The build child of /reindex (issue #12): it stops — without publishing, without crashing on the
 * closed IPC channel — when the process that started it is killed, and it never sees the bot's
 * secrets (DISCORD_TOKEN) in its environment.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childEnv } from '../../src/index/build-in-child.js';
import { buildIndex } from '../../src/index/build.js';
import { currentGeneration } from '../../src/index/layout.js';
import { MODEL_DIR, PROJECT_ROOT } from '../support/env.js';
import { loadEmbeddings, seedWorkspace, type SeedWorkspace } from '../support/seed-index.js';
import { isRunning } from '../support/processes.js';

const PARENT = path.join(PROJECT_ROOT, 'tests', 'index', 'fixtures', 'reindex-parent.ts');
const SECRET = 'discord-token-that-must-not-leak';

let workspace: SeedWorkspace;
beforeAll(async () => {
  workspace = await seedWorkspace();
  await buildIndex({ corpusDir: workspace.corpusDir, indexDir: workspace.indexDir, embeddings: await loadEmbeddings() });
});
afterAll(async () => {
  await workspace?.cleanup();
});

describe('the build child', () => {
  it('gets only the environment indexing needs', () => {
    expect(
      childEnv({ PATH: '/bin', HOME: '/home/v', MODEL_DIR: 'models', INDEX_DIR: 'data/index', DISCORD_TOKEN: SECRET, FEEDBACK_SALT: 'salt', AWS_SECRET_ACCESS_KEY: 'x' }),
    ).toEqual({ PATH: '/bin', HOME: '/home/v', MODEL_DIR: 'models', INDEX_DIR: 'data/index' });
  });

  it('stops when its parent is killed mid-build: nothing published, nothing left, no crash; and never sees DISCORD_TOKEN', async () => {
    const before = await currentGeneration(workspace.indexDir);
    const entriesBefore = (await readdir(workspace.indexDir)).sort();
    const parent = spawn(process.execPath, ['--import', 'tsx', PARENT, workspace.corpusDir, workspace.indexDir, MODEL_DIR], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', MODEL_DIR, DISCORD_TOKEN: SECRET, FEEDBACK_SALT: 'salt-salt-salt-salt' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    parent.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
    // The child inherits the parent's stdout and stderr: they close when both processes are gone.
    const closed = Promise.all([
      new Promise<void>((resolve) => parent.stdout.on('close', resolve)),
      new Promise<void>((resolve) => parent.stderr.on('close', resolve)),
    ]);
    let childPid: number | undefined;
    let childEnviron: string | undefined;
    let killedAt = 0;
    for await (const line of createInterface({ input: parent.stdout })) {
      if (line.startsWith('child ')) {
        childPid = Number(line.slice('child '.length));
        childEnviron = existsSync(`/proc/${childPid}/environ`) ? readFileSync(`/proc/${childPid}/environ`, 'utf8') : undefined;
      } else if (line.startsWith('progress ') && line.includes('"phase":"embed"')) {
        parent.kill('SIGKILL');
        killedAt = Date.now();
        break;
      } else if (line.startsWith('done')) break;
    }
    expect(killedAt, `the build ended before it could be interrupted: ${stderr}`).toBeGreaterThan(0);
    expect(childPid).toBeDefined();

    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 20_000))]);
    const stoppedAfter = Date.now() - killedAt;
    let waited = 0;
    while (isRunning(childPid!) && waited < 2000) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      waited += 100;
    }
    console.log(`build child ${childPid}: its pipes closed ${stoppedAfter} ms after its parent was killed`);
    expect(isRunning(childPid!), `build child ${childPid} still running ${stoppedAfter} ms after its parent was killed`).toBe(false);
    expect(stoppedAfter).toBeLessThan(5_000);
    expect(stderr).not.toMatch(/ERR_IPC|Error/);
    // Nothing published, the lock released, the half-written generation removed.
    expect(await currentGeneration(workspace.indexDir)).toBe(before);
    expect((await readdir(workspace.indexDir)).sort()).toEqual(entriesBefore);

    if (process.platform === 'linux') expect(childEnviron).toBeDefined();
    if (childEnviron !== undefined) {
      const names = childEnviron.split('\0').map((entry) => entry.split('=')[0]);
      expect(names).toContain('MODEL_DIR');
      expect(names).not.toContain('DISCORD_TOKEN');
      expect(names).not.toContain('FEEDBACK_SALT');
      expect(childEnviron).not.toContain(SECRET);
    }
  });
});
