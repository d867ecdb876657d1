/** What a benchmark gets and gives back. */

export interface BenchContext {
  /** Run the heavy cases too (--full). */
  full: boolean;
  /** A scratch directory for this run (removed at the end). */
  scratch: string;
  log: (line: string) => void;
}

export interface Target {
  name: string;
  /** The goal, e.g. "≥ 95% of raw". */
  goal: string;
  /** What was measured, as shown. */
  value: string;
  /** null: not measured in this run (e.g. a --full case). */
  met: boolean | null;
}

export interface BenchResult {
  name: string;
  title: string;
  /** Everything measured, for bench/results/*.json. */
  data: unknown;
  /** Markdown: tables and short notes, for the console and BENCHMARKS.md. */
  markdown: string;
  targets: Target[];
}

export interface Benchmark {
  name: string;
  title: string;
  run: (context: BenchContext) => Promise<BenchResult>;
}
