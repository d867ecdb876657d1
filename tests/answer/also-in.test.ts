/**
 * The same story in two outlets: a seed article copied under another file name with another outlet
 * (a sidecar) is answered from once, and the source names the copy as "also in"; the seed corpus
 * without copies names nothing.
 */
import { copyFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Library } from '../../src/answer/library.js';
import type { Answer } from '../../src/answer/types.js';
import { renderAnswer } from '../../src/cli/render-answer.js';
import { MODEL_OPTIONS, seedLibrary, seedWorkspace, type SeedWorkspace } from '../support/seed-index.js';

const ORIGINAL = '004_dc90a5985b6e19d6';
const COPY = '904_wire_copy';
const QUESTION = 'How did Trump describe the talks Witkoff held with Putin?';

let plain: SeedWorkspace & { library: Library };
let copied: SeedWorkspace & { library: Library };

beforeAll(async () => {
  plain = await seedLibrary();
  const workspace = await seedWorkspace();
  await copyFile(path.join(workspace.corpusDir, `${ORIGINAL}.txt`), path.join(workspace.corpusDir, `${COPY}.txt`));
  await writeFile(
    path.join(workspace.corpusDir, `${COPY}.meta.json`),
    JSON.stringify({ source: 'Wire Daily', published: '2025-08-06', url: 'https://wire.example/witkoff-putin' }),
  );
  const library = await Library.open({ config: { ...MODEL_OPTIONS, corpusDir: workspace.corpusDir, indexDir: workspace.indexDir }, buildIfMissing: true });
  copied = { ...workspace, library };
}, 120_000);

afterAll(async () => {
  await plain?.cleanup();
  await copied?.cleanup();
});

/** Every article the answer cites (its quotes and its further quotes). */
function citedIds(answer: Answer): string[] {
  return [...answer.sources, ...(answer.more?.sources ?? [])].map((s) => s.id);
}

describe('the same story in two outlets', () => {
  it('is answered from one of them, whose source names the other as "also in"', async () => {
    const answer = await copied.library.ask(QUESTION);
    expect(answer.answered).toBe(true);
    expect(answer.quotes.map((q) => q.text).join(' ')).toContain('unexpectedly productive');
    const story = [ORIGINAL, COPY];
    const cited = citedIds(answer).filter((id) => story.includes(id));
    expect(new Set(cited).size).toBe(1); // the story is cited once, from one outlet
    const source = answer.sources.find((s) => s.id === cited[0])!;
    const other = story.find((id) => id !== source.id)!;
    expect(source.alsoIn?.map((a) => a.id)).toEqual([other]);
    const ref = source.alsoIn![0]!;
    expect(ref.path).toBe(`${other}.txt`);
    if (other === COPY) expect(ref).toMatchObject({ outlet: 'Wire Daily', published: '2025-08-06', url: 'https://wire.example/witkoff-putin' });
    // No other source lists it, and no source lists an article the answer cites.
    const listed = answer.sources.flatMap((s) => (s.alsoIn ?? []).map((a) => a.id));
    expect(listed).toEqual([other]);
    expect(listed.filter((id) => citedIds(answer).includes(id))).toEqual([]);
    // JSON carries it; the terminal shows it under the source.
    expect((JSON.parse(JSON.stringify(answer)) as Answer).sources.find((s) => s.id === source.id)?.alsoIn?.[0]?.id).toBe(other);
    const name = other === COPY ? 'Wire Daily' : (ref.outlet ?? ref.title);
    expect(renderAnswer(answer)).toContain(`\n    also in ${name}\n`);
  });

  it('without copies, names nothing, and answers as before', async () => {
    const [withCopy, without] = await Promise.all([copied.library.ask(QUESTION), plain.library.ask(QUESTION)]);
    expect(without.answered).toBe(true);
    expect(without.sources.some((s) => s.alsoIn !== undefined)).toBe(false);
    expect(without.more?.sources.some((s) => s.alsoIn !== undefined) ?? false).toBe(false);
    // The copy changes where the story is cited from, not the answer: the same first quote, and the
    // same quotes but for at most the last (the copy doubles the story's words' document frequencies,
    // which moves the reader's scores a little; a marginal last quote may change with them: it does on
    // an AVX2-only machine, not on the one this test was written on — onnxruntime's int8 kernels differ
    // by CPU, and with them the vectors' last digits).
    const quoted = without.quotes.map((q) => q.text);
    expect(withCopy.quotes[0]?.text).toBe(quoted[0]);
    expect(withCopy.quotes.length).toBe(quoted.length);
    expect(withCopy.quotes.filter((q) => quoted.includes(q.text)).length).toBeGreaterThanOrEqual(quoted.length - 1);
    for (const q of ['Who was Mike Pompeo?', 'What did Kremlin officials stress about communication after the meeting?', 'Who painted the Mona Lisa?']) {
      const answer = await plain.library.ask(q);
      expect([...answer.sources, ...(answer.more?.sources ?? [])].every((s) => s.alsoIn === undefined)).toBe(true);
      expect(renderAnswer(answer)).not.toContain('also in');
    }
  });
});
