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

  it('says in one line why a PostgreSQL index cannot be used, without the password', async () => {
    // Port 1 on loopback: nothing listens there, so the connection is refused at once (no outside service is reached).
    const error = await openIndexStore({ indexDir: '/nonexistent', indexStore: 'postgres', databaseUrl: 'postgres://verbatim:s3cret-pw@127.0.0.1:1/verbatim' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IndexError);
    const { message, hint } = error as IndexError;
    expect(message).toContain('The PostgreSQL index at');
    expect(message).toContain('cannot be used');
    expect(message).toContain('ECONNREFUSED');
    expect(message).not.toContain('s3cret-pw');
    expect(message).not.toContain('\n');
    expect(hint).toContain('DATABASE_URL');
  });
});
