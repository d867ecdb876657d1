/** Numbers the articles an answer cites, in order of first use. */
import type { ArticleMeta } from '../corpus/types.js';
import type { AlsoInRef, SourceRef } from './types.js';

export class SourceList {
  private readonly refs: SourceRef[] = [];
  private readonly byId = new Map<string, number>();

  /** The [n] of an article, adding it if it is new. */
  number(article: ArticleMeta): number {
    const known = this.byId.get(article.id);
    if (known !== undefined) return known;
    const n = this.refs.length + 1;
    const ref: SourceRef = { n, ...articleRef(article) };
    this.refs.push(ref);
    this.byId.set(article.id, n);
    return n;
  }

  get list(): SourceRef[] {
    return [...this.refs];
  }
}

/** What a source says of its article (without its number). */
export function articleRef(article: ArticleMeta): AlsoInRef {
  const ref: AlsoInRef = { id: article.id, title: article.title, path: article.path };
  if (article.url !== undefined) ref.url = article.url;
  if (article.source !== undefined) ref.outlet = article.source;
  if (article.published !== undefined) ref.published = article.published;
  return ref;
}

/**
 * Gives each source the articles that carry the same story (SourceRef.alsoIn): those named by the
 * `alsoIn` of its article's passages, in passage order, leaving out the articles the answer cites
 * (`cited`) and any already listed under an earlier source. `lookup` finds an article's metadata.
 */
export function addAlsoIn(
  sources: readonly SourceRef[],
  passages: readonly { chunk: { articleId: string }; alsoIn?: readonly string[] }[],
  cited: ReadonlySet<string>,
  lookup: (id: string) => ArticleMeta | undefined,
): void {
  const listed = new Set<string>();
  for (const source of sources) {
    const refs: AlsoInRef[] = [];
    for (const passage of passages) {
      if (passage.chunk.articleId !== source.id) continue;
      for (const id of passage.alsoIn ?? []) {
        if (cited.has(id) || listed.has(id)) continue;
        const article = lookup(id);
        if (article === undefined) continue;
        listed.add(id);
        refs.push(articleRef(article));
      }
    }
    if (refs.length > 0) source.alsoIn = refs;
  }
}
