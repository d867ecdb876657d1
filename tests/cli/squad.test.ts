import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { articleSlug } from '../../src/cli/corpus-files.js';
import { articleFileText, readableTitle, writeSquadCorpus } from '../../src/cli/squad-corpus.js';
import { parseSquad } from '../../src/cli/squad-dataset.js';
import { containsAnswer, scoreAnswer, summarize, type QuestionOutcome } from '../../src/cli/squad-metrics.js';
import type { SquadReport } from '../../src/cli/squad-report.js';
import { mulberry32, permutation, sample, splitHalves } from '../../src/cli/squad-sample.js';
import { MODEL_DIR, PROJECT_ROOT } from '../support/env.js';
import { MODEL_AVAILABLE } from '../support/requirements.js';

const run = promisify(execFile);
const TSX = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');

/** A tiny SQuAD-shaped dataset: two articles, a few paragraphs (one with a line break), eight questions. */
const FIXTURE = {
  version: '1.1',
  data: [
    {
      title: 'Lake_Veldra',
      paragraphs: [
        {
          context:
            'Lake Veldra is a freshwater lake in the northern highlands. It covers an area of 412 square kilometres. The lake was first mapped by the surveyor Anna Korsgaard in 1821.',
          qas: [
            { id: 'v1', question: 'Who first mapped Lake Veldra?', answers: [{ text: 'Anna Korsgaard', answer_start: 0 }, { text: 'Anna Korsgaard', answer_start: 0 }] },
            { id: 'v2', question: 'How large an area does Lake Veldra cover?', answers: [{ text: '412 square kilometres', answer_start: 0 }] },
          ],
        },
        {
          context: 'The main town on its shore is Brinholm, which has a population of 8,300.\nFishing for trout and char remains the largest industry of Brinholm.',
          qas: [
            { id: 'v3', question: 'What is the main town on the shore of Lake Veldra?', answers: [{ text: 'Brinholm', answer_start: 0 }] },
            { id: 'v4', question: 'What is the largest industry of Brinholm?', answers: [{ text: 'Fishing for trout and char', answer_start: 0 }, { text: 'fishing', answer_start: 0 }] },
          ],
        },
      ],
    },
    {
      title: 'Harrow_Valley_Railway_(1890–1961)',
      paragraphs: [
        {
          context:
            'The Harrow Valley Railway was a narrow-gauge line that opened in 1890. It carried slate from the quarries at Pen-y-Craig to the harbour at Porthmawr.',
          qas: [
            { id: 'h1', question: 'When did the Harrow Valley Railway open?', answers: [{ text: '1890', answer_start: 0 }] },
            { id: 'h2', question: 'What did the Harrow Valley Railway carry from the quarries?', answers: [{ text: 'slate', answer_start: 0 }] },
          ],
        },
        {
          context: 'Passenger services ended in 1961, when the line closed. Its steam locomotive Gwendolen is now displayed in a museum in Cardiff.',
          qas: [
            { id: 'h3', question: 'Where is the steam locomotive Gwendolen displayed?', answers: [{ text: 'a museum in Cardiff', answer_start: 0 }, { text: 'Cardiff', answer_start: 0 }] },
            { id: 'h4', question: 'When did passenger services on the Harrow Valley Railway end?', answers: [{ text: '1961', answer_start: 0 }] },
          ],
        },
      ],
    },
  ],
};

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'verbatim-squad-'));
  await writeFile(path.join(root, 'squad.json'), JSON.stringify(FIXTURE));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('reading SQuAD', () => {
  it('ties each question to its article and keeps distinct gold answers', () => {
    const dataset = parseSquad(FIXTURE);
    expect(dataset.articles.map((a) => a.title)).toEqual(['Lake_Veldra', 'Harrow_Valley_Railway_(1890–1961)']);
    expect(dataset.questions).toHaveLength(8);
    expect(dataset.questions[0]).toEqual({ id: 'v1', question: 'Who first mapped Lake Veldra?', answers: ['Anna Korsgaard'], article: 0 });
    expect(dataset.questions.map((q) => q.article)).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
  });

  it('rejects a file of another shape, saying where', () => {
    expect(() => parseSquad({ data: [{ title: 'x', paragraphs: [{ qas: [] }] }] })).toThrow(/data\.0\.paragraphs\.0\.context/);
  });
});

