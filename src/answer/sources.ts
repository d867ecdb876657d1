/** Numbers the articles an answer cites, in order of first use. */
import type { ArticleMeta } from '../corpus/types.js';
import type { SourceRef } from './types.js';

export class SourceList {
  private readonly refs: SourceRef[] = [];
  private readonly byId = new Map<string, number>();

  /** The [n] of an article, adding it if it is new. */
  number(article: ArticleMeta): number {
    const known = this.byId.get(article.id);
    if (known !== undefined) return known;
    const n = this.refs.length + 1;
    const ref: SourceRef = { n, id: article.id, title: article.title, path: article.path };
    if (article.url !== undefined) ref.url = article.url;
    if (article.source !== undefined) ref.outlet = article.source;
    if (article.published !== undefined) ref.published = article.published;
    this.refs.push(ref);
    this.byId.set(article.id, n);
    return n;
  }

  get list(): SourceRef[] {
    return [...this.refs];
  }
}
