import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { documentFileText, wikipediaUrl, writeWikiQACorpus } from '../../src/cli/wikiqa-corpus.js';
import { isAnswerable, parseWikiQA, readWikiQA } from '../../src/cli/wikiqa-dataset.js';
import { alignment, holds, holdsAny, normalizeForMatch, scoreWikiQA, summarizeWikiQA, type WikiQAOutcome, type WikiQAScores } from '../../src/cli/wikiqa-metrics.js';
import { formatWikiQAReport, type WikiQAReport } from '../../src/cli/wikiqa-report.js';
import { MODEL_DIR, PROJECT_ROOT } from '../support/env.js';
import { MODEL_AVAILABLE } from '../support/requirements.js';

const run = promisify(execFile);
const TSX = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');

const HEADER = 'QuestionID\tQuestion\tDocumentID\tDocumentTitle\tSentenceID\tSentence\tLabel';

/** One TSV row. */
const row = (q: string, question: string, d: string, title: string, position: number, sentence: string, label: 0 | 1) =>
  [q, question, d, title, `${d}-${position}`, sentence, String(label)].join('\t');

/** Invented documents, tokenized the WikiQA way (spaces before punctuation). */
const LAKE = 'Lake Veldra';
const LAKE_SENTENCES = [
  'Lake Veldra is a freshwater lake in the northern highlands of Ostmark .',
  'It covers an area of 412 square kilometres .',
  'The lake was first mapped by the surveyor Anna Korsgaard in 1821 .',
  'Brinholm , a fishing town of 8,300 people , lies on its eastern shore .',
];
const RAIL = 'Harrow Valley Railway';
const RAIL_SENTENCES = [
  'The Harrow Valley Railway was a narrow-gauge line that opened in 1890 .',
  'It carried slate from the quarries at Pen-y-Craig to the harbour at Porthmawr .',
  'Passenger services ended in 1961 , when the line closed .',
];
const ENGINE = 'Gwendolen (locomotive)';
const ENGINE_SENTENCES = ['Gwendolen is a tank engine built in 1895 for the Harrow Valley Railway .', 'It is now displayed in a museum in Cardiff .'];

const lake = (q: string, question: string, gold: number[], positions = [0, 1, 2, 3]) =>
  positions.map((p) => row(q, question, 'D1', LAKE, p, LAKE_SENTENCES[p]!, gold.includes(p) ? 1 : 0));
const rail = (q: string, question: string, gold: number[]) => [0, 1, 2].map((p) => row(q, question, 'D2', RAIL, p, RAIL_SENTENCES[p]!, gold.includes(p) ? 1 : 0));
const engine = (q: string, question: string, gold: number[]) => [0, 1].map((p) => row(q, question, 'D3', ENGINE, p, ENGINE_SENTENCES[p]!, gold.includes(p) ? 1 : 0));

