/**
 * Packs an article's sentences into chunks that fit the embedding model's input.
 *
 * - Sentences are packed greedily, in order, within a section (a run of sentences under the
 *   same heading); a heading change always starts a new chunk.
 * - A chunk repeats up to `overlapSentences` sentences of the previous chunk of its section,
 *   as many as fit together with its first new sentence.
 * - A sentence too long to fit alone is cut at word boundaries (inside a word only if one
 *   word alone does not fit) into chunks of its own, each referring to that one sentence.
 * - A heading is carried as context only if it takes at most half of `maxTokens`; a longer
 *   one (a mislabelled paragraph) is left out so that the text still has room.
 *
 * Token counts are cheap: each sentence (and any non-blank text between two sentences, such
 * as a bullet glyph) is counted once, a chunk is sized by summing those counts, which is exact
 * for a WordPiece tokenizer since it splits at whitespace, and each chunk is then verified
 * with one real count of its embedding input, dropping sentences should it not fit.
 */
import type { Article } from '../corpus/types.js';
import { DEFAULT_CHUNKING, embeddingInput } from './types.js';
import type { Chunk, ChunkingOptions, Sentence, TokenCounter } from './types.js';

/** The smallest `maxTokens` accepted: room for the special tokens, a heading and some text. */
export const MIN_MAX_TOKENS = 8;

/** A chunk before it is numbered: offsets into the text and a half-open sentence range. */
export interface Draft {
  start: number;
  end: number;
  sentenceStart: number;
  sentenceEnd: number;
  heading: string | undefined;
  tokenCount: number;
}

/** A run of consecutive sentences under the same heading: sentences [start, end). */
interface Section {
  start: number;
  end: number;
  heading: string | undefined;
}

/** The heading a section's chunks carry as context, and its tokens without specials. */
interface Context {
  heading: string | undefined;
  headingCost: number;
}

/** What packing one article needs to know. */
interface Packing {
  text: string;
  sentences: readonly Sentence[];
  counter: TokenCounter;
  options: ChunkingOptions;
  /** The tokens the counter adds to any text ([CLS] and [SEP]). */
  specials: number;
  /** costPrefix[k]: the summed cost of sentences 0..k-1, each with the text before it back to the previous sentence. */
  costPrefix: number[];
  /** The tokens of each sentence on its own, without specials. */
  ownCost: number[];
}

/**
 * Splits an article into chunks of consecutive sentences, each of whose embedding input
 * (`embeddingInput(chunk)`) has at most `options.maxTokens` tokens under `counter`.
 * `sentences` are the article's sentences in order (as from `splitSentences`); chunk
 * offsets are into `article.text`, and ids are `${article.id}#${ordinal}`. Deterministic.
 */
export function chunkArticle(
  article: Pick<Article, 'id' | 'text'>,
  sentences: readonly Sentence[],
  counter: TokenCounter,
  options: ChunkingOptions = DEFAULT_CHUNKING,
): Chunk[] {
  validateOptions(options);
  const packing = measure(article.text, sentences, counter, options);
  const drafts = sectionsOf(sentences).flatMap((section) => packSection(packing, section));
  return drafts.map((draft, ordinal) => toChunk(article, draft, ordinal));
}

function validateOptions(options: ChunkingOptions): void {
  if (!Number.isInteger(options.maxTokens) || options.maxTokens < MIN_MAX_TOKENS) {
    throw new RangeError(`maxTokens must be an integer of at least ${MIN_MAX_TOKENS}, not ${options.maxTokens}.`);
  }
  if (!Number.isInteger(options.overlapSentences) || options.overlapSentences < 0) {
    throw new RangeError(`overlapSentences must be a non-negative integer, not ${options.overlapSentences}.`);
  }
}