describe('the corpus writer', () => {
  it('names files by a safe slug of the title', () => {
    expect(articleSlug('Harrow_Valley_Railway_(1890–1961)')).toBe('harrow-valley-railway-1890-1961');
    expect(articleSlug('Fresno,_California')).toBe('fresno-california');
    expect(articleSlug('Île-de-France')).toBe('ile-de-france');
    expect(articleSlug('???')).toBe('article');
    expect(readableTitle('Sky_(United_Kingdom)')).toBe('Sky (United Kingdom)');
  });

  it('writes the title, a blank line and one paragraph per block, plus a metadata sidecar; a second run changes nothing', async () => {
    const dir = path.join(root, 'corpus-writer');
    const dataset = parseSquad(FIXTURE);
    const first = await writeSquadCorpus(dataset.articles, dir);
    expect(first).toEqual({ ids: ['lake-veldra', 'harrow-valley-railway-1890-1961'], written: 2, unchanged: 0 });
    expect((await readdir(dir)).sort()).toEqual([
      'harrow-valley-railway-1890-1961.meta.json',
      'harrow-valley-railway-1890-1961.txt',
      'lake-veldra.meta.json',
      'lake-veldra.txt',
    ]);
    const text = await readFile(path.join(dir, 'lake-veldra.txt'), 'utf8');
    expect(text).toBe(
      'Lake Veldra\n\n' +
        'Lake Veldra is a freshwater lake in the northern highlands. It covers an area of 412 square kilometres. The lake was first mapped by the surveyor Anna Korsgaard in 1821.\n\n' +
        'The main town on its shore is Brinholm, which has a population of 8,300. Fishing for trout and char remains the largest industry of Brinholm.\n',
    );
    expect(articleFileText(dataset.articles[0]!)).toBe(text);
    const meta = JSON.parse(await readFile(path.join(dir, 'harrow-valley-railway-1890-1961.meta.json'), 'utf8')) as { title: string; url: string };
    expect(meta.title).toBe('Harrow Valley Railway (1890–1961)');
    expect(meta.url).toMatch(/^https:\/\/en\.wikipedia\.org\/wiki\/Harrow_Valley_Railway_/);
    expect(await writeSquadCorpus(dataset.articles, dir)).toEqual({ ...first, written: 0, unchanged: 2 });
  });

  it('gives articles whose titles make the same slug distinct ids', async () => {
    const written = await writeSquadCorpus([{ title: 'A_b', paragraphs: ['One.'] }, { title: 'A-B', paragraphs: ['Two.'] }], path.join(root, 'twins'));
    expect(written.ids).toEqual(['a-b', 'a-b-2']);
  });
});

