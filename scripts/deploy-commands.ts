import { runMain } from '../src/cli/run.js';
import { loadDiscordConfig, loadDotenv } from '../src/core/config.js';
import { registerSecret } from '../src/core/logger.js';
import { deployCommands } from '../src/discord/deploy-commands.js';

await runMain(async () => {
  await loadDotenv();
  const config = loadDiscordConfig();
  registerSecret(config.token);
  await deployCommands(config, (line) => process.stdout.write(`${line}\n`));
});
