/**
 * `npm run sources`: the indexed articles, as Discord's /sources lists them (id, title, outlet,
 * date, file, URL, chunks); `--json` prints them as one JSON array. `npm run sources -- ID` shows
 * one article, as /source does: its metadata and opening lines (`--json`: one object, with
 * `opening`). Reads the live index without loading the embedding model.
 *
 * Everything printed comes from the corpus and goes through terminal-text.ts: titles on one line,
 * control and bidi characters escaped; JSON escapes them as \uXXXX.
 */
import { Command } from 'commander';
import { articleSummary, type ArticleSummary } from '../answer/article-summary.js';
import { InputError } from '../core/errors.js';
import { IndexSnapshot } from '../index/snapshot.js';
import { cliConfig } from './cli-library.js';
import { forTerminal, oneLine, terminalSafeJson } from './terminal-text.js';

/** How much of an article's opening is shown (as much as /source shows). */
export const OPENING_MAX = 1500;

export async function sourcesCommand(argv: readonly string[]): Promise<number> {
  const program = new Command('sources')
    .description('List the indexed articles, or show one (its details and opening lines).')
    .argument('[id]', 'an article id (or its file name) to show that article')
    .option('--json', 'print JSON: an array of articles, or the one article')
    .option('--index <dir>', 'the index directory (default: INDEX_DIR or data/index)')
    .exitOverride();
  program.parse(argv, { from: 'user' });
  const flags = program.opts<{ json?: boolean; index?: string }>();
  const wanted = (program.args as string[])[0]?.trim();

  const config = await cliConfig({ index: flags.index });
  const snapshot = await IndexSnapshot.open(config.indexDir);
  try {
    if (wanted !== undefined && wanted.length > 0) {
      const article = findArticle(snapshot, wanted);
      process.stdout.write(flags.json ? terminalSafeJson(article) + '\n' : formatArticle(article));
      return 0;
    }
    const articles = snapshot.articles.map((article) => articleSummary(article, snapshot.manifest.articles[article.id]?.chunks ?? 0));
    process.stdout.write(flags.json ? terminalSafeJson(articles) + '\n' : formatSources(articles));
    return 0;
  } finally {
    snapshot.close();
  }
}

/** An article with its opening lines, as `sources ID` shows it. */
export type ArticleView = ArticleSummary & { opening: string; characters: number };

/** The article whose id is `wanted` (or, failing that, whose file is): an InputError with a hint when none is. */
export function findArticle(snapshot: IndexSnapshot, wanted: string): ArticleView {
  const byPath = snapshot.articles.find((candidate) => candidate.path === wanted);
  const article = snapshot.article(wanted) ?? (byPath === undefined ? undefined : snapshot.article(byPath.id));
  if (article === undefined) {
    throw new InputError(`No article "${wanted}" in the index.`, { hint: 'npm run sources lists the ids of the indexed articles.' });
  }
  return { ...articleSummary(article, snapshot.manifest.articles[article.id]?.chunks ?? 0), opening: openingLines(article.text, OPENING_MAX), characters: article.text.length };
}

/** The list, numbered; each article's title on its first line, then its id, file, chunks, outlet, date and URL. */
export function formatSources(articles: readonly ArticleSummary[]): string {
  if (articles.length === 0) return 'No articles are indexed yet. Add files to the corpus and run: npm run index\n';
  const width = String(articles.length).length;
  const lines: string[] = [];
  articles.forEach((article, i) => {
    const indent = ' '.repeat(width + 2);
    lines.push(`${String(i + 1).padStart(width)}. ${oneLine(article.title) || forTerminal(article.id)}`);
    lines.push(`${indent}${forTerminal(article.id)} · ${forTerminal(article.path)} · ${article.chunks} chunk${article.chunks === 1 ? '' : 's'}`);
    const details = [article.outlet, article.published].filter((part): part is string => part !== undefined && part.trim() !== '').map(oneLine);
    if (article.url !== undefined) details.push(forTerminal(article.url));
    if (details.length > 0) lines.push(`${indent}${details.join(' · ')}`);
  });
  lines.push('', `${articles.length} article${articles.length === 1 ? '' : 's'} · npm run sources -- ID shows one`);
  return lines.join('\n') + '\n';
}

/** One article: title, a table of its details, and its opening lines. */
export function formatArticle(article: ArticleView): string {
  const fields: [string, string | undefined][] = [
    ['id', forTerminal(article.id)],
    ['file', forTerminal(article.path)],
    ['chunks', String(article.chunks)],
    ['outlet', article.outlet === undefined ? undefined : oneLine(article.outlet)],
    ['published', article.published === undefined ? undefined : oneLine(article.published)],
    ['author', article.author === undefined ? undefined : oneLine(article.author)],
    ['link', article.url === undefined ? undefined : forTerminal(article.url)],
  ];
  const lines = [oneLine(article.title) || forTerminal(article.id), ''];
  for (const [name, value] of fields) if (value !== undefined && value !== '') lines.push(`  ${`${name}:`.padEnd(11)}${value}`);
  lines.push('', article.opening.length > 0 ? article.opening : '(This article has no text.)');
  if (article.opening.length < article.characters) lines.push('', `(the opening lines of ${article.characters} characters; ask about the article with npm run ask)`);
  return lines.join('\n') + '\n';
}

/**
 * The first paragraphs of a text, each on one line (escaped for a terminal), separated by a blank
 * line, within `max` characters: whole paragraphs while they fit; the first that does not is cut
 * at its last sentence end that fits (at a word if it is the first paragraph and has none), and
 * marked with "…" (or left out when nothing of it fits).
 */
export function openingLines(text: string, max: number): string {
  const paragraphs = text
    .split(/\n\s*\n/u)
    .map((paragraph) => oneLine(paragraph))
    .filter((paragraph) => paragraph.length > 0);
  const kept: string[] = [];
  let used = 0;
  for (const paragraph of paragraphs) {
    const room = max - used - (kept.length > 0 ? 2 : 0);
    if (paragraph.length <= room) {
      kept.push(paragraph);
      used += paragraph.length + (kept.length > 1 ? 2 : 0);
      continue;
    }
    const cut = cutWithin(paragraph, room - 1, kept.length === 0);
    if (cut.length > 0) kept.push(`${cut}…`);
    break;
  }
  return kept.join('\n\n');
}

/**
 * `text` cut to at most `max` characters after its last sentence end that fits; failing that, at a
 * space when `atWord`; else ''.
 */
function cutWithin(text: string, max: number, atWord: boolean): string {
  if (max <= 0) return '';
  const head = text.slice(0, max + 1);
  const sentenceEnd = Math.max(...['. ', '! ', '? ', '.” ', '." '].map((end) => head.lastIndexOf(end) + end.trimEnd().length));
  if (sentenceEnd > 1) return head.slice(0, sentenceEnd);
  const space = head.lastIndexOf(' ');
  return atWord && space > 0 ? head.slice(0, space) : '';
}
