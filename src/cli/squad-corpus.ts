/**
 * Writes SQuAD articles as a Verbatim corpus (corpus-files.ts): one `.txt` per article (the title,
 * a blank line, the paragraphs separated by blank lines, each on one line), plus a `.meta.json`
 * sidecar with the readable title and the Wikipedia URL.
 */
import { writeCorpusFiles, type WrittenCorpus } from './corpus-files.js';
import type { SquadArticle } from './squad-dataset.js';

/** The title as people read it: "Sky_(United_Kingdom)" → "Sky (United Kingdom)". */
export function readableTitle(title: string): string {
  return title.replace(/_/gu, ' ').replace(/\s+/gu, ' ').trim();
}

/** One paragraph on one line (SQuAD contexts sometimes hold line breaks). */
function flattenParagraph(paragraph: string): string {
  return paragraph.replace(/\s+/gu, ' ').trim();
}

/** The `.txt` text of an article. */
export function articleFileText(article: SquadArticle): string {
  const paragraphs = article.paragraphs.map(flattenParagraph).filter((p) => p.length > 0);
  return [readableTitle(article.title), ...paragraphs].join('\n\n') + '\n';
}

/** Writes the articles into `dir` (created if needed); ids are unique slugs. */
export function writeSquadCorpus(articles: readonly SquadArticle[], dir: string): Promise<WrittenCorpus> {
  return writeCorpusFiles(
    articles.map((article) => ({
      title: article.title,
      text: articleFileText(article),
      meta: { title: readableTitle(article.title), url: `https://en.wikipedia.org/wiki/${encodeURIComponent(article.title)}` },
    })),
    dir,
  );
}
