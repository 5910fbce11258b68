/**
 * `npm run bench`: runs every benchmark, prints a table, writes BENCHMARKS.md.
 *
 *   npm run bench                          everything (~20 min), writes BENCHMARKS.md
 *   npm run bench -- --only fanout,storage some; BENCHMARKS.md only with --write
 *   npm run bench:smoke                    tiny sizes, seconds each: it must run, not meet targets
 *
 * Every loop is bounded in count and time; all traffic is on loopback.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BENCHMARKS } from './index.js';
import type { BenchContext, Mode } from './lib/bench.js';
import { describeMachine } from './lib/machine.js';
import { repoRoot } from './lib/paths.js';
import { markdown, textTable } from './lib/report.js';
import { runAll, shutdown } from './lib/runner.js';

const { values } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    only: { type: 'string' },
    write: { type: 'boolean', default: false },
  },
});

const mode: Mode = values.smoke ? 'smoke' : 'full';
const only = values.only?.split(',').map((s) => s.trim());
const unknown = only?.filter((id) => !BENCHMARKS.some((b) => b.id === id)) ?? [];
if (unknown.length > 0) {
  console.error(
    `unknown benchmark(s): ${unknown.join(', ')}; known: ${BENCHMARKS.map((b) => b.id).join(', ')}`,
  );
  process.exit(2);
}

for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    console.error(`\n${sig}: stopping servers and removing databases`);
    void shutdown().finally(() => process.exit(130));
  });
}

const startedAt = new Date();
const t0 = performance.now();
const ctx: BenchContext = {
  mode,
  log: (line) =>
    console.error(`[${((performance.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${line}`),
  profileOnMiss: mode === 'full',
};
const selected = BENCHMARKS.filter((b) => only === undefined || only.includes(b.id));
const { sections, failed } = await runAll(selected, ctx);

console.log(textTable(sections));
for (const s of sections) for (const n of s.notes) console.log(`\n[${s.title}] ${n}`);
if (mode === 'full' && (only === undefined || values.write)) {
  const file = join(repoRoot, 'BENCHMARKS.md');
  const command =
    only === undefined ? 'npm run bench' : `npm run bench -- --only ${only.join(',')} --write`;
  writeFileSync(
    file,
    markdown(sections, {
      machine: describeMachine(),
      startedAt,
      seconds: (performance.now() - t0) / 1000,
      command,
      sectionCommand: (id) => `npm run bench -- --only ${id}`,
    }),
  );
  console.log(`\nwrote ${file}`);
}
if (failed.length > 0) {
  console.error(`failed: ${failed.join(', ')}`);
  process.exitCode = 1;
}
