/** Files and directories the loader cannot use: each is skipped with a warning naming it, or refused with a CorpusError. */
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CorpusError } from '../../src/core/errors.js';
import { SUPPORTED_EXTENSIONS, loadCorpus } from '../../src/corpus/load.js';
import type { LoadedCorpus } from '../../src/corpus/types.js';
import { GOOD_TEXT, tempCorpus, tempDir } from './temp-corpus.js';

async function loadError(dir: string): Promise<CorpusError> {
  const error: unknown = await loadCorpus(dir).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof CorpusError)) throw new Error(`expected a CorpusError, got ${String(error)}`);
  return error;
}

function warningFor(corpus: LoadedCorpus, relPath: string): string | undefined {
  return corpus.warnings.find((w) => w.path === relPath)?.message;
}

describe('the corpus directory', () => {
  it('names a missing directory and says what to put there', async () => {
    const dir = path.join(await tempDir(), 'nope');
    const error = await loadError(dir);
    expect(error.code).toBe('CORPUS');
    expect(error.message).toBe(`The corpus directory ${dir} does not exist.`);
    expect(error.hint).toContain('.txt, .md, .markdown, .html, .htm');
    expect(error.hint).toContain('CORPUS_DIR');
  });

  it('refuses a file given as the directory', async () => {
    const dir = await tempCorpus({ 'a.txt': GOOD_TEXT });
    const error = await loadError(path.join(dir, 'a.txt'));
    expect(error.message).toBe(`The corpus path ${path.join(dir, 'a.txt')} is a file, not a directory.`);
  });

  it('refuses an empty directory', async () => {
    const dir = await tempDir();
    const error = await loadError(dir);
    expect(error.message).toBe(`The corpus directory ${dir} holds no usable article. It holds no article files.`);
    expect(error.hint).toMatch(/Put news articles in it as UTF-8 \.txt/);
  });

  it('refuses a directory of unusable files, listing them', async () => {
    const dir = await tempCorpus({ 'empty.txt': '', 'scan.pdf': '%PDF-1.4' });
    const error = await loadError(dir);
    expect(error.message).toContain('holds no usable article');
    expect(error.message).toContain('empty.txt: skipped: the file is empty');
    expect(error.message).toContain('scan.pdf: skipped: .pdf files are not read');
  });
});

