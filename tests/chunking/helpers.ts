/** Test helpers for the chunking stage: articles built without the corpus loader, and the real tokenizer. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { AutoTokenizer, env } from '@xenova/transformers';
import type { Article, Block } from '../../src/corpus/types.js';
import type { TokenCounter } from '../../src/chunking/types.js';
import { MODEL_DIR, SEED_CORPUS_DIR } from '../support/env.js';

/** A block to build an article from: its kind and its text. */
export type BlockSpec = [Block['kind'], string];

/** An article whose text is the given blocks separated by blank lines. */
export function articleOf(id: string, specs: readonly BlockSpec[]): Article {
  const blocks: Block[] = [];
  let text = '';
  for (const [kind, blockText] of specs) {
    if (text !== '') text += '\n\n';
    blocks.push({ kind, start: text.length, end: text.length + blockText.length });
    text += blockText;
  }
  return { id, path: `${id}.txt`, title: id, contentHash: id, text, blocks };
}

/** An article with one paragraph block per non-empty line of `raw` (lines kept as they are, indentation included). */
export function articleFromRaw(id: string, raw: string): Article {
  const lines = raw.split(/\r?\n/).filter((line) => line.trim() !== '');
  return articleOf(id, lines.map((line): BlockSpec => ['paragraph', line]));
}

/** The seed articles of the corpus directory, by id. */
export function seedArticles(): Map<string, Article> {
  const articles = new Map<string, Article>();
  for (const file of readdirSync(SEED_CORPUS_DIR).filter((name) => name.endsWith('.txt')).sort()) {
    const id = path.basename(file, '.txt');
    articles.set(id, articleFromRaw(id, readFileSync(path.join(SEED_CORPUS_DIR, file), 'utf8')));
  }
  return articles;
}

/** The seed article whose id starts with `prefix` (e.g. "003"). */
export function seed(articles: Map<string, Article>, prefix: string): Article {
  const article = [...articles.values()].find((candidate) => candidate.id.startsWith(prefix));
  if (!article) throw new Error(`No seed article ${prefix}_* in ${SEED_CORPUS_DIR}.`);
  return article;
}

/** A counter backed by the real all-MiniLM-L6-v2 WordPiece tokenizer from MODEL_DIR (specials included). */
export async function loadRealCounter(): Promise<TokenCounter> {
  env.allowRemoteModels = false;
  env.localModelPath = MODEL_DIR + '/';
  const tokenizer = await AutoTokenizer.from_pretrained('Xenova/all-MiniLM-L6-v2');
  return { countTokens: (text: string): number => tokenizer.encode(text).length };
}
