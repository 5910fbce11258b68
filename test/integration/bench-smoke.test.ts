/**
 * The benchmarks at their smoke size (`npm run bench:smoke`): every one runs
 * and produces finite figures. This checks that the bench still works, not
 * its targets: tiny sizes say nothing about speed.
 */
import { describe, expect, it } from 'vitest';
import { BENCHMARKS } from '../../bench/index.js';
import type { Row } from '../../bench/lib/report.js';
import { runAll } from '../../bench/lib/runner.js';

function numbers(row: Row): number[] {
  switch (row.kind) {
    case 'figure':
    case 'ratio':
      return [row.value.median, row.value.min, row.value.max];
    case 'latency':
      return [row.p50.median, row.p50.min, row.p50.max, row.p99.median, row.p99.min, row.p99.max];
  }
}

describe('npm run bench:smoke', () => {
  it(
    'runs every benchmark at a tiny size and reports finite figures',
    { timeout: 900_000 },
    async () => {
      const { sections, failed } = await runAll(BENCHMARKS, {
        mode: 'smoke',
        log: () => undefined,
        profileOnMiss: false,
      });
      expect(failed).toEqual([]);
      expect(sections.map((s) => s.id)).toEqual(BENCHMARKS.map((b) => b.id));
      for (const s of sections) {
        expect(s.rows.length, s.id).toBeGreaterThan(0);
        for (const row of s.rows) {
          for (const n of numbers(row))
            expect(Number.isFinite(n), `${s.id}: ${row.name}`).toBe(true);
        }
      }
    },
  );
});
