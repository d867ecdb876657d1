/** Which test files run without the model or ../shared (tests/support/requirements.ts). */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, testsThatCannotRun } from './requirements.js';

let root: string;
let testsDir: string;
let sharedDir: string;
const rel = (name: string) => path.relative(PROJECT_ROOT, path.join(testsDir, name)).split(path.sep).join('/');

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'verbatim-requirements-'));
  testsDir = path.join(root, 'tests');
  sharedDir = path.join(root, 'shared');
  await mkdir(path.join(testsDir, 'deep'), { recursive: true });
  await mkdir(path.join(sharedDir, 'eval'), { recursive: true });
  await writeFile(path.join(sharedDir, 'eval', 'present.json'), '[]');
  const files: Record<string, string> = {
    'unit.test.ts': "import { PROJECT_ROOT } from '../support/env.js';\n",
    'seed.test.ts': "import { seedLibrary } from '../support/seed-index.js';\n",
    'deep/embed.test.ts': 'const e = await LocalEmbeddings.load(options);\n',
    'bot.test.ts': "import { startBot } from './helpers/harness.js';\n",
    'dev.test.ts': "const file = '../shared/eval/dev-questions.json';\n",
    'present.test.ts': "const file = '../shared/eval/present.json';\n",
    'models.test.ts': '/* needs ../shared/models, or MODEL_DIR */\n',
    'itself.test.ts': "import { MODEL_AVAILABLE } from '../support/requirements.js';\nconst dir = MODEL_DIR;\n",
    'helper.ts': 'export const MODEL = MODEL_DIR;\n',
  };
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(testsDir, name), text);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('testsThatCannotRun', () => {
  it('without the model: the files that use it, and those naming a missing ../shared file; never a file that decides for itself', () => {
    const leftOut = testsThatCannotRun(testsDir, { modelAvailable: false, sharedDir });
    expect(leftOut.sort((a, b) => a.file.localeCompare(b.file))).toEqual(
      [
        { file: rel('bot.test.ts'), needs: 'the model' },
        { file: rel('deep/embed.test.ts'), needs: 'the model' },
        { file: rel('dev.test.ts'), needs: '../shared/eval/dev-questions.json' },
        { file: rel('models.test.ts'), needs: 'the model' },
        { file: rel('seed.test.ts'), needs: 'the model' },
      ].sort((a, b) => a.file.localeCompare(b.file)),
    );
  });

  it('with the model: only the files naming a missing ../shared file', () => {
    expect(testsThatCannotRun(testsDir, { modelAvailable: true, sharedDir })).toEqual([{ file: rel('dev.test.ts'), needs: '../shared/eval/dev-questions.json' }]);
  });

  it('in this repository, without the model: the index and bot tests are left out, the unit tests and the CLI files (which skip their own) are not', () => {
    const files = testsThatCannotRun(undefined, { modelAvailable: false }).map((entry) => entry.file);
    expect(files).toEqual(expect.arrayContaining(['tests/index/build.test.ts', 'tests/discord/bot-ask.test.ts', 'tests/answer/engine.test.ts', 'tests/chunking/chunk.test.ts']));
    for (const file of ['tests/corpus/rules.test.ts', 'tests/cli/commands.test.ts', 'tests/cli/squad.test.ts', 'tests/index/lock.test.ts', 'tests/support/requirements.test.ts']) {
      expect(files).not.toContain(file);
    }
  });
});
