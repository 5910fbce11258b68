// The floor plan (docs/architecture.md), enforced: what each folder may import,
// no import cycles, and browser I/O only where the platform is wired in.
//
//   ui → app → feature cores (sync, pairing, recovery, reminders)
//            → device, storage, domain → lib, @cairn/shared
//   boot: the composition root, may import anything; nothing imports it. It
//   alone opens the IndexedDB adapters (storage/idb) and touches the page.
//   device: the one owner of the keys and the account record; the features
//   take it as a port.
//
//   relay/src: one folder per feature (accounts, sync, recovery, pairing,
//   ops). A feature reaches another only through that one's `port.ts` (its
//   store port and the types it speaks); never store/ (the SQL behind every
//   port: app.ts, the composition root, opens it and hands each feature its
//   port). http/ is what every feature's routes share and knows no feature.
//
// eslint.config.js spreads this in; test/docs/floor-plan.test.ts lints probe
// snippets against it, so every rule here is shown to fire.
//
// KNOWN_VIOLATIONS is the ratchet: the files that break a rule today, each
// with what removes it. An entry turns its rules off for that file only; the
// floor-plan test fails when an entry no longer violates (delete it then),
// so the list can only shrink. It is empty: keep it so.
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import { importX } from 'eslint-plugin-import-x';

const C = (p) => `./client/src/${p}`;
const R = (p) => `./relay/src/${p}`;
const FEATURES = ['sync', 'pairing', 'recovery', 'reminders'];
const RELAY_FEATURES = ['accounts', 'sync', 'pairing', 'recovery', 'reminders', 'ops'];

/** Browser globals that only boot/ and the storage adapters may touch. */
export const BROWSER_GLOBALS = [
  'window',
  'navigator',
  'document',
  'indexedDB',
  'localStorage',
  'sessionStorage',
  'location',
  'fetch',
  'WebSocket',
  'Worker',
  'SharedWorker',
  'BroadcastChannel',
];

/** Where browser I/O may live: the composition root and the storage adapters. */
export const BROWSER_IO_ALLOWED = [
  'client/src/boot/**',
  'client/src/storage/opfs/**',
  'client/src/storage/opfs-*.ts',
  'client/src/storage/idb/**',
  'client/src/storage/wipe.ts',
];

const RESTRICTED_PATHS = 'import-x/no-restricted-paths';
const GLOBALS = 'no-restricted-globals';
const IMPORTS = 'no-restricted-imports';

export const KNOWN_VIOLATIONS = [];

// Flat config REPLACES a rule's options when two objects match one file (it does
// not merge them), so each folder gets exactly one no-restricted-imports entry,
// built from the bans that apply to it. Tests live in each workspace's test/
// folder, so a test file under src/ fails these bans (it imports vitest).
const TESTS = ['**/*.test.ts', '**/*.test.tsx'];
const notInProduct = [
  { name: 'vitest', message: 'tests live beside the product, not in it' },
  { name: 'fast-check', message: 'tests live beside the product, not in it' },
];
const noReact = [
  { name: 'react', message: 'React lives in ui/ (and boot/)' },
  { name: 'react-dom', message: 'React lives in ui/ (and boot/)' },
];
const noSharedRoot = [
  {
    name: '@cairn/shared',
    message: 'the domain and lib/ take only @cairn/shared/result (no crypto, no I/O)',
  },
];
const restricted = (paths, groups = []) => [
  'error',
  { paths, patterns: [{ group: ['**/testkit/**', '@cairn/testkit*', ...groups] }] },
];

