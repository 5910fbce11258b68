/**
 * The floor plan's lint rules (eslint.floors.js) fire: probe snippets, linted
 * as if they sat at a path in the tree, must get the rule's error, and the
 * imports the plan allows must get none. Then the ratchet: every entry of
 * KNOWN_VIOLATIONS must still break each rule it turns off (an entry whose
 * file was fixed fails here until it is deleted), so the list only shrinks.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import floors, { KNOWN_VIOLATIONS } from '../../eslint.floors.js';

const root = join(import.meta.dirname, '../..');
const parser = { files: ['**/*.{ts,tsx}'], languageOptions: { parser: tseslint.parser } };
/** The floor rules without the ratchet: what the tree is held to once the list is empty. */
const strict = floors.slice(0, floors.length - KNOWN_VIOLATIONS.length);
const linter = (config: typeof floors): ESLint =>
  new ESLint({ cwd: root, overrideConfigFile: true, overrideConfig: [parser, ...config] });
const strictLinter = linter(strict);
const shippedLinter = linter(floors);

async function rulesFired(
  code: string,
  filePath: string,
  eslint = strictLinter,
): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, filePath) });
  const messages = result?.messages ?? [];
  const fatal = messages.find((m) => m.fatal === true);
  if (fatal !== undefined) throw new Error(`${filePath}: ${fatal.message}`);
  return messages.map((m) => m.ruleId ?? '');
}

const PATHS = 'import-x/no-restricted-paths';
const CYCLE = 'import-x/no-cycle';
const IMPORTS = 'no-restricted-imports';
const GLOBALS = 'no-restricted-globals';