/** Six questions over three documents: four answerable, two not; the lake document is shared, its rows out of order. */
const FIXTURE =
  [
    HEADER,
    ...lake('Q1', 'Who first mapped Lake Veldra?', [2], [3, 0, 2, 1]),
    ...lake('Q2', 'How large an area does Lake Veldra cover?', [1], [0, 1]),
    ...rail('Q3', 'When did the Harrow Valley Railway close?', [2]),
    ...rail('Q4', 'What is the boiling point of liquid nitrogen?', []),
    ...engine('Q5', 'Where is the locomotive Gwendolen displayed?', [1]),
    ...lake('Q6', 'Who won the 1998 football world cup?', []),
  ].join('\n') + '\n';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'verbatim-wikiqa-'));
  await writeFile(path.join(root, 'wikiqa.tsv'), FIXTURE);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('reading WikiQA', () => {
  it('groups rows into documents (sentences once, in position order) and questions with their gold sentences', () => {
    const dataset = parseWikiQA(FIXTURE);
    expect(dataset.documents).toEqual([
      { id: 'D1', title: LAKE, sentences: LAKE_SENTENCES },
      { id: 'D2', title: RAIL, sentences: RAIL_SENTENCES },
      { id: 'D3', title: ENGINE, sentences: ENGINE_SENTENCES },
    ]);
    expect(dataset.questions.map((q) => [q.id, q.document, q.gold])).toEqual([
      ['Q1', 0, [LAKE_SENTENCES[2]]],
      ['Q2', 0, [LAKE_SENTENCES[1]]],
      ['Q3', 1, [RAIL_SENTENCES[2]]],
      ['Q4', 1, []],
      ['Q5', 2, [ENGINE_SENTENCES[1]]],
      ['Q6', 0, []],
    ]);
    expect(dataset.questions[0]!.question).toBe('Who first mapped Lake Veldra?');
    expect(dataset.questions.filter(isAnswerable).map((q) => q.id)).toEqual(['Q1', 'Q2', 'Q3', 'Q5']);
  });

  it('accepts CRLF line ends and a byte-order mark', () => {
    expect(parseWikiQA('\uFEFF' + FIXTURE.replace(/\n/g, '\r\n'))).toEqual(parseWikiQA(FIXTURE));
  });

  it('rejects malformed files with the line and what is wrong', () => {
    const lines = FIXTURE.trimEnd().split('\n');
    const withLine = (at: number, replacement: string) => lines.map((l, i) => (i === at ? replacement : l)).join('\n');
    const parse = (text: string) => () => parseWikiQA(text, 'test.tsv');
    expect(parse('Question\tSentence\tLabel\n')).toThrow(/test\.tsv, line 1: the header should be the 7 tab-separated columns QuestionID, Question/);
    expect(parse(HEADER + '\n')).toThrow(/line 1: there is no row after the header/);
    expect(parse(withLine(3, 'Q1\tWho?\tD1\tLake Veldra\tD1-2'))).toThrow(/test\.tsv, line 4: expected 7 tab-separated fields, found 5/);
    expect(parse(withLine(2, row('Q1', 'Who first mapped Lake Veldra?', 'D1', LAKE, 0, 'x', 0).replace(/\t0$/, '\tyes')))).toThrow(
      /line 3: Label must be 0 or 1 \(got "yes"\)/,
    );
    expect(parse(withLine(2, row('Q1', 'Who first mapped Lake Veldra?', 'D1', LAKE, 0, 'x', 0).replace('D1-0', 'D7-0')))).toThrow(
      /line 3: SentenceID "D7-0" is not of the form D1-<position>/,
    );
    // Q2's row for D1-0 (line 6) disagrees with Q1's (line 3).
    expect(parse(withLine(5, row('Q2', 'How large an area does Lake Veldra cover?', 'D1', LAKE, 0, LAKE_SENTENCES[1]!, 0)))).toThrow(
      /line 6: sentence D1-0 has two different texts/,
    );
    expect(parse(withLine(2, row('Q1', 'Who first mapped Lake Veldra?', 'D1', 'Lake Velda', 0, LAKE_SENTENCES[0]!, 0)))).toThrow(
      /line 3: document D1 has two titles/,
    );
    expect(parse(withLine(5, row('Q1', 'Who first mapped Lake Veldra?', 'D2', RAIL, 0, RAIL_SENTENCES[0]!, 0)))).toThrow(
      /line 6: question Q1 is linked to two documents, D1 and D2/,
    );
    expect(parse(withLine(2, row('Q1', 'Who first mapped Lake Veldra?', 'D1', LAKE, 0, ' ', 0)))).toThrow(/line 3: Sentence is empty/);
    expect(parse('not a tsv')).toThrow(InputError);
  });

  it('says which file it cannot read', async () => {
    await expect(readWikiQA(path.join(root, 'missing.tsv'))).rejects.toThrow(/Cannot read the WikiQA file .*missing\.tsv/);
  });
});

