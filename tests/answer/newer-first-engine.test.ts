/**
 * The engine orders equally good quotes newer article first (newerFirstAmongTies after selection):
 * a two-article corpus with dates in sidecar files, indexed with the real model, and a reader that
 * scores the candidates as told — so that "equally good" and "clearly better" are set by the test.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Candidate } from '../../src/answer/candidates.js';
import { AnswerEngine } from '../../src/answer/engine.js';
import { Library } from '../../src/answer/library.js';
import type { AnswerReader } from '../../src/answer/reader/reader.js';
import type { LocalEmbeddings } from '../../src/embedding/embedder.js';
import { loadEmbeddings, MODEL_OPTIONS } from '../support/seed-index.js';
import { snapshotOf } from '../support/file-snapshot.js';

let root: string;
let library: Library;
let embeddings: LocalEmbeddings;

const OLDER = 'a_older';
const NEWER = 'b_newer';

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'verbatim-newer-'));
  const corpusDir = path.join(root, 'corpus');
  await mkdir(corpusDir);
  // The older article's file comes first, so without the rule its quote is ahead on equal scores.
  await writeFile(path.join(corpusDir, `${OLDER}.txt`), 'Bridge vote\n\nThe town council voted to rebuild the old river bridge before the spring floods.\n');
  await writeFile(path.join(corpusDir, `${OLDER}.meta.json`), JSON.stringify({ title: 'Bridge vote', published: '2021-03-01' }));
  await writeFile(path.join(corpusDir, `${NEWER}.txt`), 'Bridge works\n\nWork on the river bridge began on Monday, the council said, and should end in two years.\n');
  await writeFile(path.join(corpusDir, `${NEWER}.meta.json`), JSON.stringify({ title: 'Bridge works', published: '2025-09-15' }));
  library = await Library.open({ config: { ...MODEL_OPTIONS, corpusDir, indexDir: path.join(root, 'index') }, buildIfMissing: true });
  embeddings = await loadEmbeddings();
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A reader that gives each candidate the score `scoreOf` says (by its article's name), shares summing to 1, and full confidence. */
function reader(scoreOf: (candidate: Candidate) => number): AnswerReader {
  return {
    judge(_question, candidates) {
      const raw = candidates.map(scoreOf);
      const total = raw.reduce((a, b) => a + b, 0) || 1;
      return { scores: Float64Array.from(raw.map((r) => r / total)), confidence: 1 };
    },
  };
}

const isBridgeSentence = (c: Candidate) => /bridge/.test(c.text) && c.text.length > 40;
const nameOf = (c: Candidate) => c.article.path.replace(/\.txt$/, '');

async function firstArticles(scoreOf: (candidate: Candidate) => number): Promise<{ quoted: string[]; judged: string[] }> {
  const engine = new AnswerEngine(library.store, embeddings, { reader: reader(scoreOf), moreQuotes: 0 });
  let judged: string[] = [];
  const answer = await engine.ask('What did the council decide about the river bridge?', {
    onJudged: (all) => (judged = all.filter((j) => isBridgeSentence(j.candidate)).map((j) => nameOf(j.candidate))),
  });
  expect(answer.answered).toBe(true);
  const quoted = answer.quotes.map((q) => snapshotOf(library).article(q.articleId)!.path.replace(/\.txt$/, ''));
  return { quoted, judged };
}

describe('newer first among equally good quotes, in the engine', () => {
  it('puts the newer article first when the two quotes score the same', async () => {
    const { quoted, judged } = await firstArticles((c) => (isBridgeSentence(c) ? 1 : 0.001));
    // The older article's sentence comes first among the candidates: only the date rule puts the newer first.
    expect(judged).toEqual([OLDER, NEWER]);
    expect(quoted.slice(0, 2)).toEqual([NEWER, OLDER]);
  });

  it('keeps a clearly better older quote first', async () => {
    const { quoted } = await firstArticles((c) => (!isBridgeSentence(c) ? 0.001 : nameOf(c) === OLDER ? 1 : 0.9));
    expect(quoted.slice(0, 2)).toEqual([OLDER, NEWER]);
  });
});
