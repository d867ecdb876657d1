/**
 * Runs a command's main function the way every entry point should: known errors print their
 * message and hint (no stack trace) and exit non-zero — 2 for configuration, the error's own
 * `exitCode` when it has one (e.g. 78 and 69 for Discord at startup), else 1; anything else prints in
 * full. What is printed goes through `forTerminal`: messages can hold file names and corpus text.
 */
import { CommanderError } from 'commander';
import { VerbatimError } from '../core/errors.js';
import { forTerminal } from './terminal-text.js';

/** Each line made safe for a terminal; the line breaks are the message's own. */
function printable(text: string): string {
  return text.split('\n').map(forTerminal).join('\n');
}

function exitCodeOf(error: VerbatimError): number {
  const own = (error as { exitCode?: unknown }).exitCode;
  if (typeof own === 'number' && Number.isInteger(own) && own > 0 && own < 256) return own;
  return error.code === 'CONFIG' ? 2 : 1;
}

export async function runMain(main: () => Promise<number | void>): Promise<void> {
  try {
    const code = await main();
    process.exitCode = code ?? 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander has already printed the help or the usage error.
      process.exitCode = error.exitCode;
    } else if (error instanceof VerbatimError) {
      process.stderr.write(`error: ${printable(error.describe())}\n`);
      process.exitCode = exitCodeOf(error);
    } else {
      process.stderr.write(`unexpected error: ${printable(error instanceof Error ? (error.stack ?? error.message) : String(error))}\n`);
      process.exitCode = 1;
    }
  }
}
