/**
 * Opens the index store the configuration names (INDEX_STORE): the file index in INDEX_DIR (the
 * default), or the PostgreSQL store at DATABASE_URL.
 */
import type { BaseConfig } from '../core/config.js';
import { IndexError } from '../core/errors.js';
import { FileIndexStore } from './file-store.js';
import type { IndexStore, OpenStoreOptions } from './store.js';

/** What opening a store reads of the configuration (INDEX_STORE and DATABASE_URL default to the file store). */
export type StoreConfig = Pick<BaseConfig, 'indexDir'> & Partial<Pick<BaseConfig, 'indexStore' | 'databaseUrl' | 'indexPollSeconds'>>;

/** The live generation of the configured store (or `options.generation`); an IndexError when there is none or it cannot be read. */
export async function openIndexStore(config: StoreConfig, options: OpenStoreOptions = {}): Promise<IndexStore> {
  switch (config.indexStore ?? 'file') {
    case 'file':
      return FileIndexStore.open(config.indexDir, options);
    case 'postgres': {
      if (config.databaseUrl === undefined) throw new IndexError('INDEX_STORE=postgres needs DATABASE_URL.', { hint: 'e.g. DATABASE_URL=postgres://verbatim:<password>@localhost:5432/verbatim' });
      // Loaded only when chosen, so a file-store process never loads the PostgreSQL client.
      const { PostgresStore } = await import('./postgres/postgres-store.js');
      return PostgresStore.open({
        url: config.databaseUrl,
        ...(options.generation === undefined ? {} : { generation: options.generation }),
        ...(config.indexPollSeconds === undefined ? {} : { pollMs: Math.round(config.indexPollSeconds * 1000) }),
      });
    }
  }
}
