/**
 * A reproducible generator of news-like articles for the benchmarks: sentences of the seed corpus
 * and of SQuAD's Wikipedia paragraphs, recombined under a fixed seed into Markdown articles with
 * front matter (title, outlet, url, date) and occasional subheadings.
 *
 * Each emitted sentence has one or two of its words swapped for other words of the same source
 * article, so that (almost) every sentence and chunk is new text: the index build's embedding
 * cache dedupes identical text, and a corpus of repeated sentences would make it look faster than
 * it is. Each sentence remembers which source sentence it came from (`pool`), so synthetic vectors
 * can be derived from that source sentence's real embedding.
 */
import { writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Rng } from './prng.js';
import { splitPlainSentences } from './squad.js';

/** A source paragraph: its topic (article) and its sentences. */
export interface SourceParagraph {
  topic: string;
  sentences: string[];
}

/** The sentence pool: every source sentence, numbered, with the index of its topic. */
export interface SentencePool {
  sentences: string[];
  /** Topic index of each sentence. */
  topicOf: number[];
  topics: string[];
  /** Source paragraphs as lists of pool indices, and the paragraphs of each topic. */
  paragraphs: number[][];
  paragraphsOfTopic: number[][];
  /** Words (5+ letters, lower case) of each topic, for the substitutions. */
  wordsOfTopic: string[][];
}

export interface GeneratedSentence {
  text: string;
  /** The pool sentence it was made from. */
  pool: number;
}

export interface GeneratedArticle {
  id: string;
  fileName: string;
  title: string;
  /** Paragraphs of sentences, with an optional subheading before a paragraph. */
  paragraphs: { heading?: string; sentences: GeneratedSentence[] }[];
  meta: { source: string; url: string; published: string };
}

export interface GeneratorOptions {
  articles: number;
  seed: number;
  /** Paragraphs per article (inclusive range); default 4–9 (about 500–1,000 words, like the seed articles). */
  paragraphs?: [number, number];
}

const OUTLETS = ['Bench Wire', 'The Synthetic Times', 'Daily Recombinant', 'Generated Gazette', 'Seeded Herald'];

/** Builds the pool from source paragraphs (in a fixed order). */
export function buildPool(paragraphs: readonly SourceParagraph[]): SentencePool {
  const pool: SentencePool = { sentences: [], topicOf: [], topics: [], paragraphs: [], paragraphsOfTopic: [], wordsOfTopic: [] };
  const topicIndex = new Map<string, number>();
  const words: Set<string>[] = [];
  for (const p of paragraphs) {
    let t = topicIndex.get(p.topic);
    if (t === undefined) {
      t = pool.topics.length;
      topicIndex.set(p.topic, t);
      pool.topics.push(p.topic);
      pool.paragraphsOfTopic.push([]);
      words.push(new Set());
    }
    const ids: number[] = [];
    for (const s of p.sentences) {
      ids.push(pool.sentences.length);
      pool.sentences.push(s);
      pool.topicOf.push(t);
      for (const w of s.match(/\b[a-z]{5,}\b/g) ?? []) words[t]!.add(w);
    }
    if (ids.length > 0) {
      pool.paragraphsOfTopic[t]!.push(pool.paragraphs.length);
      pool.paragraphs.push(ids);
    }
  }
  pool.wordsOfTopic = words.map((w) => [...w].sort());
  return pool;
}

/** Source paragraphs from plain text (blank-line separated), under one topic. */
export function paragraphsOfText(topic: string, text: string): SourceParagraph[] {
  return text
    .split(/\n\s*\n/)
    .map((block) => block.replace(/\s+/g, ' ').trim())
    .filter((block) => block.split(' ').length >= 8)
    .map((block) => ({ topic, sentences: splitPlainSentences(block) }));
}