/** Counts every sentence, and the non-blank text between sentences, once. */
function measure(
  text: string,
  sentences: readonly Sentence[],
  counter: TokenCounter,
  options: ChunkingOptions,
): Packing {
  const specials = counter.countTokens('');
  const cost = (piece: string): number => (/\S/.test(piece) ? counter.countTokens(piece) - specials : 0);
  const ownCost = sentences.map((sentence) => cost(text.slice(sentence.start, sentence.end)));
  const costPrefix = [0];
  sentences.forEach((sentence, k) => {
    const gap = k === 0 ? 0 : cost(text.slice(sentences[k - 1]?.end ?? sentence.start, sentence.start));
    costPrefix.push((costPrefix[k] ?? 0) + gap + (ownCost[k] ?? 0));
  });
  return { text, sentences, counter, options, specials, costPrefix, ownCost };
}

/** The runs of consecutive sentences that share a heading. */
function sectionsOf(sentences: readonly Sentence[]): Section[] {
  const sections: Section[] = [];
  sentences.forEach((sentence, k) => {
    const current = sections.at(-1);
    if (current && current.heading === sentence.heading) current.end = k + 1;
    else sections.push({ start: k, end: k + 1, heading: sentence.heading });
  });
  return sections;
}

/** Packs one section's sentences into drafts. */
function packSection(packing: Packing, section: Section): Draft[] {
  const context = contextOf(packing, section.heading);
  const drafts: Draft[] = [];
  let previous: Draft | undefined;
  let next = section.start;
  while (next < section.end) {
    const draft = packFrom(packing, section, context, next, previous);
    if (draft) {
      drafts.push(draft);
      previous = draft;
      next = draft.sentenceEnd;
    } else {
      drafts.push(...splitSentence(packing, next, context.heading));
      previous = undefined;
      next += 1;
    }
  }
  return drafts;
}

/** The heading to carry as context, unless it would take more than half of the token budget. */
function contextOf(packing: Packing, heading: string | undefined): Context {
  if (heading === undefined) return { heading, headingCost: 0 };
  const headingCost = packing.counter.countTokens(heading) - packing.specials;
  if (headingCost > packing.options.maxTokens / 2) return { heading: undefined, headingCost: 0 };
  return { heading, headingCost };
}

/**
 * The largest chunk that starts with sentence `next` (after as much overlap with `previous`
 * as fits) and fits the budget, or undefined if sentence `next` does not fit even alone.
 */
function packFrom(
  packing: Packing,
  section: Section,
  context: Context,
  next: number,
  previous: Draft | undefined,
): Draft | undefined {
  const fits = (first: number, end: number): boolean =>
    estimate(packing, context, first, end) <= packing.options.maxTokens;
  if (!fits(next, next + 1)) return undefined;
  const available = previous ? next - previous.sentenceStart : 0;
  let first = next - Math.min(packing.options.overlapSentences, available);
  while (first < next && !fits(first, next + 1)) first++;
  let end = next + 1;
  while (end < section.end && fits(first, end + 1)) end++;
  return verified(packing, context.heading, first, next, end);
}

/** The estimated tokens of the embedding input of sentences [first, end) under the context's heading. */
function estimate(packing: Packing, context: Context, first: number, end: number): number {
  const joined = (packing.costPrefix[end] ?? 0) - (packing.costPrefix[first + 1] ?? 0);
  return packing.specials + context.headingCost + (packing.ownCost[first] ?? 0) + joined;
}

/**
 * A draft of sentences [first, end) checked with the real counter; while it does not fit,
 * trailing sentences after `next` and then overlap sentences before it are dropped.
 * Undefined if sentence `next` alone does not fit.
 */
function verified(
  packing: Packing,
  heading: string | undefined,
  first: number,
  next: number,
  end: number,
): Draft | undefined {
  for (;;) {
    const draft = makeDraft(packing, heading, first, end);
    if (draft.tokenCount <= packing.options.maxTokens) return draft;
    if (end > next + 1) end--;
    else if (first < next) first++;
    else return undefined;
  }
}

/** A draft of sentences [first, end), with its real token count. */
function makeDraft(packing: Packing, heading: string | undefined, first: number, end: number): Draft {
  const start = sentenceAt(packing, first).start;
  const stop = sentenceAt(packing, end - 1).end;
  const tokenCount = countInput(packing, heading, start, stop);
  return { start, end: stop, sentenceStart: first, sentenceEnd: end, heading, tokenCount };
}

