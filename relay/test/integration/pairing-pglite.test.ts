import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pairingSuite } from '../support/pairing-suite.js';

// Each relay gets its own PGlite folder: PGlite is one process per folder.
const dirs: string[] = [];
pairingSuite(
  'PGlite',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cairn-pairing-'));
    dirs.push(dir);
    return { kind: 'pglite', dataDir: dir };
  },
  {
    shared: false,
    dispose: async () => {
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    },
  },
);
