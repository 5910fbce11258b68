import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recoverySuite } from '../support/recovery-suite.js';

// Each relay of the suite gets its own PGlite folder: PGlite is one process per folder.
const dirs: string[] = [];
recoverySuite(
  'PGlite',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cairn-recovery-'));
    dirs.push(dir);
    return { kind: 'pglite', dataDir: dir };
  },
  async () => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  },
);
