import { benchCommand } from '../bench/run.js';
import { runMain } from '../src/cli/run.js';

await runMain(() => benchCommand(process.argv.slice(2)));
