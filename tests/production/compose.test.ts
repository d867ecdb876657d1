/**
 * compose.yaml against the Dockerfile and .env.example (no container engine runs here): the service reads
 * .env, yet every path .env.example sets (relative to the project) is set back to the container's own, the
 * data volume is where the index and the feedback go, the health port is published on the host's loopback
 * only, and the build argument picks a model stage the Dockerfile has. Needs no model.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../support/env.js';

interface ComposeService {
  build?: { context?: string; args?: Record<string, string> };
  env_file?: string | string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  init?: boolean;
  stop_grace_period?: string;
  image?: string;
  depends_on?: Record<string, { condition?: string }>;
  secrets?: string[];
  healthcheck?: { test?: string[] };
}

interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
  secrets?: Record<string, { file?: string }>;
}

async function project(file: string): Promise<string> {
  return readFile(path.join(PROJECT_ROOT, file), 'utf8');
}

/** The variables .env.example sets (uncommented lines), with their values. */
function exampleSettings(text: string): Map<string, string> {
  const settings = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (match) settings.set(match[1]!, match[2]!);
  }
  return settings;
}

describe('compose.yaml', () => {
  it('runs the bot from .env with the container paths, the data volume, loopback-only health port and an init', async () => {
    const compose = parse(await project('compose.yaml')) as { services: Record<string, ComposeService>; volumes?: Record<string, unknown> };
    const service = compose.services.verbatim!;
    expect(service.env_file).toBe('.env');
    expect(service.init).toBe(true);
    expect(service.environment).toMatchObject({ INDEX_DIR: '/data/index', DATABASE_FILE: '/data/verbatim.db', FEEDBACK_FILE: '/data/feedback.jsonl', CORPUS_DIR: '/app/corpus', HEALTH_HOST: '0.0.0.0' });
    expect(service.volumes).toContain('verbatim-data:/data');
    expect(Object.keys(compose.volumes ?? {})).toContain('verbatim-data');
    const port = service.environment?.HEALTH_PORT;
    expect(service.ports).toEqual([`127.0.0.1:${port}:${port}`]);

    const dockerfile = await project('Dockerfile');
    expect(dockerfile).toContain(`FROM build AS model-${service.build?.args?.MODEL}`);
    // The stop grace period outlasts the bot's 20 s for answers in progress.
    expect(Number.parseInt(service.stop_grace_period ?? '10s', 10)).toBeGreaterThan(20);
  });

  it('sets the container paths, and a .env copied from .env.example sets no path of its own that would override them', async () => {
    const compose = parse(await project('compose.yaml')) as { services: Record<string, ComposeService> };
    const environment = compose.services.verbatim!.environment ?? {};
    for (const name of ['CORPUS_DIR', 'INDEX_DIR', 'DATABASE_FILE', 'FEEDBACK_FILE']) expect(environment[name], name).toMatch(/^\//);
    const paths = [...exampleSettings(await project('.env.example'))].filter(([name]) => /_(DIR|FILE)$/.test(name));
    expect(paths).toEqual([]);
  });

  it('adds PostgreSQL with compose.postgres.yaml: the bot on INDEX_STORE=postgres once the database is healthy, the password from a file that is never committed or copied into the image', async () => {
    const base = parse(await project('compose.yaml')) as ComposeFile;
    const extra = parse(await project('compose.postgres.yaml')) as ComposeFile;
    // Without the second file, the bot is the single process with its file index.
    expect(base.services.postgres).toBeUndefined();
    expect(base.services.verbatim!.environment?.INDEX_STORE).toBeUndefined();

    expect(extra.services.verbatim!.environment).toEqual({ INDEX_STORE: 'postgres' });
    expect(extra.services.verbatim!.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    const postgres = extra.services.postgres!;
    expect(postgres.image).toMatch(/^pgvector\/pgvector:pg1[3-9]$/);
    expect(postgres.healthcheck?.test?.join(' ')).toContain('pg_isready');
    // Reachable from the compose network only.
    expect(postgres.ports).toBeUndefined();
    const data = postgres.volumes?.find((volume) => volume.endsWith(':/var/lib/postgresql/data'));
    expect(Object.keys(extra.volumes ?? {})).toContain(data?.split(':')[0]);

    expect(postgres.environment?.POSTGRES_PASSWORD).toBeUndefined();
    const [secret] = postgres.secrets ?? [];
    expect(postgres.environment?.POSTGRES_PASSWORD_FILE).toBe(`/run/secrets/${secret}`);
    const file = extra.secrets?.[secret!]?.file?.replace(/^\.\//, '');
    expect(file).toBeDefined();
    expect((await project('.gitignore')).split('\n')).toContain(file);
    expect((await project('.dockerignore')).split('\n')).toContain(file);

    // The URL the header tells users to put in .env names this service, its user and database.
    const { POSTGRES_USER: user, POSTGRES_DB: database } = postgres.environment ?? {};
    expect(await project('compose.postgres.yaml')).toContain(`DATABASE_URL=postgres://${user}:`);
    expect(await project('compose.postgres.yaml')).toMatch(new RegExp(`@postgres:5432/${database}\\b`));
  });
});
