/**
 * "Also in": the same wire story in two outlets is shown once, its source field naming the other
 * outlet. End to end through /ask with the real discord.js client against the stand-in, and the
 * source field's rendering within Discord's limits.
 */
import { copyFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderAnswer } from '../../src/discord/render/answer.js';
import { sourceField } from '../../src/discord/render/source-field.js';
import { answered, embedViolations, quote, source } from './helpers/answers.js';
import { ask, openTestLibrary, startBot, TestLibrary, type RunningBot, type TestCorpus } from './helpers/harness.js';

const ORIGINAL = '004_dc90a5985b6e19d6';
const COPY = '904_wire_copy';

describe('"also in" in a source field', () => {
  it('names the other outlets (titles where there is none) on a line of its own, and counts the rest', () => {
    const field = sourceField(
      source(1, {
        outlet: 'Reuters',
        alsoIn: [
          { id: 'a', title: 'Kremlin hopeful', path: 'a.txt', outlet: 'Wire *Daily*' },
          { id: 'b', title: 'Talks "productive", Trump says', path: 'b.txt' },
          { id: 'c', title: 'Same again', path: 'c.txt', outlet: 'Wire *Daily*' },
          { id: 'd', title: 'D', path: 'd.txt', outlet: 'AP' },
          { id: 'e', title: 'E', path: 'e.txt', outlet: 'BBC' },
        ],
      }),
    );
    expect(field.value.split('\n').at(-1)).toBe('*also in Wire \\*Daily\\*, Talks "productive", Trump says, AP and 1 more*');
  });

  it('stays within the field limit and cuts a long list with an ellipsis', () => {
    const alsoIn = Array.from({ length: 40 }, (_, i) => ({ id: `x${i}`, title: `T${i}`, path: `x${i}.txt`, outlet: `${'Outlet '.repeat(30)}${i}` }));
    const field = sourceField(source(1, { url: `https://example.com/${'a'.repeat(590)}`, alsoIn }));
    const line = field.value.split('\n').at(-1)!;
    expect(line.startsWith('*also in Outlet')).toBe(true);
    expect(line.endsWith('…*')).toBe(true);
    expect(line.length).toBeLessThanOrEqual(200);
    const answer = answered('q', [quote('A quote.', 1)], Array.from({ length: 10 }, (_, i) => source(i + 1, { title: 'T'.repeat(250), alsoIn })));
    expect(embedViolations(renderAnswer(answer))).toEqual([]);
  });

  it('is absent when the source has no copies', () => {
    expect(sourceField(source(1, { outlet: 'Reuters' })).value).not.toContain('also in');
  });
});

let corpus: TestCorpus;
let running: RunningBot;

beforeAll(async () => {
  corpus = await openTestLibrary(async (dir) => {
    await copyFile(path.join(dir, `${ORIGINAL}.txt`), path.join(dir, `${COPY}.txt`));
    await writeFile(path.join(dir, `${COPY}.meta.json`), JSON.stringify({ source: 'Wire Daily', published: '2025-08-06' }));
  });
  running = await startBot(new TestLibrary(corpus.library), path.join(corpus.root, 'feedback.jsonl'));
}, 120_000);

afterAll(async () => {
  await running?.close();
  await corpus?.cleanup();
});

describe('/ask over a corpus with the same story in two outlets', () => {
  it('cites the story once and says where else it ran', async () => {
    const { embed } = await ask(running, 'How did Trump describe the talks Witkoff held with Putin?');
    expect(embed.description).toContain('unexpectedly productive');
    const fields = embed.fields ?? [];
    const story = fields.filter((f) => f.value.includes(`${ORIGINAL}.txt`) || f.value.includes(`${COPY}.txt`));
    expect(story).toHaveLength(1);
    // The original is kept (it ranks first of the two equal passages) and names the copy's outlet.
    expect(story[0]!.value).toContain(`${ORIGINAL}.txt`);
    expect(story[0]!.value).toMatch(/\n\*also in Wire Daily\*$/);
    expect(fields.filter((f) => f.value.includes('also in'))).toHaveLength(1);
    expect(embedViolations(embed)).toEqual([]);
  });
});
