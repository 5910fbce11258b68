/**
 * `npm test`: every check, in the order that fails fastest.
 *
 *   1. typecheck, lint and format (cheap, catches most mistakes)
 *   2. build the shared core, the relay and the PWA (the e2e suite drives the build)
 *   3. vitest: unit, integration (PGlite and a real Postgres), e2e (Debian's Chromium)
 *
 * Postgres and Chromium come from Debian's packages; scripts/system-deps.sh
 * installs them when missing and this process may (root, apt available).
 * Ends with one summary line, "N passed, N failed", and a non-zero exit on failure.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';

function step(name: string, cmd: string, args: string[]): void {
  console.log(`\n── ${name}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: process.env });
  if (r.status !== 0) {
    console.error(`\n${name} failed (exit ${r.status ?? r.signal})`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
}

const only = process.argv.slice(2);
step('system packages', 'bash', ['scripts/system-deps.sh']);
step('typecheck', 'npm', ['run', '--silent', 'typecheck']);
step('lint', 'npm', ['run', '--silent', 'lint']);
step('build', 'npm', ['run', '--silent', 'build']);

const report = 'test-results/vitest.json';
rmSync(report, { force: true });
console.log('\n── tests: vitest run');
const r = spawnSync(
  'npx',
  [
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
    ...only,
  ],
  {
    stdio: 'inherit',
    env: process.env,
  },
);
let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const json: unknown = JSON.parse(readFileSync(report, 'utf8'));
  if (typeof json === 'object' && json !== null) {
    const counts = new Map<string, unknown>(Object.entries(json));
    const count = (key: string): number => {
      const n = counts.get(key);
      return typeof n === 'number' ? n : 0;
    };
    passed = count('numPassedTests');
    failed = count('numFailedTests');
    skipped = count('numPendingTests') + count('numTodoTests');
  }
} catch {
  failed = Math.max(failed, 1);
}
if (r.status !== 0 && failed === 0) failed = 1;
console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(r.status === 0 && failed === 0 ? 0 : 1);
