/**
 * Configuration from the environment (and `.env` via dotenv), validated once.
 *
 * Each area reads only what it needs: building an index never asks for a Discord token.
 * Invalid values raise a ConfigError that names the variable, says what is wrong and gives an example.
 */
import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from './errors.js';

export type Env = Record<string, string | undefined>;

export const DEFAULT_MODEL_ID = 'Xenova/all-MiniLM-L6-v2';
export const DEFAULT_MODEL_HUB_URL = 'https://huggingface.co';

const boolean = z
  .string()
  .trim()
  .toLowerCase()
  .refine((v) => ['true', 'false', '1', '0', 'yes', 'no'].includes(v), 'must be true or false')
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const idList = z
  .string()
  .transform((v) => v.split(',').map((s) => s.trim()).filter((s) => s.length > 0))
  .refine((ids) => ids.every((id) => /^\d{17,20}$/.test(id)), 'must be a comma-separated list of Discord ids (17–20 digits)');

const snowflake = z.string().trim().regex(/^\d{17,20}$/, 'must be a Discord id (17–20 digits)');

function int(min: number, max: number) {
  return z.coerce
    .number({ error: 'must be a whole number' })
    .int('must be a whole number')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);
}

function num(min: number, max: number) {
  return z.coerce.number({ error: 'must be a number' }).min(min, `must be at least ${min}`).max(max, `must be at most ${max}`);
}

/** Examples shown next to an error, per variable. */
const EXAMPLES: Record<string, string> = {
  CORPUS_DIR: 'CORPUS_DIR=corpus',
  INDEX_DIR: 'INDEX_DIR=data/index',
  MODEL_DIR: 'MODEL_DIR=../shared/models',
  MODEL_CACHE_DIR: 'MODEL_CACHE_DIR=data/models',
  MODEL_HUB_URL: 'MODEL_HUB_URL=https://huggingface.co',
  MODEL_ID: 'MODEL_ID=Xenova/all-MiniLM-L6-v2',
  MODEL_QUANTIZED: 'MODEL_QUANTIZED=true',
  LOG_LEVEL: 'LOG_LEVEL=info',
  DISCORD_TOKEN: 'DISCORD_TOKEN=<the bot token from the Developer Portal, Bot tab>',
  DISCORD_CLIENT_ID: 'DISCORD_CLIENT_ID=123456789012345678',
  DISCORD_GUILD_ID: 'DISCORD_GUILD_ID=123456789012345678',
  DISCORD_API_URL: 'DISCORD_API_URL=https://discord.com/api',
  REFUSAL_THRESHOLD: 'REFUSAL_THRESHOLD=0.2',
  MAX_QUOTES: 'MAX_QUOTES=3',
  HEALTH_PORT: 'HEALTH_PORT=9464',
  HEALTH_HOST: 'HEALTH_HOST=127.0.0.1',
  LOG_FORMAT: 'LOG_FORMAT=json',
  INDEX_STORE: 'INDEX_STORE=file',
  INDEX_VECTORS: 'INDEX_VECTORS=sentences-only (or separate, late)',
  DATABASE_URL: 'DATABASE_URL=postgres://verbatim:<password>@localhost:5432/verbatim',
  INDEX_POLL_SECONDS: 'INDEX_POLL_SECONDS=5 (0 = only LISTEN/NOTIFY)',
  DATABASE_FILE: 'DATABASE_FILE=data/verbatim.db',
  SHARD_COUNT: 'SHARD_COUNT=2 (or auto)',
  HEAP_GROWTH_PERCENT: 'HEAP_GROWTH_PERCENT=50 (0 = V8\'s default)',
  EMBED_WORKERS: 'EMBED_WORKERS=auto (or 0 to embed in the indexing process, or 2)',
};

/** The kinds of vectors an index build can make (INDEX_VECTORS; src/index/manifest.ts SentenceVectorKind says what each is). */
export const SENTENCE_VECTOR_KINDS = ['separate', 'late', 'sentences-only'] as const;

/** Variables whose values are secret: never echoed in errors or logs. */
const SECRET = new Set(['DISCORD_TOKEN', 'FEEDBACK_SALT', 'DATABASE_URL']);

/** How often a bot on the PostgreSQL store asks for the live generation besides listening for its notification. */
export const DEFAULT_INDEX_POLL_SECONDS = 5;

/** The most embedding worker processes an index build starts (each holds its own copy of the model). */
export const MAX_EMBED_WORKERS = 64;