describe('files that are skipped while the rest load', () => {
  it('skips each bad file with a warning that names it and says why', async () => {
    const outside = await tempCorpus({ 'secret.txt': GOOD_TEXT });
    const dir = await tempCorpus({
      'good.txt': GOOD_TEXT,
      'binary.txt': new Uint8Array([0x48, 0x69, 0x00, 0x01, 0x02]),
      'latin1.txt': new Uint8Array([0x43, 0x61, 0x66, 0xe9, 0x0a]),
      'utf16.txt': new Uint8Array([0xff, 0xfe, 0x48, 0x00]),
      'empty.md': '',
      'blank.txt': '  \n\t\n   \n',
      'only-boilerplate.txt': 'LET’S KEEP IN TOUCH!\n\nWe don’t spam! Read our privacy policy for more info.\n\nLeave a Comment\n',
      'scan.pdf': '%PDF-1.4',
      'README': 'notes',
      '.DS_Store': 'junk',
      '.git/config': 'junk',
    });
    await symlink(path.join(outside, 'secret.txt'), path.join(dir, 'escape.txt'));
    await symlink(path.join(dir, 'missing.txt'), path.join(dir, 'broken.txt'));

    const corpus = await loadCorpus(dir);
    expect(corpus.articles.map((a) => a.id)).toEqual(['good']);
    expect(warningFor(corpus, 'binary.txt')).toBe('skipped: it looks like a binary file (it contains NUL bytes)');
    expect(warningFor(corpus, 'latin1.txt')).toBe('skipped: it is not valid UTF-8 text; save it as UTF-8');
    expect(warningFor(corpus, 'utf16.txt')).toBe('skipped: it is UTF-16 text; save it as UTF-8');
    expect(warningFor(corpus, 'empty.md')).toBe('skipped: the file is empty');
    expect(warningFor(corpus, 'blank.txt')).toBe('skipped: the file is empty');
    expect(warningFor(corpus, 'only-boilerplate.txt')).toBe('skipped: nothing is left after removing boilerplate');
    expect(warningFor(corpus, 'scan.pdf')).toBe(`skipped: .pdf files are not read (supported: ${SUPPORTED_EXTENSIONS.join(', ')})`);
    expect(warningFor(corpus, 'README')).toMatch(/^skipped: files without an extension are not read/);
    expect(warningFor(corpus, 'escape.txt')).toMatch(/^skipped: it is a symbolic link to .*secret\.txt, outside the corpus directory$/);
    expect(warningFor(corpus, 'broken.txt')).toBe('skipped: it is a broken symbolic link');
    expect(corpus.warnings).toHaveLength(10);
  });

  it('follows a symbolic link that stays inside the corpus directory', async () => {
    const dir = await tempCorpus({ 'real/story.txt': GOOD_TEXT });
    await symlink(path.join(dir, 'real'), path.join(dir, 'linked'));
    const corpus = await loadCorpus(dir);
    expect(corpus.articles.map((a) => a.path)).toEqual(['linked/story.txt']);
    expect(corpus.warnings).toEqual([{ path: 'real', message: 'skipped: this folder is already read under another path' }]);
  });

  it('keeps the first of two files with the same id, by path order, and warns about the other', async () => {
    const dir = await tempCorpus({
      'a/story.txt': GOOD_TEXT,
      'b/story.txt': GOOD_TEXT,
      'a/story.md': '# A Markdown Story Headline\n\nText.\n',
      'other.txt': GOOD_TEXT,
    });
    const corpus = await loadCorpus(dir);
    expect(corpus.articles.map((a) => a.path)).toEqual(['other.txt', 'a/story.md']);
    expect(corpus.warnings).toEqual([
      { path: 'a/story.txt', message: 'skipped: duplicate id "story" (the article from a/story.md is kept); rename one of the files' },
      { path: 'b/story.txt', message: 'skipped: duplicate id "story" (the article from a/story.md is kept); rename one of the files' },
    ]);
  });

  it('skips files over the size limit', async () => {
    const dir = await tempCorpus({ 'small.txt': GOOD_TEXT, 'big.txt': GOOD_TEXT.repeat(10) });
    const corpus = await loadCorpus(dir, { maxFileBytes: 200 });
    expect(corpus.articles.map((a) => a.id)).toEqual(['small']);
    expect(warningFor(corpus, 'big.txt')).toBe(`skipped: it is ${GOOD_TEXT.length * 10} bytes, over the 200 bytes size limit`);
  });

  it('warns about a folder it cannot read and loads the rest', async () => {
    const dir = await tempCorpus({ 'good.txt': GOOD_TEXT });
    await mkdir(path.join(dir, 'locked'), { mode: 0o000 });
    const corpus = await loadCorpus(dir);
    expect(corpus.articles.map((a) => a.id)).toEqual(['good']);
    // Root can read any folder; everyone else gets a warning.
    if (process.getuid?.() !== 0) expect(warningFor(corpus, 'locked')).toBe('skipped: the folder cannot be read (EACCES)');
  });
});

describe('what is read', () => {
  it('strips a byte-order mark, turns CRLF into LF and sorts articles by id across folders', async () => {
    const dir = await tempCorpus({
      'z/alpha.txt': '\uFEFFAlpha Headline For The Record\r\n\r\nFirst line.\r\n',
      'beta.txt': 'Beta Headline For The Record\r\rSecond line.\r',
    });
    await writeFile(path.join(dir, 'notes.meta.json.bak'), 'x');
    const corpus = await loadCorpus(dir);
    expect(corpus.articles.map((a) => [a.id, a.path, a.text])).toEqual([
      ['alpha', 'z/alpha.txt', 'Alpha Headline For The Record\n\nFirst line.'],
      ['beta', 'beta.txt', 'Beta Headline For The Record\n\nSecond line.'],
    ]);
    expect(corpus.warnings.map((w) => w.path)).toEqual(['notes.meta.json.bak']);
  });
});
