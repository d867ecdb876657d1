import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { IndexError } from '../../src/core/errors.js';
import { openIndexStore } from '../../src/index/open-store.js';

describe('openIndexStore', () => {
  it('opens the file index by default, and says when none has been built', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'verbatim-open-store-'));
    try {
      const error = await openIndexStore({ indexDir: dir }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(IndexError);
      expect((error as IndexError).message).toBe(`No index has been built in ${dir} yet.`);
      expect((error as IndexError).hint).toContain('npm run index');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('says the PostgreSQL store is not available yet, with the way back to the file index', async () => {
    const error = await openIndexStore({ indexDir: '/nonexistent', indexStore: 'postgres', databaseUrl: 'postgres://localhost/verbatim' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IndexError);
    expect((error as IndexError).message).toContain('PostgreSQL index store is not available');
    expect((error as IndexError).hint).toContain('INDEX_STORE=file');
  });
});
