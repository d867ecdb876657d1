import { runMain } from '../src/cli/run.js';
import { launchBot } from '../src/discord/launch.js';

await runMain(() => launchBot());
