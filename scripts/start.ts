import { fileURLToPath } from 'node:url';
import { runMain } from '../src/cli/run.js';
import { launch } from '../src/discord/launch-mode.js';

// This file is also what each shard runs when SHARD_COUNT starts several (see launch-mode.ts).
await runMain(() => launch(fileURLToPath(import.meta.url)));
// Online, the client (or the shard manager) keeps the process up until a signal; after a failure nothing should.
if (process.exitCode !== undefined && process.exitCode !== 0) process.exit();
