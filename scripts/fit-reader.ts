import { fitReaderCommand } from '../src/cli/reader-fit-command.js';
import { runMain } from '../src/cli/run.js';

await runMain(() => fitReaderCommand(process.argv.slice(2)));
