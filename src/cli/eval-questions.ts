/** Reads an evaluation questions file: `[{ "q": string, "source": string | null, "expect": string[] }]`. */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { InputError } from '../core/errors.js';

const schema = z.array(
  z.object({
    q: z.string().min(1),
    /** The id (or id prefix) of the article that answers it; null: the corpus does not. */
    source: z.string().min(1).nullable(),
    /** Phrases, any one of which a good quote contains. */
    expect: z.array(z.string()).default([]),
  }),
);

export type EvalQuestion = z.output<typeof schema>[number];

export async function readEvalQuestions(file: string): Promise<EvalQuestion[]> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new InputError(`Cannot read the questions file ${file}: ${(error as Error).message}`, {
      hint: 'Give a JSON file like ../shared/eval/dev-questions.json.',
    });
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InputError(`The questions file ${file} is not in the expected form: at ${issue.path.join('.')}: ${issue.message}`, {
      hint: 'Each entry is { "q": "question", "source": "article id prefix" or null, "expect": ["phrase", …] }.',
    });
  }
  return parsed.data;
}
