/**
 * Turns the Discord bot's feedback log (in its database, DATABASE_FILE, or a JSON-lines file: an
 * older version's FEEDBACK_FILE or `npm run feedback:export`'s output; see src/storage/feedback-lines.ts) into an
 * evaluation questions file (see eval-questions.ts) that a maintainer reviews and keeps:
 *
 * - votes are grouped by question (case and spacing ignored); each voter counts once per question
 *   (their latest vote), and the majority decides; a tie is left out;
 * - 👍 on an answer → `source`: the article of its first quote, `expect`: a few distinctive words of
 *   that quote (of each distinct first quote, when the up-voted answers differ);
 *   👍 on a refusal → `source: null` (the corpus does not answer it);
 * - 👎 with "should have declined" → `source: null`;
 *   👎 naming wrong quotes → `wrongPhrases`: a few distinctive words of each (no `source`: which
 *   article does answer it is not known);
 *   👎 saying nothing more, or on a refusal → left out (there is nothing to check without a person
 *   saying what the right answer is);
 * - lines of older versions without the answer's quotes are left out, as are lines that cannot be read.
 *
 * The output is sorted by question and does not depend on the order of the lines, so converting
 * again after more votes gives a diff of what changed.
 */
import { open, readFile } from 'node:fs/promises';
import { InputError } from '../core/errors.js';
import { openDatabase } from '../storage/database.js';
import { exportLines, FeedbackLog } from '../storage/feedback-log.js';
import type { EvalQuestionInput } from './eval-questions.js';

/** A quote as the feedback file keeps it (src/discord/feedback.ts FeedbackQuote). */
interface FileQuote {
  source: number;
  articleId: string;
  start?: number;
  end?: number;
  text: string;
}

/** A vote with the details its voter added. */
interface VoteLine {
  time: string;
  answerId: string;
  user: string;
  vote: 'up' | 'down';
  question: string;
  sources: string[];
  answered?: boolean;
  quotes?: FileQuote[];
  declined: boolean;
  /** 1-based numbers of the quotes named wrong. */
  wrong: number[];
}

/** A question left out of the file, and why. */
export interface LeftOut {
  q: string;
  why: string;
}

export interface Conversion {
  items: EvalQuestionInput[];
  leftOut: LeftOut[];
  /** Votes read (each voter's first vote on an answer). */
  votes: number;
  /** Lines that could not be read, or details without their vote. */
  skippedLines: number;
}

/** The most words of a phrase taken for `expect` and for `wrongPhrases`. */
const EXPECT_WORDS = 3;
const WRONG_WORDS = 4;
/** At most this many `expect` phrases per item. */
const MAX_EXPECT = 3;

/** Reads a feedback file and converts it (see the module comment). */
export async function feedbackFileToEval(file: string): Promise<Conversion> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new InputError(`Cannot read the feedback file ${file}: ${(error as Error).message}`, {
      hint: 'Give no file to read the bot’s database (DATABASE_FILE), or a JSON-lines file (npm run feedback:export, or an older version’s FEEDBACK_FILE).',
    });
  }
  return feedbackToEval(text);
}

/** Reads the feedback log of the bot's database (opened read-only) and converts it. */
export function feedbackDatabaseToEval(file: string): Conversion {
  const db = openDatabase(file, { readonly: true });
  try {
    return feedbackToEval([...exportLines(new FeedbackLog(db))].join(''));
  } finally {
    db.close();
  }
}

/** Whether a file is an SQLite database (by its first 16 bytes); false when it cannot be read. */
export async function isSqliteFile(file: string): Promise<boolean> {
  try {
    const handle = await open(file, 'r');
    try {
      const { buffer, bytesRead } = await handle.read(Buffer.alloc(16), 0, 16, 0);
      return bytesRead === 16 && buffer.toString('latin1') === 'SQLite format 3\0';
    } finally {
      await handle.close();
    }
  } catch {
    return false;
  }
}

/** Converts the text of a feedback file (JSON lines) into evaluation items. */
export function feedbackToEval(text: string): Conversion {
  const { votes, skipped } = readVotes(text);
  const groups = new Map<string, VoteLine[]>();
  const leftOut: LeftOut[] = [];
  for (const vote of votes) {
    const key = questionKey(vote.question);
    if (key.length === 0) continue;
    const group = groups.get(key);
    if (group) group.push(vote);
    else groups.set(key, [vote]);
  }
  const emptyQuestions = votes.filter((v) => questionKey(v.question).length === 0).length;
  if (emptyQuestions > 0) leftOut.push({ q: '', why: `${emptyQuestions} vote(s) without the question (recovered from a message that had none)` });

  const frequencies = documentFrequencies(votes);
  const items: EvalQuestionInput[] = [];
  for (const group of groups.values()) {
    const decided = decide(group, frequencies);
    if ('why' in decided) leftOut.push(decided);
    else items.push(decided);
  }
  const byQuestion = (a: { q: string }, b: { q: string }): number => compare(questionKey(a.q), questionKey(b.q)) || compare(a.q, b.q);
  items.sort(byQuestion);
  leftOut.sort(byQuestion);
  return { items, leftOut, votes: votes.length, skippedLines: skipped };
}

