import { runMain } from '../src/cli/run.js';
import { wikiqaCommand } from '../src/cli/wikiqa-command.js';

await runMain(() => wikiqaCommand(process.argv.slice(2)));
