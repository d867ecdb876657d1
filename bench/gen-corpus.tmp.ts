import { generateCorpus, writeCorpus } from './lib/corpus-gen.js';
import { loadPool } from './lib/pool.js';
const [dir, count] = process.argv.slice(2);
const pool = await loadPool();
await writeCorpus(dir!, generateCorpus(pool, { articles: Number(count), seed: 1 }));
console.log('written', count);
