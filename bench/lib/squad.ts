/** The SQuAD v1.1 development set (../shared/eval) as paragraphs, sentences and questions. */
import { readFile } from 'node:fs/promises';
import { SQUAD_FILE } from './env.js';

export interface SquadParagraph {
  /** The Wikipedia article title (underscores turned into spaces). */
  title: string;
  /** Index of the article in the file. */
  article: number;
  context: string;
}

export interface SquadQuestion {
  question: string;
  article: number;
  title: string;
  answers: string[];
}

export interface Squad {
  titles: string[];
  paragraphs: SquadParagraph[];
  questions: SquadQuestion[];
}

interface RawSquad {
  data: { title: string; paragraphs: { context: string; qas: { question: string; answers: { text: string }[] }[] }[] }[];
}

export async function loadSquad(file = SQUAD_FILE): Promise<Squad> {
  const raw = JSON.parse(await readFile(file, 'utf8')) as RawSquad;
  const titles = raw.data.map((a) => a.title.replace(/_/g, ' '));
  const paragraphs: SquadParagraph[] = [];
  const questions: SquadQuestion[] = [];
  raw.data.forEach((a, article) => {
    for (const p of a.paragraphs) {
      paragraphs.push({ title: titles[article]!, article, context: p.context });
      for (const qa of p.qas) {
        questions.push({ question: qa.question, article, title: titles[article]!, answers: qa.answers.map((x) => x.text) });
      }
    }
  });
  return { titles, paragraphs, questions };
}

/**
 * A plain sentence split (end punctuation, optional closing quote or bracket, whitespace, then a
 * capital, digit or opening quote). Good enough for generating text; the index uses its own splitter.
 */
export function splitPlainSentences(text: string): string[] {
  return text
    .split(/(?<=[.!?]["'”’)\]]?)\s+(?=["'“‘([]?[A-Z0-9])/u)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
