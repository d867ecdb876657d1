/**
 * Runs a command's main function the way every entry point should: known errors print their
 * message and hint (no stack trace) and exit non-zero; anything else prints in full.
 */
import { CommanderError } from 'commander';
import { VerbatimError } from '../core/errors.js';

export async function runMain(main: () => Promise<number | void>): Promise<void> {
  try {
    const code = await main();
    process.exitCode = code ?? 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander has already printed the help or the usage error.
      process.exitCode = error.exitCode;
    } else if (error instanceof VerbatimError) {
      process.stderr.write(`error: ${error.describe()}\n`);
      process.exitCode = error.code === 'CONFIG' ? 2 : 1;
    } else {
      process.stderr.write(`unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    }
  }
}
