/**
 * The store contract (contract.ts) run for the PostgreSQL store: the contract corpus's file
 * generation published into a schema of its own on the test run's PGlite server (as `npm run index`
 * with INDEX_STORE=postgres publishes it), then asked through the engine beside the file store.
 * Reads ../shared/eval/dev-questions.json and ../shared/eval/squad-dev-v1.1.json, and the model
 * (loadEmbeddings, in contract-corpus.ts).
 */
import { afterAll } from 'vitest';
import { currentGeneration } from '../../src/index/layout.js';
import { Names, openPool } from '../../src/index/postgres/database.js';
import { PostgresStore } from '../../src/index/postgres/postgres-store.js';
import { publishGeneration } from '../../src/index/postgres/publish.js';
import { freshSchema } from '../support/pglite-url.js';
import { describeStoreContract, releaseContractCorpus } from './contract.js';

afterAll(releaseContractCorpus);

describeStoreContract('postgres', async (corpus) => {
  const { url, schema } = await freshSchema('contract');
  const pool = openPool(url);
  try {
    await publishGeneration(pool, new Names(schema), (await currentGeneration(corpus.indexDir))!);
  } finally {
    await pool.end();
  }
  return PostgresStore.open({ url, schema });
});