describe('the corpus writer', () => {
  it('writes the title, a blank line and the sentences as one paragraph, plus a metadata sidecar; a second run changes nothing', async () => {
    const dir = path.join(root, 'corpus-writer');
    const { documents } = parseWikiQA(FIXTURE);
    const first = await writeWikiQACorpus(documents, dir);
    expect(first).toEqual({ ids: ['lake-veldra', 'harrow-valley-railway', 'gwendolen-locomotive'], written: 3, unchanged: 0 });
    expect((await readdir(dir)).sort()).toEqual([
      'gwendolen-locomotive.meta.json',
      'gwendolen-locomotive.txt',
      'harrow-valley-railway.meta.json',
      'harrow-valley-railway.txt',
      'lake-veldra.meta.json',
      'lake-veldra.txt',
    ]);
    const text = await readFile(path.join(dir, 'gwendolen-locomotive.txt'), 'utf8');
    expect(text).toBe(
      'Gwendolen (locomotive)\n\nGwendolen is a tank engine built in 1895 for the Harrow Valley Railway . It is now displayed in a museum in Cardiff .\n',
    );
    expect(documentFileText(documents[2]!)).toBe(text);
    const meta = JSON.parse(await readFile(path.join(dir, 'gwendolen-locomotive.meta.json'), 'utf8')) as unknown;
    expect(meta).toEqual({ title: 'Gwendolen (locomotive)', url: 'https://en.wikipedia.org/wiki/Gwendolen_(locomotive)' });
    expect(await writeWikiQACorpus(documents, dir)).toEqual({ ...first, written: 0, unchanged: 3 });

    // A changed document is rewritten, the others are left alone.
    const changed = documents.map((d, i) => (i === 1 ? { ...d, sentences: [...d.sentences, 'It reopened as a heritage line .'] } : d));
    expect(await writeWikiQACorpus(changed, dir)).toEqual({ ...first, written: 1, unchanged: 2 });
  });

  it('encodes titles into Wikipedia URLs and gives clashing slugs distinct ids', async () => {
    expect(wikipediaUrl('Café  Society')).toBe('https://en.wikipedia.org/wiki/Caf%C3%A9_Society');
    const written = await writeWikiQACorpus(
      [
        { id: 'D1', title: 'A b', sentences: ['One .'] },
        { id: 'D2', title: 'A-B', sentences: ['Two .'] },
      ],
      path.join(root, 'twins'),
    );
    expect(written.ids).toEqual(['a-b', 'a-b-2']);
  });
});

