/**
 * Reading an index without the embedding model, for commands that list or describe what is indexed
 * (`npm run sources`, `npm run status`). Opening a snapshot needs no model (the index's storage is
 * Verbatim's own, src/index/generation/), and it goes through the public `open`, so every file is
 * verified as it would be for answering.
 */
import type { ArticleSummary } from '../answer/library.js';
import type { ArticleMeta } from '../corpus/types.js';
import { IndexSnapshot } from '../index/snapshot.js';

/** The live generation of `indexDir`, verified and opened for reading without the model. */
export function openIndexWithoutModel(indexDir: string): Promise<IndexSnapshot> {
  return IndexSnapshot.open(indexDir);
}

/** An article as the front ends list it (the same fields as Library.articles() gives). */
export function articleSummary(article: ArticleMeta, snapshot: IndexSnapshot): ArticleSummary {
  const summary: ArticleSummary = {
    id: article.id,
    title: article.title,
    path: article.path,
    chunks: snapshot.manifest.articles[article.id]?.chunks ?? snapshot.chunksOf(article.id).length,
  };
  if (article.url !== undefined) summary.url = article.url;
  if (article.source !== undefined) summary.outlet = article.source;
  if (article.published !== undefined) summary.published = article.published;
  if (article.author !== undefined) summary.author = article.author;
  return summary;
}