const zones = [
  {
    target: C('ui'),
    from: C(''),
    except: ['./ui', './app'],
    message: 'ui imports only app/ and ui/',
  },
  { target: C('app'), from: [C('ui'), C('boot')], message: 'app never imports ui/ or boot/' },
  ...FEATURES.map((f) => ({
    target: C(f),
    from: [C('app'), C('ui'), C('boot'), ...FEATURES.filter((g) => g !== f).map(C)],
    message: 'feature cores stand alone: never app/, ui/, boot/ or another feature',
  })),
  {
    target: C('device'),
    from: [...FEATURES.map(C), C('app'), C('ui'), C('boot'), C('domain')],
    message: 'device/ imports only storage/, lib/ and @cairn/shared',
  },
  {
    // The device and every feature take storage as ports; only boot/ opens a database.
    target: [C('app'), C('device'), ...FEATURES.map(C)],
    from: C('storage/idb'),
    message: 'IndexedDB is opened in boot/ only: take the store as a port',
  },
  {
    target: C('storage'),
    from: C(''),
    except: ['./storage', './lib'],
    message: 'storage/ imports only lib/ and @cairn/shared',
  },
  { target: C('domain'), from: C(''), except: ['./domain'], message: 'the domain is pure' },
  { target: C('lib'), from: C(''), except: ['./lib'], message: 'lib/ stands alone' },
  // Inside sync/: the engine supervises sessions, a session drives the replica; never upward.
  {
    target: C('sync/replica'),
    from: [C('sync/session'), C('sync/engine')],
    message: 'the replica knows no connection and no engine',
  },
  {
    target: C('sync/session'),
    from: C('sync/engine'),
    message: 'a session knows nothing of the engine that runs it',
  },
  {
    target: './shared/src',
    from: ['./client', './relay', './testkit'],
    message: 'shared/ knows nothing of client, relay or tests',
  },
  {
    target: './relay/src',
    from: ['./client', './testkit'],
    message: 'the relay never imports client code',
  },
  {
    target: './client/src',
    from: ['./relay', './testkit'],
    message: 'the client never imports the relay',
  },
  ...RELAY_FEATURES.map((f) => ({
    target: R(f),
    from: RELAY_FEATURES.filter((g) => g !== f).map(R),
    except: ['./port.ts'],
    message: 'relay features stand alone: another feature only through its port.ts',
  })),
  {
    target: RELAY_FEATURES.map(R),
    from: R('store'),
    message: 'a relay feature takes its store port; only app.ts opens the store',
  },
  {
    target: R('store'),
    from: RELAY_FEATURES.map(R),
    except: ['./port.ts'],
    message: "the store implements the features' ports and knows nothing else of them",
  },
  {
    target: R('http'),
    from: [...RELAY_FEATURES.map(R), R('store'), R('app.ts'), R('main.ts')],
    message: 'http/ is what every route shares: it knows no feature and no store',
  },
];

export default [
  {
    files: ['{client,relay,shared,testkit,e2e,test,bench,scripts}/**/*.{ts,tsx}', '*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      // Parse TypeScript dependencies too (a cycle runs through them), resolved as tsc does.
      ...importX.flatConfigs.typescript.settings,
      'import-x/resolver': undefined,
      'import-x/resolver-next': [
        createTypeScriptImportResolver({
          noWarnOnMultipleProjects: true,
          project: [
            'shared/tsconfig.json',
            'client/tsconfig.json',
            'relay/tsconfig.json',
            'testkit/tsconfig.json',
            'e2e/tsconfig.json',
            'tsconfig.json',
          ],
        }),
      ],
    },
    rules: {
      // Type-only imports are ignored: they leave no edge at run time.
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      [RESTRICTED_PATHS]: ['error', { zones }],
    },
  },
  {
    files: ['client/src/**/*.{ts,tsx}'],
    ignores: [...BROWSER_IO_ALLOWED, ...TESTS],
    rules: {
      [GLOBALS]: [
        'error',
        ...BROWSER_GLOBALS.map((name) => ({
          name,
          message: 'browser I/O lives in boot/ or a storage adapter',
        })),
      ],
    },
  },
  {
    files: ['{relay,shared}/src/**/*.ts'],
    rules: { [IMPORTS]: restricted(notInProduct) },
  },
  {
    files: ['client/src/**/*.{ts,tsx}'],
    rules: { [IMPORTS]: restricted([...notInProduct, ...noReact]) },
  },
  {
    files: ['client/src/{domain,lib}/**/*.ts'],
    rules: { [IMPORTS]: restricted([...notInProduct, ...noReact, ...noSharedRoot]) },
  },
  {
    files: ['client/src/ui/**/*.{ts,tsx}'],
    rules: {
      [IMPORTS]: restricted(notInProduct, ['@cairn/shared', '@cairn/shared/*']),
    },
  },
  {
    files: ['client/src/boot/**/*.{ts,tsx}'],
    rules: { [IMPORTS]: restricted(notInProduct) },
  },
  ...KNOWN_VIOLATIONS.map(({ file, rules }) => ({
    files: [file],
    rules: Object.fromEntries(rules.map((r) => [r, 'off'])),
  })),
];
