/**
 * Reads a SQuAD v1.1 file (`{ version, data: [{ title, paragraphs: [{ context, qas }] }] }`) into
 * articles and questions, each question tied to its article and carrying its gold answer strings.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { InputError } from '../core/errors.js';

const schema = z.object({
  data: z.array(
    z.object({
      title: z.string().min(1),
      paragraphs: z.array(
        z.object({
          context: z.string(),
          qas: z.array(
            z.object({
              id: z.string(),
              question: z.string(),
              answers: z.array(z.object({ text: z.string() })),
            }),
          ),
        }),
      ),
    }),
  ),
});

/** A SQuAD article: its title as the dataset spells it ("Super_Bowl_50") and its paragraphs. */
export interface SquadArticle {
  title: string;
  paragraphs: string[];
}

/** A SQuAD question with its article (an index into `SquadDataset.articles`) and gold answers. */
export interface SquadQuestion {
  id: string;
  question: string;
  /** Distinct gold answer strings. */
  answers: string[];
  article: number;
}

export interface SquadDataset {
  articles: SquadArticle[];
  /** In dataset order. */
  questions: SquadQuestion[];
}

/** Parses SQuAD-shaped JSON (already read) into articles and questions. */
export function parseSquad(raw: unknown, source = 'the SQuAD file'): SquadDataset {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InputError(`${source} is not in the SQuAD v1.1 form: at ${issue.path.join('.')}: ${issue.message}`, {
      hint: 'Give the official dev set, e.g. ../shared/eval/squad-dev-v1.1.json.',
    });
  }
  const articles: SquadArticle[] = [];
  const questions: SquadQuestion[] = [];
  parsed.data.data.forEach((entry, article) => {
    articles.push({ title: entry.title, paragraphs: entry.paragraphs.map((p) => p.context) });
    for (const paragraph of entry.paragraphs) {
      for (const qa of paragraph.qas) {
        const answers = [...new Set(qa.answers.map((a) => a.text.trim()).filter((a) => a.length > 0))];
        if (answers.length > 0) questions.push({ id: qa.id, question: qa.question, answers, article });
      }
    }
  });
  return { articles, questions };
}

/** Reads and parses a SQuAD v1.1 file. */
export async function readSquad(file: string): Promise<SquadDataset> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new InputError(`Cannot read the SQuAD file ${file}: ${(error as Error).message}`, {
      hint: 'Give the official dev set, e.g. --squad ../shared/eval/squad-dev-v1.1.json.',
    });
  }
  return parseSquad(raw, `The SQuAD file ${file}`);
}