/** The votes of a feedback file (first per answer and voter), with their details attached. */
function readVotes(text: string): { votes: VoteLine[]; skipped: number } {
  const votes = new Map<string, VoteLine>();
  const details: Record<string, unknown>[] = [];
  let skipped = 0;
  for (const line of text.split('\n')) {
    if (line.trim().length === 0) continue;
    let record: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(line);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
      record = parsed as Record<string, unknown>;
    } catch {
      skipped++;
      continue;
    }
    const { answerId, user, vote } = record;
    if (typeof answerId !== 'string' || typeof user !== 'string') {
      skipped++;
      continue;
    }
    if (vote === undefined && typeof record.detail === 'string') {
      details.push(record);
      continue;
    }
    if (vote !== 'up' && vote !== 'down') {
      skipped++;
      continue;
    }
    const key = `${answerId}:${user}`;
    const time = typeof record.time === 'string' ? record.time : '';
    // One vote per person per answer: the first counts (as the bot does), by time, whatever the order of the lines.
    const earlier = votes.get(key);
    if (earlier !== undefined && compare(earlier.time, time) <= 0) continue;
    votes.set(key, {
      time,
      answerId,
      user,
      vote,
      question: typeof record.question === 'string' ? record.question : '',
      sources: Array.isArray(record.sources) ? record.sources.filter((s): s is string => typeof s === 'string') : [],
      ...(typeof record.answered === 'boolean' ? { answered: record.answered } : {}),
      ...(Array.isArray(record.quotes) ? { quotes: record.quotes.filter(isQuote) } : {}),
      declined: false,
      wrong: [],
    });
  }
  for (const detail of details) {
    const vote = votes.get(`${String(detail.answerId)}:${String(detail.user)}`);
    if (!vote || vote.vote !== 'down') {
      skipped++;
      continue;
    }
    if (detail.detail === 'should-decline') vote.declined = true;
    else if (detail.detail === 'wrong-quote' && typeof detail.quote === 'number' && vote.quotes?.[detail.quote - 1] !== undefined) {
      if (!vote.wrong.includes(detail.quote)) vote.wrong.push(detail.quote);
    } else skipped++;
  }
  return { votes: [...votes.values()], skipped };
}

function isQuote(value: unknown): value is FileQuote {
  const q = value as Partial<FileQuote> | null;
  return typeof q === 'object' && q !== null && typeof q.text === 'string' && typeof q.articleId === 'string' && typeof q.source === 'number';
}

/** The item a question's votes make, or why there is none. */
function decide(group: VoteLine[], frequencies: Frequencies): EvalQuestionInput | LeftOut {
  // Each voter once per question: their latest vote (they may have voted on several answers to it).
  const latest = new Map<string, VoteLine>();
  for (const vote of [...group].sort((a, b) => compare(a.time, b.time) || compare(a.answerId, b.answerId))) latest.set(vote.user, vote);
  const voters = [...latest.values()];
  const q = commonest(voters.map((v) => v.question.replace(/\s+/g, ' ').trim()));
  const ups = voters.filter((v) => v.vote === 'up');
  const downs = voters.filter((v) => v.vote === 'down');
  const tally = `${ups.length} up, ${downs.length} down`;
  if (ups.length === downs.length) return { q, why: `tie (${tally})` };
  const winners = ups.length > downs.length ? ups : downs;
  if (winners.every((v) => v.answered === undefined)) return { q, why: `recorded before the bot kept its answers (${tally})` };
  const onRefusals = winners.filter((v) => v.answered === false).length;
  const onAnswers = winners.filter((v) => v.answered === true);
  const note = `from feedback: ${tally}`;

  if (winners === ups) {
    if (onRefusals > onAnswers.length) return { q, source: null, expect: [], note: `${note}; the declining was right` };
    const source = commonest(onAnswers.map((v) => v.quotes?.[0]?.articleId ?? v.sources[0]).filter((id): id is string => id !== undefined));
    if (source === '') return { q, why: `the answers voted up have no sources (${tally})` };
    const firstQuotes = uniqueQuotes(onAnswers.map((v) => v.quotes?.[0]).filter((quote): quote is FileQuote => quote?.articleId === source));
    const expect = unique(firstQuotes.map((quote) => distinctivePhrase(quote.text, q, frequencies, EXPECT_WORDS)).filter((p) => p.length > 0))
      .sort(compare)
      .slice(0, MAX_EXPECT);
    return { q, source, expect, note };
  }

  if (onRefusals > onAnswers.length) return { q, why: `👎 on a refusal: the corpus should answer it, but from which article is not known — add it by hand (${tally})` };
  const declined = onAnswers.filter((v) => v.declined).length;
  const naming = onAnswers.filter((v) => v.wrong.length > 0).length;
  if (declined > 0 && declined >= naming) {
    return { q, source: null, expect: [], note: `${note}; ${declined} said it should have declined` };
  }
  if (naming > 0) {
    const wrongQuotes = uniqueQuotes(onAnswers.flatMap((v) => v.wrong.map((n) => v.quotes![n - 1]!)));
    const wrongPhrases = unique(wrongQuotes.map((quote) => distinctivePhrase(quote.text, q, frequencies, WRONG_WORDS)).filter((p) => p.length > 0)).sort(compare);
    if (wrongPhrases.length === 0) return { q, why: `the quotes named wrong have no words to check (${tally})` };
    const articles = unique(wrongQuotes.map((quote) => quote.articleId)).sort(compare);
    return { q, expect: [], wrongPhrases, note: `${note}; ${naming} named wrong quotes (from ${articles.join(', ')}); the right source is not known` };
  }
  return { q, why: `👎 without saying what was wrong (${tally})` };
}