describe('sampling and splitting', () => {
  const items = Array.from({ length: 101 }, (_, i) => i);

  it('draws the same sample for the same seed, another for another seed', () => {
    expect(sample(items, 20, 7)).toEqual(sample(items, 20, 7));
    expect(sample(items, 20, 8)).not.toEqual(sample(items, 20, 7));
    expect(new Set(sample(items, 20, 7)).size).toBe(20);
    expect(sample(items, 500, 7)).toHaveLength(101);
    expect([...permutation(10, 3)].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // mulberry32 is a known generator: pin its first outputs so that a change (and a new sample) shows.
    const random = mulberry32(7);
    expect([random(), random(), random()]).toEqual([0.011704753153026104, 0.06195825757458806, 0.97690763277933]);
  });

  it('a larger sample keeps the smaller one as its prefix, and its halves', () => {
    const small = sample(items, 20, 7);
    const large = sample(items, 60, 7);
    expect(large.slice(0, 20)).toEqual(small);
    const smallHalves = splitHalves(small, 7);
    const largeHalves = splitHalves(large, 7);
    expect(largeHalves.tune.slice(0, 10)).toEqual(smallHalves.tune);
    expect(largeHalves.report.slice(0, 10)).toEqual(smallHalves.report);
  });

  it('splits into two disjoint halves covering the sample, the same way every time', () => {
    const drawn = sample(items, 51, 7);
    const halves = splitHalves(drawn, 7);
    expect(halves).toEqual(splitHalves(drawn, 7));
    expect(halves.tune).toHaveLength(26);
    expect(halves.report).toHaveLength(25);
    expect([...halves.tune, ...halves.report].sort((a, b) => a - b)).toEqual([...drawn].sort((a, b) => a - b));
    expect(halves.tune.filter((x) => halves.report.includes(x))).toEqual([]);
    // The coin is not always heads: some pairs send their first item to the report half.
    const firsts = Array.from({ length: 25 }, (_, k) => drawn[2 * k]!);
    expect(firsts.some((x) => halves.report.includes(x))).toBe(true);
    expect(firsts.some((x) => halves.tune.includes(x))).toBe(true);
  });
});

describe('the measures', () => {
  it('finds an answer case-insensitively, with whitespace runs collapsed', () => {
    expect(containsAnswer('It opened in  1890.', ['1890'])).toBe(true);
    expect(containsAnswer('The surveyor ANNA\nKorsgaard mapped it.', ['Anna Korsgaard'])).toBe(true);
    expect(containsAnswer('It opened in 1891.', ['1890', 'in 1890'])).toBe(false);
  });

  it('counts an answer in any of the first three quotes, in the first quote, and the first source', () => {
    const answers = ['Brinholm'];
    const hit = scoreAnswer({ quotes: ['The town is Brinholm.', 'Other.'], firstArticle: 'lake', ms: 5 }, answers, 'lake');
    expect(hit).toEqual({ answered: true, inQuotes: true, inFirstQuote: true, firstSource: true, ms: 5 });
    const second = scoreAnswer({ quotes: ['Other.', 'The town is brinholm.'], firstArticle: 'rail', ms: 5 }, answers, 'lake');
    expect(second).toMatchObject({ inQuotes: true, inFirstQuote: false, firstSource: false });
    const fourth = scoreAnswer({ quotes: ['a', 'b', 'c', 'Brinholm'], firstArticle: 'lake', ms: 5 }, answers, 'lake');
    expect(fourth).toMatchObject({ inQuotes: false, inFirstQuote: false, firstSource: true });
    const refused = scoreAnswer({ quotes: [], firstArticle: undefined, ms: 5 }, answers, 'lake');
    expect(refused).toEqual({ answered: false, inQuotes: false, inFirstQuote: false, firstSource: false, ms: 5 });
  });

  it('summarizes shares, false refusals and latency percentiles', () => {
    const outcome = (answered: boolean, inQuotes: boolean, inFirstQuote: boolean, firstSource: boolean, ms: number): QuestionOutcome => ({
      answered,
      inQuotes,
      inFirstQuote,
      firstSource,
      ms,
    });
    const scores = summarize([
      outcome(true, true, true, true, 10),
      outcome(true, true, false, true, 20),
      outcome(true, false, false, false, 30),
      outcome(false, false, false, false, 40),
    ]);
    expect(scores).toEqual({
      questions: 4,
      inQuotes: 0.5,
      inFirstQuote: 0.25,
      firstSource: 0.5,
      falseRefusals: 0.25,
      latencyMs: { p50: 20, p95: 40 },
    });
  });
});

describe.skipIf(!MODEL_AVAILABLE)('npm run eval:squad end to end', () => {
  it('writes the corpus, builds its index, and reports Verbatim beside the baselines as JSON', async () => {
    const args = [path.join(PROJECT_ROOT, 'scripts', 'eval-squad.ts'), '--squad', 'squad.json', '--corpus', 'corpus', '--index', 'index', '--sample', '8', '--json'];
    const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', MODEL_DIR };
    const { stdout, stderr } = await run(TSX, args, { cwd: root, env, timeout: 120_000 });
    expect(stderr).toContain('Corpus: 2 articles');
    expect(stderr).toMatch(/Embedding \d+ texts/);
    const report = JSON.parse(stdout) as SquadReport;
    expect(report.dataset).toMatchObject({ articles: 2, paragraphs: 4, questions: 8 });
    expect(report.sample).toEqual({ size: 8, seed: 7, half: 'report', questions: 4 });
    expect(report.singleSentenceCeiling).toBe(1);
    expect(Object.keys(report.scores)).toEqual(['verbatim', 'bm25', 'dense', 'rrf']);
    for (const scores of Object.values(report.scores)) expect(scores.questions).toBe(4);
    // Easy questions over two articles: Verbatim answers them all from the right article.
    expect(report.scores.verbatim).toMatchObject({ inQuotes: 1, firstSource: 1, falseRefusals: 0 });
    expect(report.scores.bm25!.falseRefusals).toBe(0);

    // A second run reuses the index (nothing to embed) and, with --half tune, reports the other four questions.
    const again = await run(TSX, [...args, '--half', 'tune'], { cwd: root, env, timeout: 120_000 });
    expect(again.stderr).not.toMatch(/Embedding [1-9]/);
    expect((JSON.parse(again.stdout) as SquadReport).sample).toEqual({ size: 8, seed: 7, half: 'tune', questions: 4 });
  });
});
