/**
 * checkUpToDate tells an unchanged corpus from the files' bytes (scanCorpus), without parsing or
 * cleaning any article, and still reports every warning the full read would give.
 */
import { copyFile, readFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LocalEmbeddings } from '../../src/embedding/embedder.js';
import { buildIndex, checkUpToDate } from '../../src/index/build.js';
import type * as ArticleModule from '../../src/corpus/article.js';
import { readManifest, writeManifest } from '../../src/index/manifest.js';
import { loadEmbeddings, MODEL_OPTIONS, seedWorkspace, type SeedWorkspace } from '../support/seed-index.js';

/** How many times an article was parsed and cleaned (src/corpus/article.ts buildArticle). */
const parsed = vi.hoisted(() => ({ count: 0 }));
vi.mock('../../src/corpus/article.js', async (importOriginal) => {
  const original = await importOriginal<typeof ArticleModule>();
  return {
    ...original,
    buildArticle: (...args: Parameters<typeof original.buildArticle>) => {
      parsed.count++;
      return original.buildArticle(...args);
    },
  };
});

let workspace: SeedWorkspace;
let embeddings: LocalEmbeddings;
beforeAll(async () => {
  workspace = await seedWorkspace();
  embeddings = await loadEmbeddings();
});
afterAll(async () => {
  await workspace?.cleanup();
});

/** The warnings as sorted "path: message" lines. */
function lines(warnings: readonly { path: string; message: string }[]): string[] {
  return warnings.map((w) => `${w.path}: ${w.message}`).sort();
}

describe('checkUpToDate from the files’ bytes', () => {
  it('parses no article when nothing changed, and reports the warnings the build gave', async () => {
    const { corpusDir, indexDir } = workspace;
    // Warnings of every source: a file that is not read, a sidecar with no article, front matter
    // only parsing finds broken (the article is still indexed), a file with nothing to index.
    await writeFile(path.join(corpusDir, 'notes.csv'), 'a,b\n1,2\n');
    await writeFile(path.join(corpusDir, 'orphan.meta.json'), '{"title": "No article"}');
    const seed = (await readFile(path.join(corpusDir, '001_d0fa2f8654ce3dfa.txt'), 'utf8')).split('\n\n').slice(0, 4).join('\n\n');
    await writeFile(path.join(corpusDir, 'broken-front-matter.md'), `---\ntitle: [unclosed\n---\n\n${seed}\n`);
    const options = { corpusDir, indexDir, model: MODEL_OPTIONS };
    const built = await buildIndex({ corpusDir, indexDir, embeddings });
    expect(built.counts.articles).toBe(6);
    expect(lines(built.warnings)).toEqual([
      expect.stringMatching(/^broken-front-matter\.md: front matter is not valid YAML/),
      expect.stringMatching(/^notes\.csv: skipped: \.csv files are not read/),
      expect.stringMatching(/^orphan\.meta\.json: ignored: metadata sidecar with no article/),
    ]);

    parsed.count = 0;
    const unchanged = await checkUpToDate(options);
    expect(unchanged.summary).toMatchObject({ written: false, generationDir: built.generationDir, added: [], changed: [], removed: [] });
    expect(lines(unchanged.summary!.warnings)).toEqual(lines(built.warnings));
    expect(parsed.count).toBe(0);

    // A new file that is not read changes no article, but its warning is new: the corpus is read in full to say it.
    await writeFile(path.join(corpusDir, 'more-notes.csv'), 'c\n');
    const withNew = await checkUpToDate(options);
    expect(parsed.count).toBe(6);
    expect(withNew.summary!.warnings).toHaveLength(built.warnings.length + 1);
    expect(lines(withNew.summary!.warnings)).toContainEqual(expect.stringMatching(/^more-notes\.csv: skipped: \.csv files are not read/));
    await unlink(path.join(corpusDir, 'more-notes.csv'));

    // A renamed article (same bytes, other path) is a change.
    await copyFile(path.join(corpusDir, 'broken-front-matter.md'), path.join(corpusDir, 'moved.md'));
    await unlink(path.join(corpusDir, 'broken-front-matter.md'));
    parsed.count = 0;
    const moved = await checkUpToDate(options);
    expect(moved.summary).toBeUndefined();
    expect(moved.corpus?.articles.map((a) => a.id)).toContain('moved');
    await copyFile(path.join(corpusDir, 'moved.md'), path.join(corpusDir, 'broken-front-matter.md'));
    await unlink(path.join(corpusDir, 'moved.md'));
  });

  it('reads the whole corpus for an index whose manifest kept no warnings (built before they were kept)', async () => {
    const { corpusDir, indexDir } = workspace;
    const options = { corpusDir, indexDir, model: MODEL_OPTIONS };
    const first = await checkUpToDate(options);
    const dir = first.summary!.generationDir;
    const { warnings: _kept, checksum: _checksum, ...older } = await readManifest(dir);
    await writeManifest(dir, older);

    parsed.count = 0;
    const check = await checkUpToDate(options);
    expect(parsed.count).toBe(6);
    expect(check.summary).toMatchObject({ written: false, generationDir: dir });
    expect(lines(check.summary!.warnings)).toEqual(lines(first.summary!.warnings));
  });
});
