/**
 * `npm test`: every check, in the order that fails fastest.
 *
 *   1. typecheck, and lint with format, side by side (cheap, catch most mistakes)
 *   2. build the shared core, the relay and the PWA (the e2e suite drives the build)
 *   3. vitest: unit, integration (PGlite and a real Postgres), e2e (Debian's Chromium)
 *
 * Postgres and Chromium come from Debian's packages; scripts/system-deps.sh
 * installs them when missing and this process may (root, apt available).
 * Ends with one summary line, "N passed, N failed", and a non-zero exit on failure.
 */
import { spawn, spawnSync } from 'node:child_process';
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

/**
 * Runs independent steps at once (tsc and eslint each keep one core busy);
 * each step's output is printed whole when it ends, so the two never mix.
 */
async function together(steps: { name: string; cmd: string; args: string[] }[]): Promise<void> {
  const results = await Promise.all(
    steps.map(
      (s) =>
        new Promise<{ name: string; status: number | null; output: string }>((resolve) => {
          const child = spawn(s.cmd, s.args, { env: process.env });
          const chunks: Buffer[] = [];
          child.stdout.on('data', (c: Buffer) => chunks.push(c));
          child.stderr.on('data', (c: Buffer) => chunks.push(c));
          child.on('close', (status) => {
            const output = Buffer.concat(chunks).toString('utf8');
            console.log(`\n── ${s.name}: ${s.cmd} ${s.args.join(' ')}\n${output}`);
            resolve({ name: s.name, status, output });
          });
        }),
    ),
  );
  const failed = results.filter((r) => r.status !== 0);
  if (failed.length > 0) {
    for (const f of failed) console.error(`\n${f.name} failed (exit ${f.status ?? 'signal'})`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
}

const only = process.argv.slice(2);
step('system packages', 'bash', ['scripts/system-deps.sh']);
await together([
  { name: 'typecheck', cmd: 'npm', args: ['run', '--silent', 'typecheck'] },
  { name: 'lint', cmd: 'npm', args: ['run', '--silent', 'lint'] },
]);
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
