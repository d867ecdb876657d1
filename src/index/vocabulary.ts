/**
 * The surface words of the indexed text: every distinct lower-cased word (as `words()` yields it,
 * unstemmed, stop words included) of the articles' titles and texts, with how often it occurs. It
 * says which words of a question the corpus knows, and which known word is nearest to one it does
 * not (for spelling correction, src/retrieval/spelling.ts).
 *
 * Held lean: one sorted array of the words (looked up by binary search, no Map) and their counts in
 * a Uint32Array. What `nearest()` searches is built on its first call, in typed arrays (up to 24
 * bytes a word, ~6 MB for 200k words): each word in two buckets, keyed by its length and its first
 * or its second character, beside two 32-bit masks of the characters it holds.
 *
 * File: `vocabulary.json`, `{ "words": [...], "counts": [...] }`, words in code-unit order.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { distance } from 'fastest-levenshtein';
import { IndexError } from '../core/errors.js';
import { vocabularySchema } from './generation/schema.js';
import { words as wordsOf } from './terms.js';

export { VOCABULARY_FILE } from './generation/schema.js';

/** A known word near a given one. */
export interface NearestWord {
  word: string;
  /** Levenshtein distance (insertions, deletions, substitutions of UTF-16 code units). */
  distance: number;
  count: number;
}

/** A vocabulary being counted (Vocabulary.builder). */
export interface VocabularyBuilder {
  add(text: string): void;
  finish(): Vocabulary;
}

export class Vocabulary {
  /**
   * What `nearest()` searches, built on its first call: by `bucketKey(length, character)`, the
   * words of that length whose first or second character it is, as (masks, id) triples.
   */
  private buckets: Map<number, Uint32Array> | undefined;

  /** `words` sorted in code-unit order, without repeats; `counts[i]` is the count of `words[i]`. */
  private constructor(
    private readonly words: readonly string[],
    private readonly counts: Uint32Array,
  ) {}

  /** The vocabulary of some texts: every word of each, lower-cased, counted. */
  static build(texts: Iterable<string>): Vocabulary {
    const builder = Vocabulary.builder();
    for (const text of texts) builder.add(text);
    return builder.finish();
  }

  /** A vocabulary counted one text at a time (a streaming build keeps the counts, not the texts); the same as `build` of the same texts. */
  static builder(): VocabularyBuilder {
    const counts = new Map<string, number>();
    return {
      add(text) {
        for (const word of wordsOf(text)) counts.set(word, (counts.get(word) ?? 0) + 1);
      },
      finish: () => Vocabulary.fromCounts(counts),
    };
  }

  /** A vocabulary of the given words and counts (words are lower-cased; repeats add up). */
  static fromCounts(entries: Iterable<readonly [string, number]>): Vocabulary {
    const merged = new Map<string, number>();
    for (const [word, count] of entries) {
      const lower = word.toLowerCase();
      if (lower.length > 0) merged.set(lower, (merged.get(lower) ?? 0) + count);
    }
    const words = [...merged.keys()].sort();
    const counts = new Uint32Array(words.length);
    words.forEach((word, i) => (counts[i] = Math.min(0xffffffff, Math.max(0, Math.round(merged.get(word)!)))));
    return new Vocabulary(words, counts);
  }

  /** How many distinct words. */
  get size(): number {
    return this.words.length;
  }

  /** Whether the word occurs in the indexed text (case is ignored). */
  has(word: string): boolean {
    return this.indexOf(word.toLowerCase()) >= 0;
  }

  /** How often the word occurs in the indexed text (0 if never; case is ignored). */
  count(word: string): number {
    const i = this.indexOf(word.toLowerCase());
    return i < 0 ? 0 : this.counts[i]!;
  }

