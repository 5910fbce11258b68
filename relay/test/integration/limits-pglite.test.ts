import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { limitsSuite } from '../support/limits-suite.js';

// Each relay gets its own PGlite folder: PGlite is one process per folder.
const dirs: string[] = [];
limitsSuite(
  'PGlite',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cairn-limits-'));
    dirs.push(dir);
    return { kind: 'pglite', dataDir: dir };
  },
  async () => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  },
);
