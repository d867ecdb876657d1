import { evalCommand } from '../src/cli/eval-command.js';
import { runMain } from '../src/cli/run.js';

await runMain(() => evalCommand(process.argv.slice(2)));
