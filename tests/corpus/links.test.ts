/** Links that lead out of the corpus, however they are made, are never read (issue #12, item 3). */
import { spawn } from 'node:child_process';
import { link, symlink } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCorpus } from '../../src/corpus/load.js';
import { readFileBytes } from '../../src/corpus/read-file.js';
import type { LoadedCorpus } from '../../src/corpus/types.js';
import { GOOD_TEXT, tempCorpus } from './temp-corpus.js';

const MARKER = 'SECRETMARKER7f3a';
const SECRET_TEXT = `An Outside File That Must Stay Outside\n\nThe ${MARKER} line lives outside the corpus, officials said.\n`;

function leaked(corpus: LoadedCorpus): boolean {
  return corpus.articles.some((article) => article.text.includes(MARKER));
}

/** Node code for a child process that swaps `target` between a regular file and a link to `secret`, as fast as it can. */
const TOGGLER = `
const fs = require('node:fs');
const [target, secret, good] = process.argv.slice(1);
const file = target + '.file.tmp';
const link = target + '.link.tmp';
for (;;) {
  try { fs.writeFileSync(file, good); fs.renameSync(file, target); } catch {}
  try { fs.rmSync(link, { force: true }); fs.symlinkSync(secret, link); fs.renameSync(link, target); } catch {}
}`;

describe('links out of the corpus', () => {
  it('never reads the outside file when a file is swapped for a symbolic link while the corpus loads', async () => {
    const outside = await tempCorpus({ 'secret.txt': SECRET_TEXT });
    const dir = await tempCorpus({ 'good.txt': GOOD_TEXT, 'toggle.txt': GOOD_TEXT });
    const child = spawn(process.execPath, ['-e', TOGGLER, path.join(dir, 'toggle.txt'), path.join(outside, 'secret.txt'), GOOD_TEXT], {
      stdio: 'ignore',
    });
    try {
      let loadsWithToggle = 0;
      for (let i = 0; i < 100; i++) {
        const corpus = await loadCorpus(dir);
        expect(leaked(corpus)).toBe(false);
        if (corpus.articles.some((article) => article.id === 'toggle')) loadsWithToggle++;
      }
      // The race was real: some loads read the regular file (the others passed it over with a warning).
      expect(loadsWithToggle).toBeGreaterThan(0);
    } finally {
      child.kill('SIGKILL');
    }
  }, 60_000);

  it('refuses a hard link to a file outside the corpus', async () => {
    const outside = await tempCorpus({ 'secret.txt': SECRET_TEXT });
    const dir = await tempCorpus({ 'good.txt': GOOD_TEXT });
    await link(path.join(outside, 'secret.txt'), path.join(dir, 'hard.txt'));
    const corpus = await loadCorpus(dir);
    expect(leaked(corpus)).toBe(false);
    expect(corpus.articles.map((a) => a.id)).toEqual(['good']);
    expect(corpus.warnings).toEqual([
      {
        path: 'hard.txt',
        message:
          'skipped: it has 2 hard links (names); a hard-linked file may live outside the corpus directory, so it is not read — copy it instead',
      },
    ]);
  });

  it('refuses a hard-linked sidecar too', async () => {
    const outside = await tempCorpus({ 'x.meta.json': '{"title": "Outside Title"}' });
    const dir = await tempCorpus({ 'good.txt': GOOD_TEXT });
    await link(path.join(outside, 'x.meta.json'), path.join(dir, 'good.meta.json'));
    const corpus = await loadCorpus(dir);
    expect(corpus.articles[0]?.title).not.toBe('Outside Title');
    expect(corpus.warnings[0]?.message).toMatch(/^metadata sidecar good\.meta\.json was ignored: it has 2 hard links/);
  });

  it('reads the file the link resolves to only when it lies inside the given directory', async () => {
    const outside = await tempCorpus({ 'secret.txt': SECRET_TEXT });
    const dir = await tempCorpus({ 'good.txt': GOOD_TEXT });
    await symlink(path.join(outside, 'secret.txt'), path.join(dir, 'escape.txt'));
    await symlink(path.join(dir, 'good.txt'), path.join(dir, 'inner.txt'));
    const escaped = await readFileBytes(path.join(dir, 'escape.txt'), 1000, { insideDir: dir });
    expect(escaped).toEqual({ ok: false, problem: `it leads to ${path.join(outside, 'secret.txt')}, outside the corpus directory` });
    const inner = await readFileBytes(path.join(dir, 'inner.txt'), 1000, { insideDir: dir });
    expect(inner.ok && Buffer.from(inner.value).toString()).toBe(GOOD_TEXT);
  });
});
