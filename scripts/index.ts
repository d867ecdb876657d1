import { indexCommand } from '../src/cli/index-command.js';
import { runMain } from '../src/cli/run.js';

await runMain(() => indexCommand(process.argv.slice(2)));