/** `auto` or a whole number of embedding worker processes from 0 (embed in the indexing process) to MAX_EMBED_WORKERS. */
const embedWorkers = z
  .string()
  .trim()
  .toLowerCase()
  .refine(
    (v) => v === 'auto' || (/^\d+$/.test(v) && Number(v) <= MAX_EMBED_WORKERS),
    `must be auto, 0 (embed in the indexing process) or a whole number of worker processes up to ${MAX_EMBED_WORKERS}`,
  )
  .transform((v): number | 'auto' => (v === 'auto' ? 'auto' : Number(v)));

const baseSchema = z.object({
  CORPUS_DIR: z.string().trim().min(1, 'must not be empty').default('corpus'),
  INDEX_DIR: z.string().trim().min(1, 'must not be empty').default('data/index'),
  MODEL_DIR: z.string().trim().optional().transform((v) => (v ? v : undefined)),
  MODEL_CACHE_DIR: z.string().trim().min(1, 'must not be empty').default('data/models'),
  MODEL_HUB_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).default(DEFAULT_MODEL_HUB_URL),
  MODEL_ID: z.string().trim().min(1, 'must not be empty').default(DEFAULT_MODEL_ID),
  MODEL_QUANTIZED: boolean.default(true),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  EMBED_WORKERS: embedWorkers.default('auto'),
  INDEX_STORE: z.enum(['file', 'postgres']).default('file'),
  INDEX_VECTORS: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(SENTENCE_VECTOR_KINDS, { error: `must be one of ${SENTENCE_VECTOR_KINDS.join(', ')}` }))
    .optional(),
  DATABASE_URL: z
    .string()
    .trim()
    .refine((v) => /^postgres(?:ql)?:\/\/[^\s]+$/u.test(v) && URL.canParse(v), 'must be a postgres:// URL')
    .optional(),
  INDEX_POLL_SECONDS: num(0, 3600).default(DEFAULT_INDEX_POLL_SECONDS),
}).superRefine((raw, context) => {
  if (raw.INDEX_STORE === 'postgres' && raw.DATABASE_URL === undefined) {
    context.addIssue({ code: 'custom', path: ['DATABASE_URL'], message: 'is required with INDEX_STORE=postgres (the database the index is kept in)' });
  }
});

const answerSchema = z.object({
  REFUSAL_THRESHOLD: num(0, 1).optional(),
  MAX_QUOTES: int(1, 5).default(3),
});

const discordSchema = z.object({
  DISCORD_TOKEN: z.string({ error: 'is missing' }).trim().min(1, 'is missing'),
  DISCORD_CLIENT_ID: snowflake.optional(),
  DISCORD_GUILD_ID: snowflake.optional(),
  DISCORD_API_URL: z.url({ error: 'must be a URL' }).optional(),
  ASK_PUBLIC_DEFAULT: boolean.default(false),
  MENTION_REPLY_MODE: z.enum(['reply', 'thread']).default('reply'),
  THREAD_FOLLOW_UPS: z.enum(['mentions', 'all']).default('mentions'),
  MAINTAINER_ROLE_IDS: idList.default([]),
  MAINTAINER_USER_IDS: idList.default([]),
  GUILD_ALLOWLIST: idList.default([]),
  COOLDOWN_SECONDS: num(0, 3600).default(10),
  MAX_CONCURRENT_QUESTIONS: int(1, 64).default(2),
  MAX_QUEUED_QUESTIONS: int(0, 1000).default(20),
  FEEDBACK_SALT: z.string().trim().min(16, 'must be at least 16 characters (a random string; keep it secret)').optional(),
});

/** The bot's database (per-server settings, the feedback log), and the JSONL feedback file of older versions. */
const storageSchema = z.object({
  DATABASE_FILE: z.string().trim().min(1, 'must not be empty').default('data/verbatim.db'),
  FEEDBACK_FILE: z.string().trim().min(1).default('data/feedback.jsonl'),
});

/** The most shards one manager starts (one process each, each holding the model and the index). */
export const MAX_SHARDS = 1024;

/** `auto` or a whole number of shards from 1 to MAX_SHARDS. */
const shardCount = z
  .string()
  .trim()
  .toLowerCase()
  .refine((v) => v === 'auto' || (/^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= MAX_SHARDS), `must be auto or a whole number from 1 to ${MAX_SHARDS}`)
  .transform((v): number | 'auto' => (v === 'auto' ? 'auto' : Number(v)));