describe('matching quotes to gold sentences', () => {
  const gold = 'Passenger services ended in 1961 , when the line closed .';

  it('ignores case and all whitespace', () => {
    expect(normalizeForMatch(' A b\tC .\n')).toBe('abc.');
    expect(holds('Passenger services ended in 1961, when the line closed.', gold)).toBe(true);
    expect(holds('PASSENGER SERVICES ENDED IN 1961,WHEN THE LINE CLOSED.', gold)).toBe(true);
    expect(holds('Passenger services ended in 1962, when the line closed.', gold)).toBe(false);
  });

  it('holds a gold sentence when the quote contains it, or is a part of it at least half as long', () => {
    expect(holds('The slate trade collapsed. Passenger services ended in 1961, when the line closed.', gold)).toBe(true);
    // "passengerservicesendedin1961," is 29 of the gold's 49 characters; "passengerservices" only 17.
    expect(holds('Passenger services ended in 1961,', gold)).toBe(true);
    expect(holds('Passenger services', gold)).toBe(false);
    expect(holds('ab', 'a b c d')).toBe(true);
    expect(holds('a', 'a b c d')).toBe(false);
    // Overlapping but neither inside the other.
    expect(holds('when the line closed . It reopened in 1990 .', gold)).toBe(false);
    expect(holds('', gold)).toBe(false);
    expect(holds(' ', ' ')).toBe(false);
    expect(holdsAny('It covers an area of 412 square kilometres.', ['Other .', LAKE_SENTENCES[1]!])).toBe(true);
    expect(holdsAny('Anything.', [])).toBe(false);
  });

  it('scores p@1, hit@3 and the first source of one answer', () => {
    const { questions } = parseWikiQA(FIXTURE);
    const q3 = questions[2]!;
    const right = 'Passenger services ended in 1961, when the line closed.';
    const answer = (quotes: string[], firstArticle: string | undefined) => scoreWikiQA({ quotes, firstArticle, ms: 7 }, q3, 'rail');
    expect(answer([right, 'x'], 'rail')).toEqual({ id: 'Q3', answerable: true, answered: true, firstRight: true, inQuotes: true, firstSource: true, firstQuoteWords: 9, ms: 7 });
    expect(answer(['x', right], 'lake')).toMatchObject({ firstRight: false, inQuotes: true, firstSource: false });
    expect(answer(['x', 'y', 'z', right], 'rail')).toMatchObject({ answered: true, firstRight: false, inQuotes: false, firstSource: true });
    expect(answer([], undefined)).toEqual({ id: 'Q3', answerable: true, answered: false, firstRight: false, inQuotes: false, firstSource: false, firstQuoteWords: 0, ms: 7 });
    expect(scoreWikiQA({ quotes: [right], firstArticle: 'rail', ms: 1 }, questions[3]!, 'rail')).toMatchObject({
      answerable: false,
      answered: true,
      firstRight: false,
    });
  });

  it('measures how gold sentences line up with the indexed ones', () => {
    const goldSentences = ['It covers 412 square kilometres .', 'Brinholm lies on its shore .', 'aaaa bbbb', 'Not indexed at all .'];
    const indexed = ['It covers 412 square kilometres.', 'Map of the lake Brinholm lies on its shore.', 'aaaa', 'bbbb'];
    const questions = [
      { id: 'A', question: 'a?', document: 0, gold: goldSentences.slice(0, 2) },
      { id: 'B', question: 'b?', document: 1, gold: goldSentences.slice(2) },
      { id: 'C', question: 'c?', document: 1, gold: [] },
    ];
    const result = alignment(questions, (document) => (document === 0 ? indexed.slice(0, 2) : indexed.slice(2)));
    expect(result).toEqual({ goldSentences: 4, heldByOne: 0.5, identical: 0.25, unheld: 0.25 });
    expect(alignment([], () => [])).toEqual({ goldSentences: 0, heldByOne: 0, identical: 0, unheld: 0 });
  });
});

describe('the measures', () => {
  const outcome = (id: string, answerable: boolean, answered: boolean, firstRight: boolean, inQuotes: boolean, firstSource: boolean, ms: number): WikiQAOutcome => ({
    id,
    answerable,
    answered,
    firstRight,
    inQuotes,
    firstSource,
    // Answered questions' first quotes are 10 words long (0 for a refusal).
    firstQuoteWords: answered ? 10 : 0,
    ms,
  });

  it('summarizes p@1, hit@3, first source and refusals over the answerable questions, declines over the others, and answer triggering', () => {
    const scores = summarizeWikiQA([
      outcome('a1', true, true, true, true, true, 10),
      outcome('a2', true, true, false, true, true, 20),
      outcome('a3', true, true, false, false, false, 30),
      outcome('a4', true, false, false, false, false, 40),
      outcome('a5', true, true, true, true, true, 50),
      outcome('u1', false, false, false, false, false, 60),
      outcome('u2', false, true, false, false, true, 70),
      outcome('u3', false, false, false, false, false, 80),
      outcome('u4', false, true, false, false, false, 90),
    ]);
    // 2 right first quotes; 5 answerable; 6 answered (4 answerable + 2 unanswerable).
    expect(scores).toEqual({
      questions: 9,
      answerable: 5,
      unanswerable: 4,
      pAt1: 0.4,
      hitAt3: 0.6,
      firstSource: 0.6,
      falseRefusals: 0.2,
      declined: 0.5,
      answerTriggering: { precision: 2 / 6, recall: 0.4, f1: expect.closeTo(4 / 11, 12) as number },
      firstQuoteWords: 10,
      latencyMs: { p50: 50, p95: 90 },
    });
  });

  it('gives zeros, not NaN, for no questions or no answers', () => {
    const empty = summarizeWikiQA([]);
    expect(empty).toEqual({
      questions: 0,
      answerable: 0,
      unanswerable: 0,
      pAt1: 0,
      hitAt3: 0,
      firstSource: 0,
      falseRefusals: 0,
      declined: 0,
      answerTriggering: { precision: 0, recall: 0, f1: 0 },
      firstQuoteWords: 0,
      latencyMs: { p50: 0, p95: 0 },
    });
    const refusedAll = summarizeWikiQA([outcome('a', true, false, false, false, false, 1), outcome('u', false, false, false, false, false, 2)]);
    expect(refusedAll).toMatchObject({ pAt1: 0, falseRefusals: 1, declined: 1, answerTriggering: { precision: 0, recall: 0, f1: 0 } });
  });
});

