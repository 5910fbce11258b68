/** What every benchmark file exports, and what the runner gives it. */
import type { Section } from './report.js';

export type Mode = 'full' | 'smoke';

export interface BenchContext {
  readonly mode: Mode;
  /** Progress lines (stderr), so a long run shows where it is. */
  readonly log: (line: string) => void;
  /** Re-run once under the CPU profiler when a target is missed (full mode). */
  readonly profileOnMiss: boolean;
}

export interface Benchmark {
  readonly id: string;
  readonly title: string;
  run(ctx: BenchContext): Promise<Section>;
}

/** Size by mode: tiny for the smoke test, real for the report. */
export const pick = <T>(ctx: BenchContext, sizes: { full: T; smoke: T }): T => sizes[ctx.mode];
