/**
 * What the shard manager and its shard processes say to each other over the IPC channel that
 * discord.js's ShardingManager opens (beside its own `_ready`, `_eval`… messages, which carry no
 * `verbatim` field). Everything here is plain JSON.
 *
 * - The manager asks a shard for its readiness or its metrics (`request` → `response`), for the
 *   aggregated /readyz and /metrics.
 * - A shard about to rebuild the index claims the rebuild (`claim-rebuild` → `claim-answer`): one
 *   shard rebuilds at a time, the manager tells the others (`rebuild-started`), and when the rebuilder
 *   reports the outcome (`rebuild-done`) the others hear it (`rebuild-finished`) and switch to the new
 *   generation.
 */
import type { BuildSummary } from '../../index/build.js';
import type { Readiness } from '../health-server.js';

/** How a rebuild ended: its summary, or why it failed (one line). */
export type RebuildOutcome = { ok: true; summary: BuildSummary } | { ok: false; message: string };

/** What the manager asks a shard for. */
export type ShardQuery = 'readiness' | 'metrics';

/** Manager → shard. */
export type ManagerMessage =
  | { verbatim: 'request'; id: number; query: ShardQuery }
  | { verbatim: 'claim-answer'; id: number; granted: boolean; holder?: number }
  | { verbatim: 'rebuild-started'; shard: number }
  | { verbatim: 'rebuild-finished'; shard: number; outcome: RebuildOutcome };

/** Shard → manager. */
export type ShardMessage =
  | { verbatim: 'response'; id: number; result: Readiness | unknown[] }
  | { verbatim: 'claim-rebuild'; id: number }
  | { verbatim: 'rebuild-done'; outcome: RebuildOutcome };

const MANAGER_KINDS = new Set(['request', 'claim-answer', 'rebuild-started', 'rebuild-finished']);
const SHARD_KINDS = new Set(['response', 'claim-rebuild', 'rebuild-done']);

function kindOf(message: unknown): unknown {
  return typeof message === 'object' && message !== null ? (message as { verbatim?: unknown }).verbatim : undefined;
}

export function isManagerMessage(message: unknown): message is ManagerMessage {
  return MANAGER_KINDS.has(String(kindOf(message)));
}

export function isShardMessage(message: unknown): message is ShardMessage {
  return SHARD_KINDS.has(String(kindOf(message)));
}