describe('the report', () => {
  const scores = (pAt1: number, declined: number, p50: number): WikiQAScores => ({
    questions: 6,
    answerable: 4,
    unanswerable: 2,
    pAt1,
    hitAt3: 0.75,
    firstSource: 1,
    falseRefusals: 0,
    declined,
    answerTriggering: { precision: 0.5, recall: pAt1, f1: 0.5 },
    firstQuoteWords: 24,
    latencyMs: { p50, p95: p50 * 2 },
  });
  const report: WikiQAReport = {
    dataset: { file: 'wikiqa.tsv', documents: 3, sentences: 9, questions: 6, answerable: 4, unanswerable: 2 },
    index: { articles: 3, sentences: 9 },
    alignment: { goldSentences: 4, heldByOne: 0.75, identical: 0.5, unheld: 0.25 },
    scores: { verbatim: scores(0.5, 0.5, 9), bm25: scores(0.25, 0, 1.25) },
    verbatimRanking: { ...scores(0.75, 0, 9), questions: 4, unanswerable: 0 },
    reader: 'the shipped reader',
  };

  it('prints the counts, the alignment and one row per measure, Verbatim beside the baselines', () => {
    const lines = formatWikiQAReport(report).split('\n');
    expect(lines[0]).toBe('WikiQA dev: 3 documents, 9 sentences (indexed: 3 articles, 9 sentences); 6 questions, 4 answerable, 2 not');
    expect(lines[1]).toBe('Reader: the shipped reader');
    expect(lines[2]).toBe('Gold sentences held by exactly one indexed sentence of their article: 75.0% of 4 (identical to one: 50.0%; held by none: 25.0%)');
    const cells = (label: string) =>
      lines
        .find((l) => l.startsWith(label))
        ?.split('|')
        .map((c) => c.trim());
    expect(lines[4]!.split('|').map((c) => c.trim())).toEqual(['', 'Verbatim', 'BM25 top-3']);
    expect(cells('p@1 (answerable)')).toEqual(['p@1 (answerable)', '50.0%', '25.0%']);
    // Verbatim's ranking figure comes from the run without refusals; a baseline's is its p@1.
    expect(cells('p@1 ranking (no refusals)')).toEqual(['p@1 ranking (no refusals)', '75.0%', '25.0%']);
    expect(cells('declined (unanswerable)')).toEqual(['declined (unanswerable)', '50.0%', '0.0%']);
    expect(cells('answer triggering F1')).toEqual(['answer triggering F1', '50.0%', '50.0%']);
    expect(cells('latency p50 (ms)')).toEqual(['latency p50 (ms)', '9.0', '1.3']);
    expect(cells('latency p95 (ms)')).toEqual(['latency p95 (ms)', '18.0', '2.5']);
    expect(cells('first quote, mean words')).toEqual(['first quote, mean words', '24.0', '24.0']);
    expect(lines.filter((l) => l.includes(' | '))).toHaveLength(13);
    // Columns line up.
    expect(new Set(lines.slice(4, -1).map((l) => l.length)).size).toBe(1);
  });
});