/** The articles for a seed; the same options give the same articles, byte for byte. */
export function generateCorpus(pool: SentencePool, options: GeneratorOptions): GeneratedArticle[] {
  const rng = new Rng(options.seed);
  const [minParagraphs, maxParagraphs] = options.paragraphs ?? [4, 9];
  const articles: GeneratedArticle[] = [];
  for (let i = 0; i < options.articles; i++) {
    const topic = rng.int(0, pool.topics.length - 1);
    const count = rng.int(minParagraphs, maxParagraphs);
    const paragraphs: GeneratedArticle['paragraphs'] = [];
    for (let p = 0; p < count; p++) {
      const sentences = paragraphSentences(pool, topic, rng).map((index) => mutate(pool, index, rng));
      const heading = p > 0 && rng.next() < 0.25 ? headingOf(sentences[0]!.text, rng) : undefined;
      paragraphs.push(heading === undefined ? { sentences } : { heading, sentences });
    }
    const id = `gen_${String(i).padStart(5, '0')}`;
    const lead = paragraphs[0]!.sentences[0]!.text.split(' ').slice(0, rng.int(5, 9)).join(' ').replace(/[,;:.]+$/, '');
    const day = 1 + (i % 28);
    articles.push({
      id,
      fileName: `${id}.md`,
      title: `${pool.topics[topic]}: ${lead}`,
      paragraphs,
      meta: {
        source: rng.pick(OUTLETS),
        url: `https://bench.example/${id}`,
        published: `2024-${String(1 + (i % 12)).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
      },
    });
  }
  return articles;
}

/** Half the time a source paragraph of the topic as it is; otherwise 3–6 sentences of the topic (one in five from anywhere). */
function paragraphSentences(pool: SentencePool, topic: number, rng: Rng): number[] {
  const own = pool.paragraphsOfTopic[topic]!;
  if (rng.next() < 0.5 && own.length > 0) return pool.paragraphs[rng.pick(own)]!;
  const n = rng.int(3, 6);
  const out: number[] = [];
  for (let k = 0; k < n; k++) {
    const from = rng.next() < 0.8 && own.length > 0 ? pool.paragraphs[rng.pick(own)]! : pool.paragraphs[rng.int(0, pool.paragraphs.length - 1)]!;
    out.push(rng.pick(from));
  }
  return out;
}

/** The pool sentence with one or two of its long words swapped for other words of its topic. */
function mutate(pool: SentencePool, index: number, rng: Rng): GeneratedSentence {
  const words = pool.wordsOfTopic[pool.topicOf[index]!]!;
  let text = pool.sentences[index]!;
  const swaps = rng.int(1, 2);
  for (let k = 0; k < swaps && words.length > 0; k++) {
    const candidates = text.match(/\b[a-z]{5,}\b/g);
    if (!candidates) break;
    const target = rng.pick(candidates);
    const replacement = rng.pick(words);
    const at = text.indexOf(` ${target}`);
    if (at >= 0) text = text.slice(0, at + 1) + replacement + text.slice(at + 1 + target.length);
  }
  return { text, pool: index };
}

function headingOf(sentence: string, rng: Rng): string {
  const words = sentence.replace(/[^\p{L}\p{N}\s'-]/gu, '').split(/\s+/).filter(Boolean).slice(0, rng.int(3, 6));
  const text = words.join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The article as a Markdown file with YAML front matter. */
export function renderArticle(article: GeneratedArticle): string {
  const q = (s: string) => JSON.stringify(s);
  const lines = [
    '---',
    `title: ${q(article.title)}`,
    `source: ${q(article.meta.source)}`,
    `url: ${q(article.meta.url)}`,
    `published: ${q(article.meta.published)}`,
    '---',
    '',
    `# ${article.title}`,
    '',
  ];
  for (const p of article.paragraphs) {
    if (p.heading !== undefined) lines.push(`## ${p.heading}`, '');
    lines.push(p.sentences.map((s) => s.text).join(' '), '');
  }
  return lines.join('\n');
}

export async function writeCorpus(dir: string, articles: readonly GeneratedArticle[]): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const article of articles) await writeFile(path.join(dir, article.fileName), renderArticle(article));
}

/**
 * Edits `fraction` of the articles (at least one): in each, one sentence is replaced by another
 * sentence of the same topic, the kind of correction a news site publishes. Returns the edited
 * articles (new objects; the input is not changed) and their ids.
 */
export function editArticles(
  pool: SentencePool,
  articles: readonly GeneratedArticle[],
  fraction: number,
  seed: number,
): { articles: GeneratedArticle[]; edited: string[] } {
  const rng = new Rng(seed);
  const count = Math.max(1, Math.round(articles.length * fraction));
  const chosen = new Set(rng.shuffle(articles.map((_, i) => i)).slice(0, count));
  const out = articles.map((article, i) => {
    if (!chosen.has(i)) return article;
    const paragraphs = article.paragraphs.map((p) => ({ ...p, sentences: [...p.sentences] }));
    const p = rng.int(0, paragraphs.length - 1);
    const s = rng.int(0, paragraphs[p]!.sentences.length - 1);
    const topic = pool.topicOf[paragraphs[p]!.sentences[s]!.pool]!;
    const from = pool.paragraphs[rng.pick(pool.paragraphsOfTopic[topic]!)]!;
    paragraphs[p]!.sentences[s] = mutate(pool, rng.pick(from), rng);
    return { ...article, paragraphs };
  });
  return { articles: out, edited: [...chosen].sort((a, b) => a - b).map((i) => articles[i]!.id) };
}
