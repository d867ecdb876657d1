/**
 * Child-process entry of an embedding pool (embedding-pool.ts): loads the model with the options
 * it is sent (its own onnxruntime session, one intra-op thread), then runs the token batches it is
 * sent, one at a time, in the order they came, and sends back each batch's vectors.
 *
 * It never outlives the process that started it: when the IPC channel closes (the parent closed
 * the pool, exited or was killed) it exits at once. A batch runs synchronously inside onnxruntime,
 * so that is seen when the batch ends (well under a second); a parent that died has also made this
 * process an orphan, which is checked after every batch.
 */
import { readFileSync } from 'node:fs';
import { VerbatimError } from '../core/errors.js';
import { LocalEmbeddings, type SpannedTokens } from './embedder.js';
import type { PoolReply, PoolRequest, SerializedError, TokenBatch } from './embedding-pool.js';

const parentPid = process.ppid;
process.on('disconnect', () => process.exit(0));

function post(reply: PoolReply): Promise<void> {
  return new Promise((resolve) => {
    if (!process.connected || process.send === undefined) return resolve();
    try {
      process.send(reply, undefined, {}, () => resolve());
    } catch {
      resolve();
    }
  });
}

function serialize(error: unknown): SerializedError {
  if (error instanceof VerbatimError) return { name: error.name, message: error.message, hint: error.hint };
  return { name: 'Error', message: error instanceof Error ? error.message : String(error) };
}

/** The batch's rows as token id arrays (they come as one flat array and each row's length). */
function rows(batch: TokenBatch): bigint[][] {
  const out: bigint[][] = [];
  let offset = 0;
  for (const length of batch.lengths) {
    out.push(Array.from(batch.ids.subarray(offset, offset + length)));
    offset += length;
  }
  return out;
}

/** Peak resident set size of this process in MB (VmHWM; Linux), else Node's maxRSS. */
function peakRssMB(): number {
  try {
    const hwm = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (hwm) return Number(hwm[1]) / 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS / 1024;
}

let embeddings: LocalEmbeddings | undefined;

async function handle(request: PoolRequest): Promise<void> {
  switch (request.type) {
    case 'load':
      try {
        embeddings = await LocalEmbeddings.load(request.model);
        await post({ type: 'ready', dimensions: embeddings.dimensions, pid: process.pid });
      } catch (error) {
        await post({ type: 'load-failed', error: serialize(error) });
        process.exit(1);
      }
      return;
    case 'embed':
    case 'spans': {
      try {
        if (!embeddings) throw new Error('a batch came before the model was loaded');
        const ids = rows(request.batch);
        if (request.type === 'embed') {
          await post({ type: 'vectors', id: request.id, vectors: await embeddings.embedTokenBatch(ids) });
        } else {
          const batch: SpannedTokens[] = ids.map((row, k) => ({ ids: row, ranges: request.ranges[k]! }));
          const results = await embeddings.embedSpanBatch(batch);
          await post({ type: 'spanned', id: request.id, results: results.map((r) => ({ vector: r.vector, spans: r.spans.map((s) => s ?? null) })) });
        }
      } catch (error) {
        await post({ type: 'failed', id: request.id, error: serialize(error) });
      }
      if (process.ppid !== parentPid) process.exit(0);
      return;
    }
    case 'stats': {
      const cpu = process.cpuUsage();
      await post({ type: 'stats', id: request.id, stats: { pid: process.pid, cpuMs: (cpu.user + cpu.system) / 1000, peakRssMB: peakRssMB() } });
      return;
    }
  }
}

// One request at a time, in the order they came: a batch never waits on another's model call.
let queue = Promise.resolve();
process.on('message', (request: PoolRequest) => {
  queue = queue.then(() => handle(request));
});
