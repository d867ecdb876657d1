/**
 * An article's sentences and chunks as a build's first pass made them, kept as numbers until the
 * second pass writes the article. As objects they cost a few hundred bytes each: at 100k chunks
 * (~530k sentences) that was ~400 MB of heap held between the passes; as rows of two Int32Arrays
 * they cost 16 bytes a sentence and 24 a chunk. The text stays the corpus's; only the distinct
 * headings are kept as strings.
 */
import { answerKinds } from '../chunking/answer-kinds.js';
import { toChunk } from '../chunking/chunk.js';
import type { Chunk, Sentence } from '../chunking/types.js';
import type { Article } from '../corpus/types.js';

/** Columns of a sentence row. `kinds` is UNTAGGED until tagged; `heading` indexes `headings` (NO_HEADING: none). */
const SENTENCE = { start: 0, end: 1, kinds: 2, heading: 3, width: 4 } as const;
/** Columns of a chunk row. */
const CHUNK = { start: 0, end: 1, sentenceStart: 2, sentenceEnd: 3, tokenCount: 4, heading: 5, width: 6 } as const;
const NO_HEADING = -1;
const UNTAGGED = -1;

export class SplitRecords {
  private constructor(
    private readonly sentences: Int32Array,
    private readonly chunks: Int32Array,
    private readonly headings: readonly string[],
  ) {}

  /** Packs an article's sentences (in order, `index` = position) and chunks (in order, `ordinal` = position). */
  static pack(sentences: readonly Sentence[], chunks: readonly Chunk[]): SplitRecords {
    const headings: string[] = [];
    const ids = new Map<string, number>();
    const headingId = (heading: string | undefined): number => {
      if (heading === undefined) return NO_HEADING;
      let id = ids.get(heading);
      if (id === undefined) {
        id = headings.push(heading) - 1;
        ids.set(heading, id);
      }
      return id;
    };
    const sentenceRows = new Int32Array(sentences.length * SENTENCE.width);
    sentences.forEach((sentence, i) => {
      if (sentence.index !== i) throw new RangeError(`Sentence ${i} has index ${sentence.index}; the records keep sentences in order.`);
      sentenceRows.set([sentence.start, sentence.end, sentence.kinds ?? UNTAGGED, headingId(sentence.heading)], i * SENTENCE.width);
    });
    const chunkRows = new Int32Array(chunks.length * CHUNK.width);
    chunks.forEach((chunk, i) => {
      if (chunk.ordinal !== i) throw new RangeError(`Chunk ${i} has ordinal ${chunk.ordinal}; the records keep chunks in order.`);
      chunkRows.set([chunk.start, chunk.end, chunk.sentenceStart, chunk.sentenceEnd, chunk.tokenCount, headingId(chunk.heading)], i * CHUNK.width);
    });
    return new SplitRecords(sentenceRows, chunkRows, headings);
  }

  get sentenceCount(): number {
    return this.sentences.length / SENTENCE.width;
  }

  /** Sets sentence `i`'s answer kinds from `text` (the article's), as tagSentences would. */
  tag(i: number, text: string): void {
    const r = i * SENTENCE.width;
    this.sentences[r + SENTENCE.kinds] = answerKinds(text.slice(this.sentences[r + SENTENCE.start]!, this.sentences[r + SENTENCE.end]!));
  }

  /** The sentences and chunks again, as objects equal to those packed (with any kinds tagged since), of `article`. */
  unpack(article: Pick<Article, 'id' | 'text'>): { sentences: Sentence[]; chunks: Chunk[] } {
    const heading = (id: number) => (id === NO_HEADING ? undefined : this.headings[id]);
    const sentences: Sentence[] = [];
    for (let i = 0; i < this.sentenceCount; i++) {
      const r = i * SENTENCE.width;
      const sentence: Sentence = { start: this.sentences[r + SENTENCE.start]!, end: this.sentences[r + SENTENCE.end]!, index: i };
      const h = heading(this.sentences[r + SENTENCE.heading]!);
      if (h !== undefined) sentence.heading = h;
      const kinds = this.sentences[r + SENTENCE.kinds]!;
      if (kinds !== UNTAGGED) sentence.kinds = kinds;
      sentences.push(sentence);
    }
    const chunks: Chunk[] = [];
    for (let ordinal = 0; ordinal < this.chunks.length / CHUNK.width; ordinal++) {
      const r = ordinal * CHUNK.width;
      const column = (c: number) => this.chunks[r + c]!;
      const draft = {
        start: column(CHUNK.start),
        end: column(CHUNK.end),
        sentenceStart: column(CHUNK.sentenceStart),
        sentenceEnd: column(CHUNK.sentenceEnd),
        heading: heading(column(CHUNK.heading)),
        tokenCount: column(CHUNK.tokenCount),
      };
      chunks.push(toChunk(article, draft, ordinal));
    }
    return { sentences, chunks };
  }
}
