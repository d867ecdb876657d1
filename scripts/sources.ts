import { sourcesCommand } from '../src/cli/sources-command.js';
import { runMain } from '../src/cli/run.js';

await runMain(() => sourcesCommand(process.argv.slice(2)));
