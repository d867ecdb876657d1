import { statusCommand } from '../src/cli/status-command.js';
import { runMain } from '../src/cli/run.js';

await runMain(() => statusCommand(process.argv.slice(2)));