/** Cuts sentence `index` into chunks that fit, at word boundaries where a word fits. */
function splitSentence(packing: Packing, index: number, heading: string | undefined): Draft[] {
  const sentence = sentenceAt(packing, index);
  const wordEnds = wordEndsOf(packing.text, sentence.start, sentence.end);
  const drafts: Draft[] = [];
  let start = sentence.start;
  while (start < sentence.end) {
    const stop =
      longestFittingEnd(packing, heading, start, wordEnds) ??
      longestFittingEnd(packing, heading, start, codePointEnds(packing.text, start, sentence.end)) ??
      start + codePointLength(packing.text, start); // one code point: never over budget for a WordPiece counter
    const tokenCount = countInput(packing, heading, start, stop);
    drafts.push({ start, end: stop, sentenceStart: index, sentenceEnd: index + 1, heading, tokenCount });
    start = skipWhitespace(packing.text, stop, sentence.end);
  }
  return drafts;
}

/** The largest of `ends` after `start` whose span from `start` fits the budget, found by binary search. */
function longestFittingEnd(
  packing: Packing,
  heading: string | undefined,
  start: number,
  ends: readonly number[],
): number | undefined {
  let low = firstIndexAfter(ends, start);
  let high = ends.length - 1;
  let best: number | undefined;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const end = ends[middle] ?? start;
    if (countInput(packing, heading, start, end) <= packing.options.maxTokens) {
      best = end;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return best;
}

/** The index of the first of the ascending `values` greater than `after`. */
function firstIndexAfter(values: readonly number[], after: number): number {
  const index = values.findIndex((value) => value > after);
  return index === -1 ? values.length : index;
}

/** The offsets in [start, end) where a run of non-whitespace ends, ascending. */
function wordEndsOf(text: string, start: number, end: number): number[] {
  const ends: number[] = [];
  for (const match of text.slice(start, end).matchAll(/\S+/g)) ends.push(start + match.index + match[0].length);
  return ends;
}

/** The code point boundaries after `start` within the word that begins there, ascending. */
function codePointEnds(text: string, start: number, limit: number): number[] {
  const ends: number[] = [];
  let at = start;
  while (at < limit && !/\s/.test(text.charAt(at))) {
    at += codePointLength(text, at);
    ends.push(at);
  }
  return ends;
}

/** 2 if a surrogate pair starts at `at`, else 1. */
function codePointLength(text: string, at: number): number {
  return (text.codePointAt(at) ?? 0) > 0xffff ? 2 : 1;
}

/** The first offset at or after `at` (and before `limit`) that is not whitespace. */
function skipWhitespace(text: string, at: number, limit: number): number {
  let offset = at;
  while (offset < limit && /\s/.test(text.charAt(offset))) offset++;
  return offset;
}

/** The real token count of the embedding input of text [start, end) under `heading`. */
function countInput(packing: Packing, heading: string | undefined, start: number, end: number): number {
  return packing.counter.countTokens(embeddingInput({ heading, text: packing.text.slice(start, end) }));
}

function sentenceAt(packing: Packing, index: number): Sentence {
  const sentence = packing.sentences[index];
  if (!sentence) throw new RangeError(`No sentence ${index} (the article has ${packing.sentences.length}).`);
  return sentence;
}

/** Chunk `ordinal` of an article, from its draft. */
export function toChunk(article: Pick<Article, 'id' | 'text'>, draft: Draft, ordinal: number): Chunk {
  const chunk: Chunk = {
    id: `${article.id}#${ordinal}`,
    articleId: article.id,
    ordinal,
    start: draft.start,
    end: draft.end,
    text: article.text.slice(draft.start, draft.end),
    sentenceStart: draft.sentenceStart,
    sentenceEnd: draft.sentenceEnd,
    tokenCount: draft.tokenCount,
  };
  if (draft.heading !== undefined) chunk.heading = draft.heading;
  return chunk;
}