describe.skipIf(!MODEL_AVAILABLE)('npm run eval:wikiqa end to end', () => {
  const env = () => ({ PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', MODEL_DIR });
  const script = path.join(PROJECT_ROOT, 'scripts', 'eval-wikiqa.ts');

  it('writes the corpus, builds its index, and reports Verbatim beside the baselines as JSON', async () => {
    const args = [script, '--wikiqa', 'wikiqa.tsv', '--corpus', 'corpus', '--index', 'index', '--json'];
    const { stdout, stderr } = await run(TSX, args, { cwd: root, env: env(), timeout: 120_000 });
    expect(stderr).toContain('Corpus: 3 documents');
    expect(stderr).toMatch(/Embedding \d+ texts/);
    expect((await readdir(path.join(root, 'corpus'))).sort()).toContain('harrow-valley-railway.txt');
    const report = JSON.parse(stdout) as WikiQAReport;
    expect(report.dataset).toEqual({ file: 'wikiqa.tsv', documents: 3, sentences: 9, questions: 6, answerable: 4, unanswerable: 2 });
    expect(report.index).toEqual({ articles: 3, sentences: 9 });
    // Every fixture sentence ends in " .", so the splitter agrees with the file.
    expect(report.alignment).toEqual({ goldSentences: 4, heldByOne: 1, identical: 1, unheld: 0 });
    expect(Object.keys(report.scores)).toEqual(['verbatim', 'bm25', 'dense', 'rrf']);
    for (const scores of Object.values(report.scores)) expect(scores).toMatchObject({ questions: 6, answerable: 4, unanswerable: 2 });
    expect(report.verbatimRanking).toMatchObject({ questions: 4, answerable: 4, unanswerable: 0, falseRefusals: 0 });
    // Off-topic questions over three small documents are declined; most answerable ones are quoted right, from
    // the right document ("It covers an area …" does not name the lake, so that one may be declined).
    const verbatim = report.scores.verbatim!;
    expect(verbatim.declined).toBe(1);
    expect(verbatim.pAt1).toBeGreaterThanOrEqual(0.5);
    expect(verbatim.answerTriggering.recall).toBe(verbatim.pAt1);
    expect(verbatim.pAt1 + verbatim.falseRefusals).toBeLessThanOrEqual(1);
    // Without refusals Verbatim answers everything; it cannot do worse on p@1 than with them.
    expect(report.verbatimRanking.falseRefusals).toBe(0);
    expect(report.verbatimRanking.pAt1).toBeGreaterThanOrEqual(verbatim.pAt1);
    expect(report.verbatimRanking.firstSource).toBeGreaterThanOrEqual(0.75);
    expect(report.verbatimRanking.hitAt3).toBeGreaterThanOrEqual(0.75);
    // The dense baseline never refuses: it answers all six, so its precision is its right first quotes over six.
    const dense = report.scores.dense!;
    expect(dense).toMatchObject({ declined: 0, falseRefusals: 0 });
    expect(dense.answerTriggering.precision).toBeCloseTo((dense.pAt1 * 4) / 6, 12);

    // A second run reuses the index: nothing to write, nothing to embed; the table prints without --json.
    const again = await run(TSX, args.slice(0, -1), { cwd: root, env: env(), timeout: 120_000 });
    expect(again.stderr).toContain('(0 written, 3 up to date)');
    expect(again.stderr).not.toMatch(/Embedding [1-9]/);
    expect(again.stdout).toMatch(/^WikiQA dev: 3 documents/);
    expect(again.stdout).toMatch(/\np@1 ranking \(no refusals\) +\|/);
  });

  it('stops with the line of a malformed file and exits non-zero', async () => {
    await writeFile(path.join(root, 'broken.tsv'), FIXTURE.replace('\t1\n', '\tmaybe\n'));
    const failed = await run(TSX, [script, '--wikiqa', 'broken.tsv', '--corpus', 'c2', '--index', 'i2'], { cwd: root, env: env(), timeout: 60_000 }).then(
      () => undefined,
      (error: unknown) => error as { code: number; stderr: string },
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toMatch(/^error: The WikiQA file .*broken\.tsv, line 4: Label must be 0 or 1 \(got "maybe"\)/);
  });
});
