/**
 * The corpus every index store is checked on (contract.ts): the seed corpus (the dev questions ask
 * about it) and two SQuAD articles (a fixed sample of their questions), in a temp directory, with the
 * file index built from it as the reference. A store under test is built from `corpusDir` too.
 *
 * Reads ../shared/eval/dev-questions.json and ../shared/eval/squad-dev-v1.1.json, and the model.
 */
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { writeSquadCorpus } from '../../src/cli/squad-corpus.js';
import { readSquad } from '../../src/cli/squad-dataset.js';
import { sample } from '../../src/cli/squad-sample.js';
import type { LocalEmbeddings } from '../../src/embedding/embedder.js';
import { buildIndex } from '../../src/index/build.js';
import { PROJECT_ROOT, SEED_CORPUS_DIR } from '../support/env.js';
import { loadEmbeddings } from '../support/seed-index.js';

export const DEV_QUESTIONS_FILE = path.resolve(PROJECT_ROOT, '../shared/eval/dev-questions.json');
export const SQUAD_FILE = path.resolve(PROJECT_ROOT, '../shared/eval/squad-dev-v1.1.json');
/** SQuAD v1.1 dev articles 2 and 4: "Normans" and "Computational complexity theory" (93 paragraphs). */
export const SQUAD_ARTICLES = [2, 4] as const;
/** Questions sampled (seed 7) from those articles' 309. */
export const SQUAD_SAMPLE = 100;

export interface ContractQuestion {
  text: string;
  from: 'dev' | 'squad';
}

export interface ContractCorpus {
  root: string;
  corpusDir: string;
  /** The file index built from `corpusDir`: the reference. */
  indexDir: string;
  embeddings: LocalEmbeddings;
  /** The dev questions, then the SQuAD sample. */
  questions: ContractQuestion[];
  cleanup: () => Promise<void>;
}

/** Writes the corpus to a new temp directory and builds its file index (about 20 s on 2 cores). */
export async function contractCorpus(): Promise<ContractCorpus> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'verbatim-contract-'));
  const corpusDir = path.join(root, 'corpus');
  const indexDir = path.join(root, 'index');
  await cp(SEED_CORPUS_DIR, corpusDir, { recursive: true });
  const squad = await readSquad(SQUAD_FILE);
  const articles: readonly number[] = SQUAD_ARTICLES;
  await writeSquadCorpus(
    articles.map((i) => squad.articles[i]!),
    corpusDir,
  );
  const dev = JSON.parse(await readFile(DEV_QUESTIONS_FILE, 'utf8')) as { q: string }[];
  const squadQuestions = sample(
    squad.questions.filter((q) => articles.includes(q.article)),
    SQUAD_SAMPLE,
  );
  const embeddings = await loadEmbeddings();
  await buildIndex({ corpusDir, indexDir, embeddings });
  return {
    root,
    corpusDir,
    indexDir,
    embeddings,
    questions: [...dev.map((d): ContractQuestion => ({ text: d.q, from: 'dev' })), ...squadQuestions.map((q): ContractQuestion => ({ text: q.question, from: 'squad' }))],
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}