/** Quotes, each once (by article and offsets, or by text when the offsets are not known), in a stable order. */
function uniqueQuotes(quotes: FileQuote[]): FileQuote[] {
  const byKey = new Map<string, FileQuote>();
  for (const quote of quotes) {
    const key = quote.start !== undefined && quote.end !== undefined ? `${quote.articleId}@${quote.start}-${quote.end}` : `${quote.articleId}:${quote.text}`;
    if (!byKey.has(key)) byKey.set(key, quote);
  }
  return [...byKey.entries()].sort(([a], [b]) => compare(a, b)).map(([, quote]) => quote);
}

/** How a question is compared: case, spacing and a trailing ellipsis (of a cut title) ignored. */
export function questionKey(question: string): string {
  return question.normalize('NFKC').replace(/\s+/g, ' ').replace(/ ?…$/, '').trim().toLowerCase();
}

/** The most common value (the smallest of equally common ones), or '' for none. */
function commonest(values: string[]): string {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  let best = '';
  let bestCount = 0;
  for (const [value, count] of [...counts.entries()].sort(([a], [b]) => compare(a, b))) {
    if (count > bestCount) [best, bestCount] = [value, count];
  }
  return best;
}

function unique(values: string[]): string[] {
  const seen = new Map<string, string>();
  for (const value of values) if (!seen.has(value.toLowerCase())) seen.set(value.toLowerCase(), value);
  return [...seen.values()];
}

/** Code-unit order: the same on every machine and locale. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// --- Distinctive phrases ---------------------------------------------------------------------------

const STOPWORDS = new Set(
  `a about above after again against all also am an and any are as at be because been before being below between both but by
  can could did do does doing down during each few for from further had has have having he her here hers herself him himself his
  how i if in into is it its itself just me more most my myself no nor not now of off on once only or other our ours ourselves out
  over own same she should so some such than that the their theirs them themselves then there these they this those through to too
  under until up very was we were what when where which while who whom why will with would you your yours yourself yourselves
  said says say told according mr mrs ms one two may might must shall us new even still already later well back many much
  confirmed highlighted emphasized emphasizing stressed noted repeatedly importance`
    .split(/\s+/)
    .filter((word) => word.length > 0),
);

/** In how many distinct quotes of the file each word occurs, and how many quotes there are. */
export interface Frequencies {
  docs: number;
  of: Map<string, number>;
}

export function documentFrequencies(votes: readonly VoteLine[]): Frequencies {
  const texts = new Set<string>();
  for (const vote of votes) for (const quote of vote.quotes ?? []) texts.add(quote.text);
  const of = new Map<string, number>();
  for (const text of texts) {
    for (const word of new Set(words(text).map((w) => w.word.toLowerCase()))) of.set(word, (of.get(word) ?? 0) + 1);
  }
  return { docs: texts.size, of };
}

interface Word {
  word: string;
  start: number;
  end: number;
}

