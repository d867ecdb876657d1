/** An article as the front ends list it (`/sources`, `/source`, `npm run sources`): metadata and chunk count, no text. */
import type { ArticleMeta } from '../corpus/types.js';
import { articleRef } from './sources.js';
import type { AlsoInRef } from './types.js';

/** An indexed article as listings show it: what a source says of it, its author, and its chunk count. */
export interface ArticleSummary extends AlsoInRef {
  author?: string;
  chunks: number;
}

/** The summary of an indexed article with its chunk count. */
export function articleSummary(article: ArticleMeta, chunks: number): ArticleSummary {
  const summary: ArticleSummary = { ...articleRef(article), chunks };
  if (article.author !== undefined) summary.author = article.author;
  return summary;
}
