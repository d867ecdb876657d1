/**
 * Loading the corpus directory: every supported file (recursively) becomes an article; files
 * that cannot be used are passed over with a warning that names them and says why.
 */
import type { Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { CorpusError } from '../core/errors.js';
import { sha256 } from '../core/hash.js';
import { type ArticleSource, buildArticle } from './article.js';
import { DEFAULT_MAX_FILE_BYTES, fsErrorCode, isInside, type Outcome, readTextFile } from './read-file.js';
import { SUPPORTED_EXTENSIONS, readerFor } from './readers/index.js';
import { isSidecarName, readSidecar, sidecarStem } from './sidecar.js';
import type { Article, CorpusWarning, LoadedCorpus } from './types.js';

export { SUPPORTED_EXTENSIONS } from './readers/index.js';

/** Options for reading article files. */
export interface LoadOptions {
  /** Files larger than this many bytes are skipped with a warning (default 20 MB). */
  maxFileBytes?: number;
}

/** Options for reading one article file. */
export interface LoadArticleOptions extends LoadOptions {
  /** The corpus directory the article's `path` is relative to (default: the file's own folder). */
  corpusDir?: string;
}

/** One article file read, or passed over: `article` is undefined when it was skipped (the warnings say why). */
export interface ArticleLoad {
  article: Article | undefined;
  warnings: CorpusWarning[];
}

/** How many files are read at the same time. */
const READ_CONCURRENCY = 16;

/** How many skipped files an error about an unusable corpus lists. */
const LISTED_WARNINGS = 5;

interface CorpusFile {
  /** Relative to the corpus directory, with `/` separators. */
  relPath: string;
  absPath: string;
}

/**
 * Reads every article in a corpus directory and its subfolders, sorted by id. Dotfiles are
 * ignored; sidecar metadata files are attached to their articles; everything else that cannot be
 * used (unsupported type, unreadable, binary, not UTF-8, empty, too large, a symbolic link out of
 * the directory, a duplicate id) is skipped with a warning.
 *
 * @throws CorpusError when the directory does not exist, is not a directory, or holds no usable article.
 */
export async function loadCorpus(dir: string, options: LoadOptions = {}): Promise<LoadedCorpus> {
  const { root, articleFiles, warnings } = await listCorpus(dir);

  const loads = await mapConcurrently(articleFiles, READ_CONCURRENCY, (file) =>
    loadArticle(file.absPath, { ...options, corpusDir: root.path }),
  );
  const articles = new Map<string, Article>();
  for (const load of loads) {
    warnings.push(...load.warnings);
    if (load.article) addUnlessDuplicate(articles, load.article, warnings);
  }
  if (articles.size === 0) throw noUsableArticle(root.path, warnings);
  return { articles: [...articles.values()].sort((a, b) => compareCodeUnits(a.id, b.id)), warnings };
}

/** An article file as the index knows it — id, path, content hash — found without parsing or cleaning it. */
export interface ArticleFingerprint {
  id: string;
  path: string;
  contentHash: string;
}

export interface CorpusScan {
  /** Sorted by id, as loadCorpus sorts its articles. */
  articles: ArticleFingerprint[];
  warnings: CorpusWarning[];
}

/**
 * What loadCorpus would find, as fingerprints only: the same files listed, read and checked (bytes,
 * UTF-8, size, sidecars) with the same warnings, but not parsed or cleaned — a fraction of the time.
 * So a file that cleaning would leave empty is still listed, and the warnings that parsing and
 * cleaning give are missing: enough to tell whether the corpus changed since an index was built
 * (checkUpToDate), not to build one.
 */
export async function scanCorpus(dir: string, options: LoadOptions = {}): Promise<CorpusScan> {
  const { root, articleFiles, warnings } = await listCorpus(dir);
  const reads = await mapConcurrently(articleFiles, READ_CONCURRENCY, async (file) => {
    const relPath = file.relPath;
    try {
      const read = await readSource(path.resolve(file.absPath), { ...options, corpusDir: root.path });
      if (!read.ok) return { warnings: [{ path: relPath, message: `skipped: ${read.problem}` }] };
      const { source, problems } = read.value;
      return { article: { id: source.id, path: relPath, contentHash: source.contentHash }, warnings: problems.map((message) => ({ path: relPath, message })) };
    } catch (error) {
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      return { warnings: [{ path: relPath, message: `skipped: it could not be read (${reason})` }] };
    }
  });
  const articles = new Map<string, ArticleFingerprint>();
  for (const read of reads) {
    warnings.push(...read.warnings);
    if (read.article) addUnlessDuplicate(articles, read.article, warnings);
  }
  return { articles: [...articles.values()].sort((a, b) => compareCodeUnits(a.id, b.id)), warnings };
}

/**
 * Reads one article file (and its sidecar metadata, if any). Never throws for a bad file: the
 * warnings say why it was skipped. With `corpusDir`, the file (and its sidecar) must resolve to a
 * path inside that directory.
 */
export async function loadArticle(filePath: string, options: LoadArticleOptions = {}): Promise<ArticleLoad> {
  const absPath = path.resolve(filePath);
  const relPath = toPosix(path.relative(path.resolve(options.corpusDir ?? path.dirname(absPath)), absPath));
  const warn = (message: string): CorpusWarning => ({ path: relPath, message });
  try {
    return await readArticle(absPath, relPath, options, warn);
  } catch (error) {
    // A reader that fails on a hostile file (a RangeError, a parser bug) costs that file, never the corpus.
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { article: undefined, warnings: [warn(`skipped: it could not be read (${reason})`)] };
  }
}

async function readArticle(
  absPath: string,
  relPath: string,
  options: LoadArticleOptions,
  warn: (message: string) => CorpusWarning,
): Promise<ArticleLoad> {
  const read = await readSource(absPath, options);
  if (!read.ok) return { article: undefined, warnings: [warn(`skipped: ${read.problem}`)] };
  const { source, problems } = read.value;
  const built = buildArticle({ ...source, path: relPath });
  return { article: built.article, warnings: [...problems, ...built.problems].map(warn) };
}

/** An article file's bytes checked and decoded, with its sidecar's metadata and the content hash of both. */
async function readSource(
  absPath: string,
  options: LoadArticleOptions,
): Promise<Outcome<{ source: Omit<ArticleSource, 'path'>; problems: string[] }>> {
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const place = options.corpusDir === undefined ? {} : { insideDir: path.resolve(options.corpusDir) };
  const read = await readTextFile(absPath, maxBytes, place);
  if (!read.ok) return read;
  const { sidecar, problems } = await readSidecar(absPath, maxBytes, place);
  const extension = path.extname(absPath);
  const source = {
    id: path.basename(absPath, extension),
    extension,
    text: read.value.text,
    contentHash: contentHash(read.value.bytes, sidecar),
    sidecarMeta: sidecar?.meta,
  };
  return { ok: true, value: { source, problems } };
}

/** The hash of the article's bytes, followed by its sidecar's name and bytes when it has one. */
function contentHash(bytes: Uint8Array, sidecar: { name: string; bytes: Uint8Array } | undefined): string {
  if (sidecar === undefined) return sha256(bytes);
  return sha256(Buffer.concat([bytes, Buffer.from(`\0${sidecar.name}\0`), sidecar.bytes]));
}

/** The corpus directory's article files, and warnings for every other file (unsupported, unreadable, an orphan sidecar). */
async function listCorpus(dir: string): Promise<{ root: { path: string; real: string }; articleFiles: CorpusFile[]; warnings: CorpusWarning[] }> {
  const root = await openCorpusDir(dir);
  const warnings: CorpusWarning[] = [];
  const { articleFiles, sidecarFiles, unsupported } = classifyFiles(await listFiles(root, warnings));
  warnings.push(...unsupported, ...orphanSidecars(sidecarFiles, articleFiles));
  return { root, articleFiles, warnings };
}

/** Checks the corpus directory exists and is a directory; returns its absolute and real paths. */
async function openCorpusDir(dir: string): Promise<{ path: string; real: string }> {
  const absolute = path.resolve(dir);
  const hint = `Put the news articles there as ${SUPPORTED_EXTENSIONS.join(', ')} files (subfolders are read too), or set CORPUS_DIR to the folder that holds them.`;
  const info = await stat(absolute).catch((error: unknown) => {
    const code = fsErrorCode(error);
    const message =
      code === 'ENOENT' ? `The corpus directory ${absolute} does not exist.` : `The corpus directory ${absolute} cannot be read (${code}).`;
    throw new CorpusError(message, { hint, cause: error });
  });
  if (!info.isDirectory()) throw new CorpusError(`The corpus path ${absolute} is a file, not a directory.`, { hint });
  return { path: absolute, real: await realpath(absolute) };
}

function noUsableArticle(dir: string, warnings: CorpusWarning[]): CorpusError {
  const listed = warnings.slice(0, LISTED_WARNINGS).map((w) => `\n  ${w.path}: ${w.message}`);
  const more = warnings.length > LISTED_WARNINGS ? `\n  … and ${warnings.length - LISTED_WARNINGS} more` : '';
  const skipped = warnings.length > 0 ? ` Files passed over:${listed.join('')}${more}` : ' It holds no article files.';
  return new CorpusError(`The corpus directory ${dir} holds no usable article.${skipped}`, {
    hint: `Put news articles in it as UTF-8 ${SUPPORTED_EXTENSIONS.join(', ')} files, one article per file.`,
  });
}

/**
 * Every regular file under the root, in path order, skipping dotfiles and dot-folders. Symbolic
 * links are followed only when they lead inside the corpus directory, and each folder is read once.
 */
async function listFiles(root: { path: string; real: string }, warnings: CorpusWarning[]): Promise<CorpusFile[]> {
  const files: CorpusFile[] = [];
  /** Real paths of the folders read so far. */
  const readDirs = new Set<string>();

  const visitDir = async (dir: CorpusFile, realDir: string): Promise<void> => {
    if (readDirs.has(realDir)) {
      warnings.push({ path: dir.relPath, message: 'skipped: this folder is already read under another path' });
      return;
    }
    readDirs.add(realDir);
    let entries: Dirent[];
    try {
      entries = await readdir(dir.absPath, { withFileTypes: true });
    } catch (error) {
      warnings.push({ path: dir.relPath || '.', message: `skipped: the folder cannot be read (${fsErrorCode(error)})` });
      return;
    }
    for (const entry of entries.sort((a, b) => compareCodeUnits(a.name, b.name))) {
      if (entry.name.startsWith('.')) continue;
      const file = { absPath: path.join(dir.absPath, entry.name), relPath: dir.relPath ? `${dir.relPath}/${entry.name}` : entry.name };
      if (entry.isSymbolicLink()) await visitLink(file);
      else if (entry.isDirectory()) await visitDir(file, path.join(realDir, entry.name));
      else if (entry.isFile()) files.push(file);
      else warnings.push({ path: file.relPath, message: 'skipped: it is not a regular file' });
    }
  };

  const visitLink = async (link: CorpusFile): Promise<void> => {
    const target = await realpath(link.absPath).catch(() => undefined);
    if (target === undefined) {
      warnings.push({ path: link.relPath, message: 'skipped: it is a broken symbolic link' });
    } else if (!isInside(root.real, target)) {
      warnings.push({ path: link.relPath, message: `skipped: it is a symbolic link to ${target}, outside the corpus directory` });
    } else if ((await stat(target)).isDirectory()) {
      await visitDir(link, target);
    } else {
      files.push(link);
    }
  };

  await visitDir({ absPath: root.path, relPath: '' }, root.real);
  return files.sort((a, b) => compareCodeUnits(a.relPath, b.relPath));
}

/** Splits the listed files into articles to read, sidecars, and warnings for the unsupported rest. */
function classifyFiles(files: readonly CorpusFile[]): {
  articleFiles: CorpusFile[];
  sidecarFiles: CorpusFile[];
  unsupported: CorpusWarning[];
} {
  const articleFiles: CorpusFile[] = [];
  const sidecarFiles: CorpusFile[] = [];
  const unsupported: CorpusWarning[] = [];
  for (const file of files) {
    const name = path.posix.basename(file.relPath);
    const extension = path.extname(name);
    if (isSidecarName(name)) sidecarFiles.push(file);
    else if (readerFor(extension)) articleFiles.push(file);
    else {
      const what = extension === '' ? 'files without an extension are' : `${extension} files are`;
      unsupported.push({ path: file.relPath, message: `skipped: ${what} not read (supported: ${SUPPORTED_EXTENSIONS.join(', ')})` });
    }
  }
  return { articleFiles, sidecarFiles, unsupported };
}

/** Warnings for sidecar files with no article of the same name next to them. */
function orphanSidecars(sidecarFiles: readonly CorpusFile[], articleFiles: readonly CorpusFile[]): CorpusWarning[] {
  const articleStems = new Set(articleFiles.map((file) => withoutExtension(file.relPath)));
  return sidecarFiles
    .filter((file) => !articleStems.has(path.posix.join(path.posix.dirname(file.relPath), sidecarStem(path.posix.basename(file.relPath)))))
    .map((file) => ({ path: file.relPath, message: 'ignored: metadata sidecar with no article file of the same name next to it' }));
}

function withoutExtension(relPath: string): string {
  return relPath.slice(0, relPath.length - path.posix.extname(relPath).length);
}

/** Keeps the first article of each id (files are loaded in path order); warns about the others. */
function addUnlessDuplicate<T extends Pick<Article, 'id' | 'path'>>(articles: Map<string, T>, article: T, warnings: CorpusWarning[]): void {
  const kept = articles.get(article.id);
  if (kept === undefined) {
    articles.set(article.id, article);
    return;
  }
  warnings.push({
    path: article.path,
    message: `skipped: duplicate id "${article.id}" (the article from ${kept.path} is kept); rename one of the files`,
  });
}

/** Maps items with at most `limit` calls in flight, keeping the results in input order. */
async function mapConcurrently<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  const queue = items.entries();
  // The workers share one iterator, so each item is taken exactly once.
  const worker = async (): Promise<void> => {
    for (const [index, item] of queue) results[index] = await fn(item);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function toPosix(filePath: string): string {
  return filePath.split(path.sep).join('/');
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
