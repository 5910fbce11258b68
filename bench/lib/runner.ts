/**
 * Runs benchmarks one after another (the machine has few cores) and turns a
 * failure into a section that says so; stops every server and removes every
 * database at the end. Used by `bench/run.ts` and by the smoke test.
 */
import type { BenchContext, Benchmark } from './bench.js';
import { stopAllServers } from './child.js';
import { cleanup } from './databases.js';
import type { Section } from './report.js';

export interface Outcome {
  readonly sections: Section[];
  /** Ids of the benchmarks that threw. */
  readonly failed: string[];
}

export async function shutdown(): Promise<void> {
  await stopAllServers();
  await cleanup();
}

export async function runAll(
  benchmarks: readonly Benchmark[],
  ctx: BenchContext,
): Promise<Outcome> {
  const sections: Section[] = [];
  const failed: string[] = [];
  try {
    for (const b of benchmarks) {
      ctx.log(`${b.id}: ${b.title}`);
      try {
        sections.push(await b.run(ctx));
      } catch (e) {
        failed.push(b.id);
        const message = e instanceof Error ? (e.stack ?? e.message) : String(e);
        ctx.log(`${b.id} failed: ${message}`);
        sections.push({
          id: b.id,
          title: b.title,
          setup: [],
          rows: [],
          notes: [`This benchmark failed in this run: ${message.split('\n')[0] ?? ''}`],
        });
      }
    }
  } finally {
    await shutdown();
  }
  return { sections, failed };
}
