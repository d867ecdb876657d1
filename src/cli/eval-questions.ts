/**
 * Reads an evaluation questions file: `[{ "q": string, "source": string | null, "expect": string[],
 * "wrongPhrases"?: string[], "note"?: string }]`.
 *
 * - `source`: the id (or id prefix) of the article that answers it; `null`: the corpus does not, the
 *   answer must decline. It may be left out only when `wrongPhrases` is given (the item then says only
 *   what must not be quoted — e.g. from a 👎 that named a wrong quote).
 * - `expect`: phrases, any one of which a good quote contains.
 * - `wrongPhrases`: phrases of quotes known to be wrong for the question: no quote of the answer may
 *   contain any of them.
 * - `note`: free text for the people who keep the file (where the item came from); not scored.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { InputError } from '../core/errors.js';

export const evalQuestionSchema = z
  .object({
    q: z.string().min(1),
    source: z.string().min(1).nullable().optional(),
    expect: z.array(z.string()).default([]),
    wrongPhrases: z.array(z.string().min(1)).optional(),
    note: z.string().optional(),
  })
  .refine((item) => item.source !== undefined || (item.wrongPhrases?.length ?? 0) > 0, {
    message: 'give "source" (an article id, or null when the corpus does not answer it), or "wrongPhrases"',
    path: ['source'],
  });

const schema = z.array(evalQuestionSchema);

export type EvalQuestion = z.output<typeof evalQuestionSchema>;
/** An item as written to a file (defaults not filled in). */
export type EvalQuestionInput = z.input<typeof evalQuestionSchema>;

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
      hint: 'Each entry is { "q": "question", "source": "article id prefix" or null, "expect": ["phrase", …] } (optionally "wrongPhrases": ["phrase", …]).',
    });
  }
  return parsed.data;
}
