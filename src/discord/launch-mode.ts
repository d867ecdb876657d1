/**
 * What `npm start` runs: the bot in this process (SHARD_COUNT=1, the default), the shard manager
 * (SHARD_COUNT=N or auto), or — when the manager started this process — one shard's bot.
 *
 * The heavy modules (the model's runtime, discord.js's client) are imported only on the path that
 * needs them: the manager loads no model and no index.
 */
import { loadDotenv, loadServiceConfig } from '../core/config.js';
import { ShardLink } from './sharding/shard-link.js';

/** `entry` is the entry script, which each shard runs again. Resolves with an exit code when it should exit. */
export async function launch(entry: string): Promise<number | undefined> {
  const shard = ShardLink.fromEnvironment();
  if (shard) {
    // Ctrl-C reaches every process of a terminal; the manager stops the shards itself.
    process.on('SIGINT', () => undefined);
    const { launchBot } = await import('./launch.js');
    await launchBot({ shard });
    return undefined;
  }
  await loadDotenv();
  const { shardCount } = loadServiceConfig();
  if (shardCount === 1) {
    const { launchBot } = await import('./launch.js');
    await launchBot();
    return undefined;
  }
  const { launchShardManager } = await import('./sharding/shard-manager.js');
  return launchShardManager(entry, shardCount);
}
