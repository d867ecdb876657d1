import { askCommand } from '../src/cli/ask-command.js';
import { runMain } from '../src/cli/run.js';

await runMain(() => askCommand(process.argv.slice(2)));