  /**
   * The known word nearest to `word` (lower-cased) by Levenshtein distance, at most `maxDistance`
   * away, or undefined. A known word is itself, at distance 0. Ties go to the more frequent word,
   * then to the first in code-unit order, so the answer is always the same.
   *
   * Only known words whose first two characters share one with the word's first two (as a set:
   * "trum" finds "trump", and so do "xrump", "rtump" and "rump") are considered: a misspelling
   * that gets both of the first two characters wrong is not corrected. Among those the answer is
   * exact: only words that could be near enough are measured. Lengths further apart than the
   * best distance so far are not looked at, and a word whose characters differ too much is
   * skipped: the distance is at least (L1 + |Δlength|) / 2, where L1 is how far apart the two
   * words' character counts are (a substitution moves it by 2 at most, an insertion or deletion
   * by 1), and L1 is at least the number of bits in which the words' masks differ.
   */
  nearest(word: string, maxDistance: number): NearestWord | undefined {
    const query = word.toLowerCase();
    const exact = this.indexOf(query);
    if (exact >= 0) return { word: query, distance: 0, count: this.counts[exact]! };
    if (query.length === 0 || this.words.length === 0 || !(maxDistance >= 1)) return undefined;
    const buckets = (this.buckets ??= this.buildBuckets());
    const [once, twice] = masksOf(query);
    const length = query.length;
    const first = query.charCodeAt(0);
    const second = length > 1 ? query.charCodeAt(1) : first;
    const keys = second === first ? [first] : [first, second];

    let best = -1;
    let limit = Math.floor(maxDistance);
    // Nearest lengths first, so the limit tightens early.
    for (let lengthDifference = 0; lengthDifference <= limit; lengthDifference++) {
      for (const candidateLength of lengthDifference === 0 ? [length] : [length - lengthDifference, length + lengthDifference]) {
        if (candidateLength < 1) continue;
        for (let k = 0; k < keys.length; k++) {
          const bucket = buckets.get(bucketKey(candidateLength, keys[k]!));
          if (bucket === undefined) continue;
          for (let b = 0; b < bucket.length; b += 3) {
            // d ≥ (L1 + |Δlength|) / 2, with L1 (of the character counts) ≥ the masks' differing bits.
            const bits = popcount(bucket[b]! ^ once) + lengthDifference;
            if ((bits + 1) >> 1 > limit || (bits + popcount(bucket[b + 1]! ^ twice) + 1) >> 1 > limit) continue;
            const id = bucket[b + 2]!;
            const candidate = this.words[id]!;
            // Already measured in the first character's bucket.
            if (k === 1 && (candidate.charCodeAt(0) === first || candidate.charCodeAt(1) === first)) continue;
            const d = distance(query, candidate);
            if (d > limit) continue;
            if (best < 0 || d < limit || this.counts[id]! > this.counts[best]! || (this.counts[id] === this.counts[best] && candidate < this.words[best]!)) {
              best = id;
              limit = d;
            }
          }
        }
      }
    }
    return best < 0 ? undefined : { word: this.words[best]!, distance: limit, count: this.counts[best]! };
  }

  async save(file: string): Promise<void> {
    await writeFile(file, JSON.stringify({ words: this.words, counts: Array.from(this.counts) }));
  }

  static async load(file: string): Promise<Vocabulary> {
    let json: unknown;
    try {
      json = JSON.parse(await readFile(file, 'utf8'));
    } catch (error) {
      throw new IndexError(`The vocabulary ${file} is missing or damaged.`, { path: file, cause: error });
    }
    const parsed = vocabularySchema.safeParse(json);
    if (!parsed.success) throw new IndexError(`The vocabulary ${file} is incomplete.`, { path: file });
    const { words, counts } = parsed.data;
    const typed = new Uint32Array(counts.length);
    for (let i = 0; i < words.length; i++) {
      const word = words[i]!;
      const count = counts[i]!;
      // Sorted without repeats (lookups are binary searches), counts whole and ≥ 0.
      if ((i > 0 && !(words[i - 1]! < word)) || !Number.isInteger(count) || count < 0) {
        throw new IndexError(`The vocabulary ${file} is damaged (entry ${i}).`, { path: file });
      }
      typed[i] = count;
    }
    return new Vocabulary(words, typed);
  }

  /** Index of `word` in `words` (binary search), or -1. */
  private indexOf(word: string): number {
    let lo = 0;
    let hi = this.words.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const at = this.words[mid]!;
      if (at === word) return mid;
      if (at < word) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  private buildBuckets(): Map<number, Uint32Array> {
    const n = this.words.length;
    // Each word's masks and bucket keys (the second -1 when the word has no second, different, character).
    const once = new Uint32Array(n);
    const twice = new Uint32Array(n);
    const keys = new Float64Array(2 * n).fill(-1);
    const sizes = new Map<number, number>();
    for (let id = 0; id < n; id++) {
      const word = this.words[id]!;
      [once[id], twice[id]] = masksOf(word);
      const first = word.charCodeAt(0);
      keys[2 * id] = bucketKey(word.length, first);
      if (word.length > 1 && word.charCodeAt(1) !== first) keys[2 * id + 1] = bucketKey(word.length, word.charCodeAt(1));
    }
    for (const key of keys) if (key >= 0) sizes.set(key, (sizes.get(key) ?? 0) + 1);
    const buckets = new Map<number, Uint32Array>();
    const filled = new Map<number, number>();
    for (const [key, size] of sizes) {
      buckets.set(key, new Uint32Array(3 * size));
      filled.set(key, 0);
    }
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      if (key < 0) continue;
      const id = i >> 1;
      const bucket = buckets.get(key)!;
      const at = filled.get(key)!;
      bucket[at] = once[id]!;
      bucket[at + 1] = twice[id]!;
      bucket[at + 2] = id;
      filled.set(key, at + 3);
    }
    return buckets;
  }
}

function bucketKey(length: number, charCode: number): number {
  return length * 0x10000 + charCode;
}

/**
 * Which characters a word holds, as two masks: a bit for each character it holds once or more,
 * and one for each it holds twice or more (a–z bits 0–25, other characters hashed into 26–31).
 * The bits in which two words' masks differ are at most the L1 distance of their character counts.
 */
function masksOf(word: string): [number, number] {
  let once = 0;
  let twice = 0;
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    const bit = 1 << (c >= 97 && c <= 122 ? c - 97 : 26 + (c % 6));
    twice |= once & bit;
    once |= bit;
  }
  return [once >>> 0, twice >>> 0];
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}
