/** The verbatim check every quote must pass, shared by the answer, CLI and Discord tests. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Answer } from '../../src/answer/types.js';
import type { IndexSnapshot } from '../../src/index/snapshot.js';

const collapse = (text: string) => text.replace(/\s+/gu, ' ').trim();

/**
 * Throws unless every quote (and every nearest passage of a refusal) is the article text at its
 * offsets and, whitespace collapsed, a substring of the source file, numbered to its article.
 */
export function assertVerbatim(answer: Answer, snapshot: IndexSnapshot, corpusDir: string): void {
  for (const quote of [...answer.quotes, ...(answer.refusal?.nearest ?? [])]) {
    const article = snapshot.article(quote.articleId);
    if (!article) throw new Error(`quote cites unknown article ${quote.articleId}`);
    if (article.text.slice(quote.start, quote.end) !== quote.text) {
      throw new Error(`quote is not the article text at [${quote.start}, ${quote.end}): ${quote.text}`);
    }
    const source = readFileSync(path.join(corpusDir, article.path), 'utf8');
    if (!collapse(source).includes(collapse(quote.text))) throw new Error(`quote is not in ${article.path}: ${quote.text}`);
    const ref = answer.sources.find((s) => s.n === quote.source);
    if (ref?.id !== quote.articleId) throw new Error(`quote [${quote.source}] points at ${ref?.id}, not ${quote.articleId}`);
  }
}