describe('the floor plan: each rule fires on a violation', () => {
  it.each([
    [
      'the UI imports storage',
      'client/src/ui/Probe.tsx',
      "import { logFileName } from '../storage/document-store';",
    ],
    [
      'the UI imports a feature',
      'client/src/ui/Probe.tsx',
      "import { Cursors } from '../sync/replica/cursors';",
    ],
    [
      'a feature imports app/',
      'client/src/sync/probe.ts',
      "import { Controller } from '../app/controller';",
    ],
    [
      'a feature imports another',
      'client/src/sync/probe.ts',
      "import { normalisePhrase } from '../recovery/phrase';",
    ],
    [
      'storage imports a feature',
      'client/src/storage/probe.ts',
      "import { Cursors } from '../sync/replica/cursors';",
    ],
    [
      'the domain imports storage',
      'client/src/domain/probe.ts',
      "import { logFileName } from '../storage/document-store';",
    ],
    [
      'lib/ imports the domain',
      'client/src/lib/probe.ts',
      "import { DOC_NAMES } from '../domain';",
    ],
    [
      'the replica imports a connection',
      'client/src/sync/replica/probe.ts',
      "import { COALESCE_MS } from '../session/relay-connection';",
    ],
    [
      'a connection imports the engine',
      'client/src/sync/session/probe.ts',
      "import { SyncEngine } from '../engine/engine';",
    ],
    [
      'the UI imports the device',
      'client/src/ui/Probe.tsx',
      "import { Device } from '../device/device';",
    ],
    [
      'a feature imports boot/',
      'client/src/pairing/probe.ts',
      "import { adopter } from '../boot/adopt';",
    ],
    [
      'the device imports a feature',
      'client/src/device/probe.ts',
      "import { SyncEngine } from '../sync/engine/engine';",
    ],
    [
      'a feature opens IndexedDB itself',
      'client/src/recovery/probe.ts',
      "import { IdbSyncStore } from '../storage/idb/sync-database';",
    ],
    [
      'the device opens IndexedDB itself',
      'client/src/device/probe.ts',
      "import { idbKeyVault } from '../storage/idb/keys';",
    ],
    [
      'shared imports client code',
      'shared/src/probe.ts',
      "import { DOC_NAMES } from '../../client/src/domain';",
    ],
    [
      'the relay imports client code',
      'relay/src/probe.ts',
      "import { DOC_NAMES } from '../../client/src/domain';",
    ],
    [
      'a relay feature imports another',
      'relay/src/sync/probe.ts',
      "import { registerRecovery } from '../recovery/routes';",
    ],
    [
      'a relay feature opens the store itself',
      'relay/src/recovery/probe.ts',
      "import { openStore } from '../store/index';",
    ],
    [
      'the relay store imports a feature beyond its port',
      'relay/src/store/probe.ts',
      "import { Committer } from '../sync/committer';",
    ],
    [
      "the relay's shared http/ imports a feature",
      'relay/src/http/probe.ts',
      "import { Hub } from '../sync/hub';",
    ],
    [
      'the client imports the relay',
      'client/src/sync/probe.ts',
      "import { buildRelay } from '../../../relay/src/app';",
    ],
  ])('%s', async (_what, path, code) => {
    expect(await rulesFired(`${code}\nexport const probe = 1;\n`, path)).toContain(PATHS);
  });

  it.each([
    [
      'product code imports vitest',
      'client/src/storage/probe.ts',
      "import { expect } from 'vitest';",
    ],
    ['the relay imports fast-check', 'relay/src/probe.ts', "import fc from 'fast-check';"],
    ['app/ imports React', 'client/src/app/probe.ts', "import { useState } from 'react';"],
    [
      'the domain imports the crypto core',
      'client/src/domain/probe.ts',
      "import { sha256 } from '@cairn/shared';",
    ],
    [
      'the UI imports the shared core',
      'client/src/ui/Probe.tsx',
      "import { RECOVERY_WORDS } from '@cairn/shared';",
    ],
  ])('%s', async (_what, path, code) => {
    expect(await rulesFired(`${code}\nexport const probe = 1;\n`, path)).toContain(IMPORTS);
  });

  it.each([
    ['the UI reads window', 'client/src/ui/Probe.tsx', 'export const here = window.location.hash;'],
    [
      'a feature opens a socket',
      'client/src/sync/probe.ts',
      "export const s = new WebSocket('ws://x');",
    ],
    ['app/ fetches', 'client/src/app/probe.ts', "export const f = () => fetch('/');"],
    [
      'the device reads navigator',
      'client/src/device/probe.ts',
      'export const ua = navigator.userAgent;',
    ],
    [
      'the tab protocol opens a BroadcastChannel',
      'client/src/storage/tabs/probe.ts',
      "export const c = new BroadcastChannel('x');",
    ],
    [
      'the domain opens IndexedDB',
      'client/src/domain/probe.ts',
      "export const d = indexedDB.open('x');",
    ],
  ])('%s', async (_what, path, code) => {
    expect(await rulesFired(code, path)).toContain(GLOBALS);
  });

  it('finds an import cycle, and ignores one made only of type imports', async () => {
    // document-store.ts imports document-load.ts; this closes the circle.
    const path = 'client/src/storage/document-load.ts';
    const value =
      "import { DocumentStore } from './document-store';\nexport const s = DocumentStore;\n";
    const typeOnly =
      "import type { DocumentStore } from './document-store';\nexport type S = DocumentStore<never>;\n";
    expect(await rulesFired(value, path)).toContain(CYCLE);
    expect(await rulesFired(typeOnly, path)).not.toContain(CYCLE);
  });

  it('lets each floor import what the plan allows', async () => {
    const allowed: [string, string][] = [
      [
        'client/src/ui/Probe.tsx',
        "import { useState } from 'react';\nimport type { AppModel } from '../app/model';",
      ],
      [
        'client/src/app/probe.ts',
        "import { SyncEngine } from '../sync/engine/engine';\nimport { ok } from '@cairn/shared';",
      ],
      [
        'client/src/sync/probe.ts',
        "import { DocumentStore } from '../storage/document-store';\nimport { Observable } from '../lib/observable';",
      ],
      [
        'client/src/sync/engine/probe.ts',
        "import { RelayConnection } from '../session/relay-connection';\nimport { Replica } from '../replica/replica';",
      ],
      [
        'client/src/lib/probe.ts',
        "import { ok } from '@cairn/shared/result';\nimport { Observable } from './observable';",
      ],
      [
        'client/src/domain/probe.ts',
        "import { ok } from '@cairn/shared/result';\nimport * as A from '@automerge/automerge';",
      ],
      ['client/src/storage/opfs-probe.ts', 'export const w = new Worker("/x.js");'],
      ['client/src/storage/idb/probe.ts', "export const d = indexedDB.open('x');"],
      [
        'client/src/device/probe.ts',
        "import type { KeyVault } from '../storage/key-vault';\nimport { Observable } from '../lib/observable';",
      ],
      [
        'client/src/pairing/probe.ts',
        "import type { Device } from '../device/device';\nimport type { SocketFactory } from '../lib/platform';",
      ],
      [
        'relay/src/recovery/probe.ts',
        "import type { AccountStore } from '../accounts/port';\nimport { sendError } from '../http/errors';\nimport type { RelayLimitsConfig } from '../config';",
      ],
      [
        'relay/src/store/probe.ts',
        "import { offerStatus } from '../pairing/port';\nimport type { Database } from './db';",
      ],
      [
        'relay/src/app.ts',
        "import { FanOut } from './sync/fanout';\nimport { openStore } from './store/index';",
      ],
      [
        'client/src/boot/probe.tsx',
        "import { createRoot } from 'react-dom/client';\nimport { Controller } from '../app/controller';\nimport { IdbSyncStore } from '../storage/idb/sync-database';\nexport const d = document.body;",
      ],
    ];
    for (const [path, code] of allowed) {
      expect(await rulesFired(`${code}\nexport const probe = 1;\n`, path), path).toEqual([]);
    }
  });
});

describe('the ratchet: KNOWN_VIOLATIONS', () => {
  it('names files that exist, each once', () => {
    const files = KNOWN_VIOLATIONS.map((v) => v.file);
    expect(new Set(files).size).toBe(files.length);
    for (const f of files) expect(existsSync(join(root, f)), f).toBe(true);
  });

  it('lists only files that still break each rule they turn off', async () => {
    // An empty list lints nothing (ESLint would take no pattern as the whole tree).
    const results =
      KNOWN_VIOLATIONS.length === 0
        ? []
        : await strictLinter.lintFiles(KNOWN_VIOLATIONS.map((v) => join(root, v.file)));
    const fired = new Map(
      results.map((r) => [
        r.filePath.slice(root.length + 1),
        new Set(r.messages.map((m) => m.ruleId)),
      ]),
    );
    const stale = KNOWN_VIOLATIONS.flatMap((v) =>
      v.rules
        .filter((rule) => fired.get(v.file)?.has(rule) !== true)
        .map((rule) => `${v.file}: ${rule}`),
    );
    expect(stale).toEqual([]);
  });

  it('keeps the rules on for every other file: a new violation there fails', async () => {
    expect(
      await rulesFired(
        "import { Cursors } from '../sync/replica/cursors';\n",
        'client/src/ui/Probe.tsx',
        shippedLinter,
      ),
    ).toContain(PATHS);
  });
});
