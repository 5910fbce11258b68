import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { relaySuite } from '../support/relay-suite.js';

// Each relay of the suite gets its own PGlite folder: PGlite is one process per folder.
const dirs: string[] = [];
relaySuite(
  'PGlite',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cairn-relay-'));
    dirs.push(dir);
    return { kind: 'pglite', dataDir: dir };
  },
  async () => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  },
);
