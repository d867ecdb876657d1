import { runMain } from '../src/cli/run.js';
import { squadCommand } from '../src/cli/squad-command.js';

await runMain(() => squadCommand(process.argv.slice(2)));
