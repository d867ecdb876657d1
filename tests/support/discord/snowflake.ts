/** Snowflake ids like Discord's: milliseconds since the Discord epoch, worker, process and increment bits. */

/** The Discord epoch (2015-01-01T00:00:00.000Z) in Unix milliseconds. */
export const DISCORD_EPOCH = 1_420_070_400_000n;

/** Makes strictly increasing snowflakes whose timestamps are the time of creation. */
export class SnowflakeFactory {
  private last = 0n;
  private increment = 0n;

  /** A new snowflake (17–19 digits), strictly greater than every one made before by this factory. */
  next(at: number = Date.now()): string {
    const id = ((BigInt(at) - DISCORD_EPOCH) << 22n) | (1n << 17n) | (1n << 12n) | (this.increment++ & 0xfffn);
    this.last = id > this.last ? id : this.last + 1n;
    return this.last.toString();
  }
}

/** The Unix time in milliseconds at which a snowflake was made. */
export function snowflakeTime(id: string): number {
  return Number((BigInt(id) >> 22n) + DISCORD_EPOCH);
}

/**
 * A fresh guild id that falls on shard `id` of `count` (`(guild_id >> 22) % count === id`): a snowflake of
 * the current time, moved forward by less than `count` ms. For `guilds: [{ id: guildIdOnShard(1, 2) }]`.
 */
export function guildIdOnShard(id: number, count: number, at: number = Date.now()): string {
  const ms = BigInt(at) - DISCORD_EPOCH;
  const shift = (BigInt(id) - (ms % BigInt(count)) + BigInt(count)) % BigInt(count);
  return (((ms + shift) << 22n) | (1n << 17n) | (1n << 12n) | BigInt(Math.floor(Math.random() * 4096))).toString();
}
