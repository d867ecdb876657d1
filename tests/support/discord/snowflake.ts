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
