/** The machine a report was measured on: what makes its absolute figures comparable. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, release, totalmem, type } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_PATH } from '../../testkit/src/chromium.js';
import { findPostgresBin } from '../../test/support/postgres.js';
import { repoRoot } from './paths.js';

export interface Machine {
  readonly cores: number;
  readonly cpuModel: string;
  readonly ramGiB: number;
  readonly os: string;
  readonly node: string;
  readonly chromium: string;
  readonly postgres: string;
  readonly pglite: string;
  readonly automerge: string;
  readonly automergeRepo: string;
}

function commandOutput(cmd: string, args: string[]): string {
  try {
    const out = execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return out.trim().split('\n')[0] ?? 'unknown';
  } catch {
    return 'not found';
  }
}

function packageVersion(name: string): string {
  try {
    const json: unknown = JSON.parse(
      readFileSync(join(repoRoot, 'node_modules', name, 'package.json'), 'utf8'),
    );
    if (typeof json === 'object' && json !== null && 'version' in json) return String(json.version);
  } catch {
    // Fall through: reported as unknown.
  }
  return 'unknown';
}

export function describeMachine(): Machine {
  const all = cpus();
  const pgBin = findPostgresBin();
  return {
    cores: all.length,
    cpuModel: all[0]?.model.trim() ?? 'unknown',
    ramGiB: totalmem() / 1024 ** 3,
    os: `${type()} ${release()}`,
    node: process.version,
    chromium: commandOutput(CHROMIUM_PATH, ['--version']),
    postgres:
      pgBin === undefined ? 'not found' : commandOutput(join(pgBin, 'postgres'), ['--version']),
    pglite: packageVersion('@electric-sql/pglite'),
    automerge: packageVersion('@automerge/automerge'),
    automergeRepo: packageVersion('@automerge/automerge-repo'),
  };
}
