/**
 * `npm run ask -- "question"`: answers one question (readable, or --json).
 * With no question: reads one question per line from stdin and writes one JSON answer per line
 * (JSONL) — or, with --text, each question followed by its readable answer, answers separated by a
 * line; on a terminal, an interactive prompt. The model and index load once either way.
 *
 * Lines read from a pipe or file are bounded (MAX_LINE_BYTES): a longer line is skipped without being
 * held in memory, reported on stderr and, with --json, by an error object on its output line (so the
 * output keeps one line per input line). Readable output is made safe for a terminal
 * (render-answer.ts); JSON output escapes the characters a terminal may act on (terminal-text.ts).
 */
import { createInterface } from 'node:readline';
import { Command, Option } from 'commander';
import { engineOptions } from '../answer/engine.js';
import type { Answer } from '../answer/types.js';
import { loadAnswerConfig } from '../core/config.js';
import { MAX_QUESTION_CHARS } from '../answer/question.js';
import { cliConfig, openCliLibrary } from './cli-library.js';
import { boundedLines } from './line-reader.js';
import { renderAnswer, renderQuestionAndAnswer } from './render-answer.js';
import { terminalSafeJson } from './terminal-text.js';

/**
 * The longest line read from stdin. Questions are cut at MAX_QUESTION_CHARS characters anyway; this
 * leaves room for markup and whitespace that cleaning removes (and for 4-byte characters).
 */
export const MAX_LINE_BYTES = 64 * MAX_QUESTION_CHARS;

interface AskFlags {
  json?: boolean;
  text?: boolean;
  index?: string;
  corpus?: string;
  build?: boolean;
}

export async function askCommand(argv: readonly string[]): Promise<number> {
  const program = new Command('ask')
    .description('Answer a question from the corpus with verbatim quotes and numbered sources.')
    .argument('[question...]', 'the question; omit it to read questions from stdin, one per line')
    .addOption(new Option('--json', 'print the answer as JSON (JSONL when reading stdin)').conflicts('text'))
    .option('--text', 'with questions on stdin: readable answers, each under its question, instead of JSONL')
    .option('--index <dir>', 'the index directory (default: INDEX_DIR or data/index)')
    .option('--corpus <dir>', 'the corpus directory (default: CORPUS_DIR or corpus)')
    .option('--no-build', 'fail instead of building the index when there is none')
    .exitOverride();
  program.parse(argv, { from: 'user' });
  const flags = program.opts<AskFlags>();
  const question = (program.args as string[]).join(' ');

  const config = await cliConfig(flags);
  const library = await openCliLibrary(config, { engine: engineOptions(loadAnswerConfig()), buildIfMissing: flags.build !== false });

  const print = (answer: Answer) => process.stdout.write(flags.json ? terminalSafeJson(answer) + '\n' : renderAnswer(answer));
  if (question.trim().length > 0) {
    print(await library.ask(question));
    return 0;
  }
  // The model's first inference is the slowest; take it now rather than on the first question.
  await library.ask('warm-up');
  const mode = stdinMode(flags, process.stdin.isTTY === true);
  if (mode !== 'prompt') {
    let answered = 0;
    for await (const line of boundedLines(process.stdin, MAX_LINE_BYTES)) {
      if (line.kind === 'too-long') {
        const message = `line ${line.number} is longer than ${MAX_LINE_BYTES} bytes; skipped`;
        process.stderr.write(`warning: ${message}\n`);
        if (mode === 'jsonl') process.stdout.write(`${JSON.stringify({ line: line.number, error: 'line-too-long', message })}\n`);
        continue;
      }
      if (mode === 'jsonl') {
        // JSONL keeps one answer per input line, blank lines included (they get the "empty" refusal).
        process.stdout.write(terminalSafeJson(await library.ask(line.text)) + '\n');
      } else if (line.text.trim().length > 0) {
        process.stdout.write(renderQuestionAndAnswer(await library.ask(line.text), answered === 0));
        answered++;
      }
    }
    return 0;
  }
  // A person typing at a terminal: readline, for line editing.
  const lines = createInterface({ input: process.stdin, output: process.stdout, prompt: 'ask> ' });
  process.stdout.write(`Verbatim: ${library.store.articles.length} articles indexed. Ask a question (Ctrl-D to quit).\n`);
  lines.prompt();
  for await (const line of lines) {
    if (line.trim().length > 0) print(await library.ask(line));
    lines.prompt();
  }
  return 0;
}

/**
 * How questions without one on the command line are read: `prompt`, an interactive prompt (stdin
 * is a terminal and --json was not given); `jsonl`, one JSON answer per input line (the default
 * when stdin is a pipe or file, and --json on a terminal); `text`, readable answers each under
 * its question (--text on a pipe or file).
 */
export function stdinMode(flags: Pick<AskFlags, 'json' | 'text'>, stdinIsTerminal: boolean): 'prompt' | 'jsonl' | 'text' {
  if (flags.json) return 'jsonl';
  if (stdinIsTerminal) return 'prompt';
  return flags.text ? 'text' : 'jsonl';
}
