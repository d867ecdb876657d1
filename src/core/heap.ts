/**
 * How far V8 lets the JavaScript heap grow past what is live before it collects the old generation.
 *
 * V8 sets the next limit at up to four times the live heap when collecting is cheap beside the
 * program's own work — as it is for a bot whose questions allocate ~15 MB each of short-lived
 * garbage: at 100k chunks ~100 MB live became 270–390 MB of heap, most of the growth in RSS after
 * questions. A growing factor of 1.5 (`--heap-growing-percent=50`) keeps the heap within half again
 * of what is live for more frequent (concurrent, incremental) collections: measured at 100k chunks,
 * RSS after 651 asks 712 → 556 MB at the same latency (BENCHMARKS.md, "Memory").
 *
 * HEAP_GROWTH_PERCENT sets it for the bot (0: V8's own heuristics).
 */
import { setFlagsFromString } from 'node:v8';

/** Sets V8's heap growing factor to 1 + percent / 100 for this process; 0 leaves V8's default. */
export function limitHeapGrowth(percent: number, setFlags: (flags: string) => void = setFlagsFromString): void {
  if (!Number.isInteger(percent) || percent < 0) throw new RangeError(`The heap growth must be a whole number of percent ≥ 0, not ${percent}.`);
  if (percent > 0) setFlags(`--heap-growing-percent=${percent}`);
}
