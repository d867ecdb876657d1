import { runMain } from '../src/cli/run.js';
import { launchBot } from '../src/discord/launch.js';

await runMain(() => launchBot());
// Online, the client keeps the process up until a signal; after a failure nothing should.
if (process.exitCode !== undefined && process.exitCode !== 0) process.exit();
