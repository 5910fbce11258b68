/**
 * Warm-up until steady. A server's first minutes are not its steady state:
 * V8 compiles WebAssembly (PGlite is Postgres compiled to it) with a quick
 * baseline compiler first and optimises hot functions later, in the
 * background, which on this 2-core machine can take several runs. A
 * benchmark that judges a long-running relay warms each side up until two
 * warm-up runs in a row agree within `tolerance`, or `max` runs have passed,
 * and reports how many it took.
 */

export interface WarmUp {
  /** Warm-up runs made. */
  readonly runs: number;
  /** The last two rates agreed (false: stopped at `max`). */
  readonly steady: boolean;
}

export async function warmUntilSteady(
  measure: (run: number) => Promise<number>,
  options: { min?: number; max?: number; tolerance?: number } = {},
): Promise<WarmUp> {
  const min = options.min ?? 2;
  const max = options.max ?? 8;
  const tolerance = options.tolerance ?? 0.2;
  let previous: number | undefined;
  for (let run = 0; run < max; run++) {
    const rate = await measure(run);
    const agrees =
      previous !== undefined && Math.abs(rate - previous) <= tolerance * Math.max(rate, previous);
    if (agrees && run + 1 >= min) return { runs: run + 1, steady: true };
    previous = rate;
  }
  return { runs: max, steady: false };
}