/** How the bot runs as a service: the health/metrics listener, the log format and the shards. */
const serviceSchema = z.object({
  HEALTH_PORT: int(0, 65535).optional(),
  HEALTH_HOST: z.string().trim().min(1, 'must not be empty').default('127.0.0.1'),
  LOG_FORMAT: z.enum(['auto', 'pretty', 'json']).default('auto'),
  SHARD_COUNT: shardCount.default(1),
  HEAP_GROWTH_PERCENT: int(0, 300).default(50),
});

export interface BaseConfig {
  corpusDir: string;
  indexDir: string;
  /** Local transformers.js model directory; undefined means download from the Hugging Face hub. */
  modelDir: string | undefined;
  /** Where the model is downloaded to (and read from) when MODEL_DIR is not set; `npm run model:fetch` fills it. */
  modelCacheDir: string;
  /** The Hugging Face hub (or a mirror) the model is downloaded from. */
  modelHubUrl: string;
  modelId: string;
  quantized: boolean;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /**
   * Child processes that embed a large index build (≥ 1,024 texts), each with its own model session
   * of one thread: a number (0: embed in the indexing process), or `auto` — one per core the
   * process may use (within its cgroup CPU quota) when that is 2 or more, else 0 (resolveEmbedWorkers
   * in src/embedding/embedding-pool.ts).
   */
  embedWorkers: number | 'auto';
  /** Where the index is kept: files in indexDir (the default), or a PostgreSQL database (databaseUrl). */
  indexStore: IndexStoreChoice;
  /** The PostgreSQL database of INDEX_STORE=postgres (a postgres:// URL; secret: it may hold a password). */
  databaseUrl: string | undefined;
  /**
   * With INDEX_STORE=postgres: how often (seconds) the bot asks the database for the live generation, besides
   * LISTEN/NOTIFY, so a notification missed (a dropped connection, a read replica) is caught up with; 0 = never.
   */
  indexPollSeconds: number;
  /**
   * How a build makes the index's vectors (INDEX_VECTORS; `npm run index -- --vectors` overrides it);
   * undefined: the kind the existing index has, 'separate' for a new one. See SentenceVectorKind.
   */
  indexVectors?: IndexVectors | undefined;
}

/** The kinds of vectors a build can make (src/index/manifest.ts, SentenceVectorKind). */
export type IndexVectors = (typeof SENTENCE_VECTOR_KINDS)[number];

export type IndexStoreChoice = 'file' | 'postgres';

export interface AnswerConfig {
  /** Override for the refusal threshold; undefined means the calibrated default. */
  refusalThreshold: number | undefined;
  maxQuotes: number;
}

export interface DiscordConfig {
  token: string;
  clientId: string | undefined;
  guildId: string | undefined;
  apiUrl: string | undefined;
  askPublicDefault: boolean;
  mentionReplyMode: 'reply' | 'thread';
  /**
   * In the bot's own threads: answer only messages that mention it (the default), or every message
   * (`all`; requests the privileged MessageContent intent, which must be switched on in the Developer Portal).
   */
  threadFollowUps?: 'mentions' | 'all';
  maintainerRoleIds: string[];
  maintainerUserIds: string[];
  guildAllowlist: string[];
  cooldownSeconds: number;
  maxConcurrentQuestions: number;
  maxQueuedQuestions: number;
  /** The SQLite database: per-server settings and the feedback log (shared by the bot's processes). */
  databaseFile: string;
  /** The JSONL feedback file of older versions: imported into the database on start, never written. */
  feedbackFile: string;
  /** Secret key for hashing voters' ids; undefined means the one kept beside the database. */
  feedbackSalt?: string | undefined;
}

