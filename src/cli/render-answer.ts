/**
 * An Answer as plain text for a terminal. An answer: its strength label, the spelling corrections
 * if any, the quotes each followed by [n], the sources. A refusal: its message, then the passages
 * that came closest (labelled as not answering, indented so they never read as quotes), then the
 * sources (for a too-vague question, the articles the corpus covers).
 *
 * Everything that comes from the corpus, the question or the file system is made safe for a terminal
 * (terminal-text.ts): quotes and titles on one line, control and bidi characters escaped.
 */
import {
  alsoInLine,
  CORPUS_COVERS_HEADING,
  introducesList,
  NEAREST_PASSAGES_HEADING,
  NEAREST_SOURCES_HEADING,
  searchedQuestion,
  spellingList,
  STRENGTH_LABELS,
  withoutListLead,
} from '../answer/strength-labels.js';
import type { Answer, NearestPassage, SourceRef } from '../answer/types.js';
import { forTerminal, oneLine } from './terminal-text.js';

export function renderAnswer(answer: Answer): string {
  const lines: string[] = [];
  if (answer.answered) {
    if (answer.strength !== undefined) lines.push(STRENGTH_LABELS[answer.strength]);
    const searched = correctionsLine(answer);
    if (searched !== undefined) lines.push(searched);
    if (lines.length > 0) lines.push('');
    for (const quote of answer.quotes) lines.push(`“${oneLine(quote.text)}” [${quote.source}]`, '');
    lines.push('Sources:');
    for (const source of answer.sources) lines.push(formatSource(source));
  } else {
    lines.push(...refusalLines(answer));
  }
  lines.push('', `(${answer.timings.totalMs} ms)`);
  return lines.join('\n') + '\n';
}

/** The line between answers when several are printed one after another (questions read from stdin with --text). */
export const ANSWER_SEPARATOR = '-'.repeat(40);

/**
 * A question and its answer, for a run of questions read from stdin: the separator line (except
 * before the first), "Q: question" on one line, a blank line, then the answer as renderAnswer has it.
 */
export function renderQuestionAndAnswer(answer: Answer, first: boolean): string {
  return `${first ? '' : `${ANSWER_SEPARATOR}\n`}Q: ${oneLine(answer.question)}\n\n${renderAnswer(answer)}`;
}

function refusalLines(answer: Answer): string[] {
  const lines: string[] = [];
  const message = answer.refusal?.message ?? 'The articles do not answer that.';
  const nearest = answer.refusal?.nearest ?? [];
  const searched = correctionsLine(answer);
  const reason = answer.refusal?.reason ?? 'not-in-corpus';
  const sourcesHeading = reason === 'too-vague' ? CORPUS_COVERS_HEADING : NEAREST_SOURCES_HEADING;
  // A message that ends by introducing the sources ("These are the nearest sources:") is followed
  // by them directly; when something comes in between, they get a heading of their own, as do the
  // articles listed for a too-vague question; when there are none, the message does not promise them.
  const direct = reason !== 'too-vague' && answer.sources.length > 0 && nearest.length === 0 && searched === undefined && introducesList(message);
  lines.push(...(direct ? message : withoutListLead(message)).split('\n').map(forTerminal));
  if (searched !== undefined) lines.push(searched);
  if (nearest.length > 0) {
    lines.push('', `${NEAREST_PASSAGES_HEADING}:`);
    for (const passage of nearest) lines.push(...nearestLines(passage));
  }
  if (answer.sources.length > 0 && !direct) lines.push('', `${sourcesHeading}:`);
  for (const source of answer.sources) lines.push(formatSource(source));
  return lines;
}

/** A nearest passage, indented (every line) so that it cannot be taken for an answer's quote. */
function nearestLines(passage: NearestPassage): string[] {
  const text = passage.text
    .split(/\n+/)
    .map((line) => oneLine(line))
    .filter((line) => line.length > 0);
  const body = text.length > 0 ? text : ['…'];
  return body.map((line, i) => `  ${i === 0 ? '“' : ' '}${line}${i === body.length - 1 ? `” [${passage.source}]` : ''}`);
}

/** "Searched for: How did Trump … (spelling: trum → trump)", when question words were corrected. */
function correctionsLine(answer: Answer): string | undefined {
  const corrections = answer.corrections ?? [];
  if (corrections.length === 0) return undefined;
  const searched = oneLine(searchedQuestion(answer.question, corrections));
  return `Searched for: ${searched} (spelling: ${oneLine(spellingList(corrections))})`;
}

/** A source line: titles and details on one line; the path and URL with any control character escaped. */
export function formatSource(source: SourceRef): string {
  const details = oneLine([source.outlet, source.published].filter(Boolean).join(', '));
  const url = source.url ? ` <${forTerminal(source.url)}>` : '';
  const line = `[${source.n}] ${oneLine(source.title)} — ${forTerminal(source.path)}${details ? ` (${details})` : ''}${url}`;
  const alsoIn = alsoInLine(source.alsoIn);
  return alsoIn === undefined ? line : `${line}\n    ${oneLine(alsoIn)}`;
}
