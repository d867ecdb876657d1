import { modelFetchCommand } from '../src/cli/model-fetch-command.js';
import { runMain } from '../src/cli/run.js';

await runMain(() => modelFetchCommand(process.argv.slice(2)));