function parse<T extends z.ZodType>(schema: T, env: Env): z.output<T> {
  // Empty strings in .env mean "unset", as people write `DISCORD_GUILD_ID=` to leave a value out.
  const cleaned: Env = {};
  for (const [key, value] of Object.entries(env)) cleaned[key] = value === '' ? undefined : value;
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? '?');
    const value = cleaned[name];
    const shown = value === undefined ? '' : SECRET.has(name) ? ' (value hidden)' : ` (got ${JSON.stringify(value)})`;
    const example = EXAMPLES[name] ? ` — for example ${EXAMPLES[name]}` : '';
    return `  ${name} ${issue.message}${shown}${example}`;
  });
  throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`, {
    hint: 'Set these in the environment or in .env (see .env.example for every variable and its default).',
  });
}

export interface ServiceConfig {
  /** Port of the /healthz, /readyz, /metrics listener; undefined: no listener; 0: any free port. */
  healthPort: number | undefined;
  healthHost: string;
  /** auto: readable on a terminal, JSON when piped or NODE_ENV=production. */
  logFormat: 'auto' | 'pretty' | 'json';
  /**
   * Discord gateway shards: 1 (the default) runs the bot in this process; more, or `auto` (the count
   * Discord recommends, from GET /gateway/bot), start a sharding manager with one process per shard.
   */
  shardCount: number | 'auto';
  /**
   * How far V8 may grow the heap past what is live before collecting, in percent (0: V8's own
   * heuristics, up to ×4): a bot serving a large index keeps its memory near what it uses (src/core/heap.ts).
   */
  heapGrowthPercent: number;
}

export function loadServiceConfig(env: Env = process.env): ServiceConfig {
  const raw = parse(serviceSchema, env);
  return { healthPort: raw.HEALTH_PORT, healthHost: raw.HEALTH_HOST, logFormat: raw.LOG_FORMAT, shardCount: raw.SHARD_COUNT, heapGrowthPercent: raw.HEAP_GROWTH_PERCENT };
}

export function loadBaseConfig(env: Env = process.env, cwd: string = process.cwd()): BaseConfig {
  const raw = parse(baseSchema, env);
  return {
    corpusDir: path.resolve(cwd, raw.CORPUS_DIR),
    indexDir: path.resolve(cwd, raw.INDEX_DIR),
    modelDir: raw.MODEL_DIR === undefined ? undefined : path.resolve(cwd, raw.MODEL_DIR),
    modelCacheDir: path.resolve(cwd, raw.MODEL_CACHE_DIR),
    modelHubUrl: raw.MODEL_HUB_URL,
    modelId: raw.MODEL_ID,
    quantized: raw.MODEL_QUANTIZED,
    logLevel: raw.LOG_LEVEL,
    embedWorkers: raw.EMBED_WORKERS,
    indexStore: raw.INDEX_STORE,
    databaseUrl: raw.DATABASE_URL,
    indexPollSeconds: raw.INDEX_POLL_SECONDS,
    indexVectors: raw.INDEX_VECTORS,
  };
}

export function loadAnswerConfig(env: Env = process.env): AnswerConfig {
  const raw = parse(answerSchema, env);
  return { refusalThreshold: raw.REFUSAL_THRESHOLD, maxQuotes: raw.MAX_QUOTES };
}

export interface StorageConfig {
  databaseFile: string;
  feedbackFile: string;
}

export function loadStorageConfig(env: Env = process.env, cwd: string = process.cwd()): StorageConfig {
  const raw = parse(storageSchema, env);
  return { databaseFile: path.resolve(cwd, raw.DATABASE_FILE), feedbackFile: path.resolve(cwd, raw.FEEDBACK_FILE) };
}

export function loadDiscordConfig(env: Env = process.env, cwd: string = process.cwd()): DiscordConfig {
  const raw = parse(discordSchema.extend(storageSchema.shape), env);
  return {
    token: raw.DISCORD_TOKEN,
    clientId: raw.DISCORD_CLIENT_ID,
    guildId: raw.DISCORD_GUILD_ID,
    apiUrl: raw.DISCORD_API_URL,
    askPublicDefault: raw.ASK_PUBLIC_DEFAULT,
    mentionReplyMode: raw.MENTION_REPLY_MODE,
    threadFollowUps: raw.THREAD_FOLLOW_UPS,
    maintainerRoleIds: raw.MAINTAINER_ROLE_IDS,
    maintainerUserIds: raw.MAINTAINER_USER_IDS,
    guildAllowlist: raw.GUILD_ALLOWLIST,
    cooldownSeconds: raw.COOLDOWN_SECONDS,
    maxConcurrentQuestions: raw.MAX_CONCURRENT_QUESTIONS,
    maxQueuedQuestions: raw.MAX_QUEUED_QUESTIONS,
    databaseFile: path.resolve(cwd, raw.DATABASE_FILE),
    feedbackFile: path.resolve(cwd, raw.FEEDBACK_FILE),
    feedbackSalt: raw.FEEDBACK_SALT,
  };
}

/** Loads `.env` from the working directory if there is one (never overriding the real environment). */
export async function loadDotenv(cwd: string = process.cwd()): Promise<void> {
  const { config } = await import('dotenv');
  config({ path: path.join(cwd, '.env'), quiet: true });
}
