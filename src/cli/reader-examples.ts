/**
 * The labelled examples the reader is fitted on: WikiQA dev and the tuning half of the eval:squad
 * sample, each question asked through the normal engine (with a reader that judges nothing) and
 * the features of every candidate sentence it gathered labelled — a WikiQA candidate answers when
 * it holds a gold sentence of the question's document, a SQuAD one when it is in the question's
 * article and holds a gold answer string. Kept in data/reader/candidates.json so that fitting
 * again (`--reuse`) need not ask again.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { AnswerEngine } from '../answer/engine.js';
import { FEATURES } from '../answer/reader/features.js';
import type { AnswerReader } from '../answer/reader/reader.js';
import type { JudgedCandidate } from '../answer/sentence-scoring.js';
import { loadBaseConfig } from '../core/config.js';
import { InputError } from '../core/errors.js';
import { LocalEmbeddings } from '../embedding/embedder.js';
import { FileIndexStore } from '../index/file-store.js';
import { buildProgressReporter } from './progress.js';
import type { LabelledQuestion } from './reader-fit.js';
import { prepareSquad, SQUAD_DEFAULTS } from './squad-command.js';
import { containsAnswer } from './squad-metrics.js';
import { sample, splitHalves } from './squad-sample.js';
import { readWikiQA } from './wikiqa-dataset.js';
import { holdsAny } from './wikiqa-metrics.js';
import { prepareWikiQA } from './wikiqa-run.js';

/** Where the labelled candidates are kept between runs. */
export const CANDIDATES_FILE = 'data/reader/candidates.json';

/**
 * The labelled questions: WikiQA's in the file's order, then SQuAD's. With `reuse`, read from
 * CANDIDATES_FILE; otherwise asked afresh and written there.
 */
export async function labelledQuestions(options: { wikiqa: string; squad: string; reuse: boolean }): Promise<LabelledQuestion[]> {
  if (options.reuse) return readCandidates();
  const questions = [...(await wikiqaQuestions(options.wikiqa)), ...(await squadQuestions(options.squad))];
  await writeCandidates(questions);
  return questions;
}

async function writeCandidates(questions: readonly LabelledQuestion[]): Promise<void> {
  await mkdir(path.dirname(path.resolve(CANDIDATES_FILE)), { recursive: true });
  const plain = questions.map((q) => ({ ...q, rows: q.rows.map((r) => Array.from(r)), labels: Array.from(q.labels) }));
  await writeFile(path.resolve(CANDIDATES_FILE), JSON.stringify({ features: FEATURES, questions: plain }));
}

const candidatesSchema = z.object({
  features: z.array(z.string()),
  questions: z.array(
    z.object({ dataset: z.string(), question: z.string(), answerable: z.boolean(), rows: z.array(z.array(z.number())), labels: z.array(z.number()) }),
  ),
});

async function readCandidates(): Promise<LabelledQuestion[]> {
  const file = path.resolve(CANDIDATES_FILE);
  const text = await readFile(file, 'utf8').catch(() => {
    throw new InputError(`No labelled candidates to reuse at ${file}.`, { hint: 'Run npm run fit:reader once without --reuse.' });
  });
  const parsed = candidatesSchema.parse(JSON.parse(text));
  if (parsed.features.join(',') !== FEATURES.join(',')) {
    throw new InputError(`${file} was written for other features.`, { hint: 'Run npm run fit:reader without --reuse to ask the questions again.' });
  }
  return parsed.questions.map((q) => ({ ...q, rows: q.rows.map((r) => Float64Array.from(r)), labels: Uint8Array.from(q.labels) }));
}

async function wikiqaQuestions(file: string): Promise<LabelledQuestion[]> {
  const config = loadBaseConfig();
  const dataset = await readWikiQA(path.resolve(file));
  const embeddings = await LocalEmbeddings.load({ modelId: config.modelId, modelDir: config.modelDir, quantized: config.quantized });
  const progress = buildProgressReporter();
  const { corpus, snapshot } = await prepareWikiQA({
    dataset,
    corpusDir: path.resolve('data/wikiqa/corpus'),
    indexDir: path.resolve('data/wikiqa/index'),
    embeddings,
    onProgress: progress.onProgress,
    sentenceVectors: config.indexVectors,
  }).finally(() => progress.stop());
  const engine = new AnswerEngine(new FileIndexStore(snapshot), embeddings, { reader: COLLECTING_READER });
  const out: LabelledQuestion[] = [];
  for (const q of dataset.questions) {
    const judged = await judgedCandidates(engine, q.question);
    const articleId = corpus.ids[q.document]!;
    out.push(labelled('wikiqa', q.question, q.gold.length > 0, judged, (c) => c.candidate.article.id === articleId && holdsAny(c.candidate.text, q.gold)));
  }
  return out;
}

async function squadQuestions(file: string): Promise<LabelledQuestion[]> {
  const { dataset, ids, snapshot, embeddings } = await prepareSquad({ ...SQUAD_DEFAULTS, squad: file });
  const engine = new AnswerEngine(new FileIndexStore(snapshot), embeddings, { reader: COLLECTING_READER });
  const { tune } = splitHalves(sample(dataset.questions, SQUAD_DEFAULTS.sample, SQUAD_DEFAULTS.seed), SQUAD_DEFAULTS.seed);
  const out: LabelledQuestion[] = [];
  for (const q of tune) {
    const judged = await judgedCandidates(engine, q.question);
    const articleId = ids[q.article]!;
    out.push(labelled('squad', q.question, true, judged, (c) => c.candidate.article.id === articleId && containsAnswer(c.candidate.text, q.answers)));
  }
  return out;
}

/** A reader for collecting candidates: it judges nothing (the features are what is collected). */
const COLLECTING_READER: AnswerReader = { judge: (_question, candidates) => ({ scores: new Float64Array(candidates.length), confidence: 0 }) };

/** The candidates the engine judged for a question. */
async function judgedCandidates(engine: AnswerEngine, question: string): Promise<readonly JudgedCandidate[]> {
  let judged: readonly JudgedCandidate[] = [];
  await engine.ask(question, { onJudged: (list) => (judged = list) });
  return judged;
}

function labelled(dataset: string, question: string, answerable: boolean, judged: readonly JudgedCandidate[], answers: (c: JudgedCandidate) => boolean): LabelledQuestion {
  return { dataset, question, answerable, rows: judged.map((c) => c.features), labels: Uint8Array.from(judged, (c) => (answers(c) ? 1 : 0)) };
}

