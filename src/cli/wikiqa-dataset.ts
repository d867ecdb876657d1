/**
 * Reads a WikiQA TSV file (QuestionID, Question, DocumentID, DocumentTitle, SentenceID, Sentence,
 * Label) into documents and questions. A document is one Wikipedia summary: its sentences in
 * SentenceID (`D<doc>-<position>`) order, each once even when several questions share the
 * document. A question carries its document and the texts of its label-1 sentences; a question
 * with none is unanswerable, and the right reply to it is a refusal.
 */
import { readFile } from 'node:fs/promises';
import { InputError } from '../core/errors.js';

/** The header row, in order. */
export const WIKIQA_COLUMNS = ['QuestionID', 'Question', 'DocumentID', 'DocumentTitle', 'SentenceID', 'Sentence', 'Label'] as const;

/** A WikiQA document: its id ("D8"), title ("Tissue (biology)") and sentences in position order. */
export interface WikiQADocument {
  id: string;
  title: string;
  /** Tokenized as the dataset has them (spaces before punctuation). */
  sentences: string[];
}

/** A WikiQA question with its document (an index into `WikiQADataset.documents`) and gold sentences. */
export interface WikiQAQuestion {
  id: string;
  question: string;
  document: number;
  /** Texts of the label-1 sentences, in position order; empty when the document does not answer it. */
  gold: string[];
}

export interface WikiQADataset {
  /** In order of first appearance in the file. */
  documents: WikiQADocument[];
  /** In order of first appearance in the file. */
  questions: WikiQAQuestion[];
}

interface DocumentDraft {
  title: string;
  /** Sentence text by position. */
  sentences: Map<number, string>;
}

interface QuestionDraft {
  question: string;
  documentId: string;
  /** Positions of label-1 sentences. */
  gold: Set<number>;
}

const HINT = 'Give the WikiQA development set as published, e.g. --wikiqa ../shared/eval/wikiqa/WikiQA-dev.tsv.';

/** Parses WikiQA TSV text (already read); `source` names the file in error messages. */
export function parseWikiQA(text: string, source = 'the WikiQA file'): WikiQADataset {
  const lines = text.replace(/^\uFEFF/u, '').split(/\r?\n/u);
  if (lines[lines.length - 1] === '') lines.pop();
  function fail(line: number, message: string): never {
    throw new InputError(`${source}, line ${line}: ${message}`, { hint: HINT });
  }
  const header = lines[0]?.split('\t') ?? [];
  if (header.join('\t') !== WIKIQA_COLUMNS.join('\t')) {
    fail(1, `the header should be the ${WIKIQA_COLUMNS.length} tab-separated columns ${WIKIQA_COLUMNS.join(', ')} (got "${truncate(lines[0] ?? '')}")`);
  }
  if (lines.length < 2) fail(1, 'there is no row after the header');

  const documents = new Map<string, DocumentDraft>();
  const questions = new Map<string, QuestionDraft>();
  for (let i = 1; i < lines.length; i++) {
    const lineNumber = i + 1;
    const fields = lines[i]!.split('\t');
    if (fields.length !== WIKIQA_COLUMNS.length) {
      fail(lineNumber, `expected ${WIKIQA_COLUMNS.length} tab-separated fields, found ${fields.length}`);
    }
    const [questionId, question, documentId, title, sentenceId, sentence, label] = fields.map((f) => f.trim()) as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    for (const [column, value] of [
      ['QuestionID', questionId],
      ['Question', question],
      ['DocumentID', documentId],
      ['DocumentTitle', title],
      ['Sentence', sentence],
    ] as const) {
      if (value === '') fail(lineNumber, `${column} is empty`);
    }
    if (label !== '0' && label !== '1') fail(lineNumber, `Label must be 0 or 1 (got "${truncate(label)}")`);
    const position = sentencePosition(sentenceId, documentId);
    if (position === undefined) fail(lineNumber, `SentenceID "${truncate(sentenceId)}" is not of the form ${documentId}-<position>`);

    const doc = documents.get(documentId) ?? { title, sentences: new Map<number, string>() };
    documents.set(documentId, doc);
    if (doc.title !== title) fail(lineNumber, `document ${documentId} has two titles, "${doc.title}" and "${truncate(title)}"`);
    const known = doc.sentences.get(position);
    if (known !== undefined && known !== sentence) fail(lineNumber, `sentence ${sentenceId} has two different texts`);
    doc.sentences.set(position, sentence);

    const q = questions.get(questionId) ?? { question, documentId, gold: new Set<number>() };
    questions.set(questionId, q);
    if (q.question !== question) fail(lineNumber, `question ${questionId} has two different texts`);
    if (q.documentId !== documentId) fail(lineNumber, `question ${questionId} is linked to two documents, ${q.documentId} and ${documentId}`);
    if (label === '1') q.gold.add(position);
  }

  const documentIndex = new Map<string, number>();
  const result: WikiQADataset = { documents: [], questions: [] };
  for (const [id, doc] of documents) {
    documentIndex.set(id, result.documents.length);
    const sentences = [...doc.sentences.entries()].sort((a, b) => a[0] - b[0]).map(([, text]) => text);
    result.documents.push({ id, title: doc.title, sentences });
  }
  for (const [id, q] of questions) {
    const doc = documents.get(q.documentId)!;
    const gold = [...q.gold].sort((a, b) => a - b).map((position) => doc.sentences.get(position)!);
    result.questions.push({ id, question: q.question, document: documentIndex.get(q.documentId)!, gold });
  }
  return result;
}

/** Reads and parses a WikiQA TSV file. */
export async function readWikiQA(file: string): Promise<WikiQADataset> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new InputError(`Cannot read the WikiQA file ${file}: ${(error as Error).message}`, { hint: HINT });
  }
  return parseWikiQA(text, `The WikiQA file ${file}`);
}

/** Questions the document answers (at least one label-1 sentence). */
export function isAnswerable(question: WikiQAQuestion): boolean {
  return question.gold.length > 0;
}

/** The position in "D8-3" when its document part is `documentId` ("D8"). */
function sentencePosition(sentenceId: string, documentId: string): number | undefined {
  const match = /^(.+)-(\d+)$/u.exec(sentenceId);
  if (!match || match[1] !== documentId) return undefined;
  return Number(match[2]);
}

function truncate(text: string, max = 60): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