function words(text: string): Word[] {
  return [...text.matchAll(/[\p{L}\p{N}]+(?:['’\-.][\p{L}\p{N}]+)*/gu)].map((m) => ({ word: m[0], start: m.index, end: m.index + m[0].length }));
}

function weight(word: string, frequencies: Frequencies, asked: ReadonlySet<string>): number {
  const lower = word.toLowerCase();
  if (STOPWORDS.has(lower) || word.length < 3) return 0;
  // A word of the question says nothing about the answer: it may stand inside a phrase, like a stop word.
  if (asked.has(lower)) return 0;
  const idf = 1 + Math.log((frequencies.docs + 1) / ((frequencies.of.get(lower) ?? 0) + 1));
  const named = /^[\p{Lu}\p{N}]/u.test(word) ? 1.2 : 1;
  return idf * named * (0.5 + Math.min(word.length, 12) / 12);
}

/**
 * A few distinctive words of a quote, exactly as they stand in it (so that the eval's substring test
 * finds them): the run of words (2…`maxWords` of them not stop words), unbroken by punctuation, that begins and ends with a word that
 * is not a stop word, with the highest summed weight (rarer in the file's quotes, longer or
 * capitalised words weigh more, later words a little more; words of the question count as stop words); the earliest of equal ones. Failing such a run,
 * the single heaviest word.
 */
export function distinctivePhrase(text: string, question: string, frequencies: Frequencies, maxWords: number): string {
  // `maxWords` counts the words that are not stop words; the run may have two stop words besides.
  const asked = new Set(words(question).map((w) => w.word.toLowerCase()));
  const sentence = answeringSentence(text, asked);
  const all = words(text).filter((w) => w.start >= sentence.start && w.end <= sentence.end);
  if (all.length === 0) return '';
  // Answers tend to come after the words that frame them ("X said that …", "… since the Cold War era").
  const at = (k: number): number => weight(all[k]!.word, frequencies, asked) * (0.7 + (0.6 * k) / Math.max(1, all.length - 1));
  let best = '';
  let bestScore = 0;
  for (let i = 0; i < all.length; i++) {
    if (at(i) === 0) continue;
    let score = 0;
    let content = 0;
    for (let j = i; j < Math.min(all.length, i + maxWords + 2) && content < maxWords; j++) {
      if (j > i && text.slice(all[j - 1]!.end, all[j]!.start) !== ' ') break;
      const w = at(j);
      score += w;
      if (w > 0) content++;
      if (j === i || w === 0) continue;
      if (score > bestScore) [best, bestScore] = [text.slice(all[i]!.start, all[j]!.end), score];
    }
  }
  if (best.length > 0) return best;
  // No run of two content words: the single heaviest word.
  for (const [k, w] of all.entries()) {
    if (at(k) > bestScore) [best, bestScore] = [w.word, at(k)];
  }
  return best;
}

/**
 * The sentence of a quote that answers: the one with the most of the question's words that are not
 * stop words (the last of equal ones: what answers tends to follow what frames it).
 */
function answeringSentence(text: string, asked: ReadonlySet<string>): { start: number; end: number } {
  const sentences: { start: number; end: number }[] = [];
  let start = 0;
  for (const boundary of text.matchAll(/(?<=[.!?][”"’)]?)\s+(?=[\p{Lu}\p{N}“"‘(])/gu)) {
    sentences.push({ start, end: boundary.index });
    start = boundary.index + boundary[0].length;
  }
  sentences.push({ start, end: text.length });
  let best = sentences[0]!;
  let bestCount = -1;
  for (const sentence of sentences) {
    const found = new Set(words(text.slice(sentence.start, sentence.end)).map((w) => w.word.toLowerCase()));
    const count = [...asked].filter((word) => !STOPWORDS.has(word) && found.has(word)).length;
    if (count >= bestCount) [best, bestCount] = [sentence, count];
  }
  return best;
}

/** The file's text: one item a line, so that a reviewed file diffs line by line. */
export function formatEvalFile(items: readonly EvalQuestionInput[]): string {
  if (items.length === 0) return '[]\n';
  return `[\n${items.map((item) => `  ${JSON.stringify(item)}`).join(',\n')}\n]\n`;
}

/** A summary of what was kept and left out, for stderr. */
export function formatConversionReport(conversion: Conversion): string {
  const { items, leftOut } = conversion;
  const answerable = items.filter((i) => typeof i.source === 'string').length;
  const decline = items.filter((i) => i.source === null).length;
  const wrongOnly = items.length - answerable - decline;
  const lines = [
    `Read ${conversion.votes} vote(s)${conversion.skippedLines > 0 ? ` (${conversion.skippedLines} line(s) skipped)` : ''}; kept ${items.length} question(s): ` +
      `${answerable} with a source, ${decline} to decline, ${wrongOnly} with wrong quotes only.`,
  ];
  if (leftOut.length > 0) {
    lines.push(`Left out ${leftOut.length}:`);
    for (const item of leftOut) lines.push(`  - ${item.q.length > 0 ? item.q : '(no question)'} — ${item.why}`);
  }
  lines.push('Review the file before keeping it: phrases were picked automatically.');
  return lines.join('\n') + '\n';
}
