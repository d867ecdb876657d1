/** Every benchmark, in the order they run. */
import { coldStart } from './cold-start.js';
import { embeddingPool } from './embedding-pool.js';
import { embeddingThroughput } from './embedding-throughput.js';
import { hnswRecall } from './hnsw-recall.js';
import { indexBuild } from './index-build.js';
import type { Benchmark } from './lib/types.js';
import { memory } from './memory.js';
import { peer } from './peer.js';
import { pgLexical } from './pg-lexical.js';
import { pgStore } from './pg-store.js';
import { quality } from './quality.js';
import { queryLatency } from './query-latency.js';

export const BENCHMARKS: Benchmark[] = [embeddingThroughput, embeddingPool, indexBuild, queryLatency, hnswRecall, memory, coldStart, peer, quality, pgStore, pgLexical];
