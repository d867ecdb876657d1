/**
 * Reading an index without the embedding model, for commands that list or describe what is indexed
 * (`npm run sources`, `npm run status`). An IndexSnapshot wants an Embeddings object only for its
 * vector store to embed queries with; these commands never search, so they open the snapshot with
 * one that refuses to embed (and needs neither transformers.js nor onnxruntime). The snapshot is
 * opened through its public `open`, so every file is verified as it would be for answering, and the
 * code follows the index's storage format wherever it goes.
 *
 * (Not in src/index: helpers of the CLI only. If src/index ever offers a model-free way to open a
 * snapshot, this file becomes that call.)
 */
import { Embeddings } from '@langchain/core/embeddings';
import type { ArticleSummary } from '../answer/library.js';
import { IndexSnapshot, type StoredArticle } from '../index/snapshot.js';

/** Embeddings for an index opened to be read, never searched: any attempt to embed is a programming error. */
class NoModelEmbeddings extends Embeddings {
  constructor() {
    super({});
  }

  embedDocuments(): Promise<number[][]> {
    return Promise.reject(new Error('This index was opened without the embedding model (read only); it cannot embed text.'));
  }

  embedQuery(): Promise<number[]> {
    return Promise.reject(new Error('This index was opened without the embedding model (read only); it cannot embed text.'));
  }
}

/** The live generation of `indexDir`, verified and opened for reading without the model. */
export function openIndexWithoutModel(indexDir: string): Promise<IndexSnapshot> {
  return IndexSnapshot.open(indexDir, new NoModelEmbeddings());
}

/** An article as the front ends list it (the same fields as Library.articles() gives). */
export function articleSummary(article: StoredArticle, snapshot: IndexSnapshot): ArticleSummary {
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
