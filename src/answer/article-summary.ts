/** An article as the front ends list it (`/sources`, `/source`, `npm run sources`): metadata and chunk count, no text. */
import type { ArticleMeta } from '../corpus/types.js';

export interface ArticleSummary {
  id: string;
  title: string;
  path: string;
  url?: string;
  outlet?: string;
  published?: string;
  author?: string;
  chunks: number;
}

/** The summary of an indexed article with its chunk count. */
export function articleSummary(article: ArticleMeta, chunks: number): ArticleSummary {
  const summary: ArticleSummary = {
    id: article.id,
    title: article.title,
    path: article.path,
    chunks,
  };
  if (article.url !== undefined) summary.url = article.url;
  if (article.source !== undefined) summary.outlet = article.source;
  if (article.published !== undefined) summary.published = article.published;
  if (article.author !== undefined) summary.author = article.author;
  return summary;
}
