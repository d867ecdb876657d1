/** An article as the front ends list it (`/sources`, `/source`, `npm run sources`): metadata and chunk count, no text. */
import type { ArticleMeta } from '../corpus/types.js';
import type { IndexSnapshot } from '../index/snapshot.js';

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

/** The summary of an indexed article (its chunk count from the index manifest). */
export function articleSummary(article: ArticleMeta, snapshot: IndexSnapshot): ArticleSummary {
  const summary: ArticleSummary = {
    id: article.id,
    title: article.title,
    path: article.path,
    chunks: snapshot.manifest.articles[article.id]?.chunks ?? 0,
  };
  if (article.url !== undefined) summary.url = article.url;
  if (article.source !== undefined) summary.outlet = article.source;
  if (article.published !== undefined) summary.published = article.published;
  if (article.author !== undefined) summary.author = article.author;
  return summary;
}
