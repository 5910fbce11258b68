/**
 * `npx tsx scripts/floorplan.ts`: the floor plan's figures, measured with the
 * TypeScript checker rather than by grep (docs/architecture.md's rules, the
 * lint config `eslint.floors.js` enforces them).
 *
 * 1. Browser globals: every product file of `client/src` that references
 *    `window`, `navigator`, `document`, IndexedDB (`indexedDB`, `IDB*`, the
 *    `idb` package), `localStorage` or `sessionStorage`, and, apart, the other
 *    browser I/O (`fetch`, `WebSocket`, `Worker`, `location`). An identifier
 *    counts only when it resolves to a `lib.*.d.ts` or `idb` declaration, so
 *    comments, property names (`x.window`) and local variables do not.
 * 2. Import cycles among the product files of `client/src`, `shared/src` and
 *    `relay/src`, once over every import and once with type-only imports
 *    dropped (what runs), and the same between the folders of `client/src`.
 *
 * Prints a table and the totals; exits 0 (it measures, the lint rules enforce).
 */
import { relative, resolve } from 'node:path';
import ts from 'typescript';

const root = resolve(import.meta.dirname, '..');
const rel = (file: string): string => relative(root, file);

const CORE = ['window', 'navigator', 'document', 'indexedDB', 'localStorage', 'sessionStorage'];
const IDB_TYPES = ['IDBDatabase', 'IDBFactory', 'IDBTransaction', 'IDBObjectStore', 'IDBRequest'];
const IDB_PACKAGE = ['openDB', 'deleteDB', 'IDBPDatabase'];
const OTHER_IO = ['fetch', 'WebSocket', 'Worker', 'location'];
const NAMES = new Set([...CORE, ...IDB_TYPES, ...IDB_PACKAGE, ...OTHER_IO]);
const LIB = /typescript\/lib\/lib\.[^/]*\.d\.ts$/;
const IDB = /node_modules\/idb\//;

function program(config: string): ts.Program {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    resolve(root, config),
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined },
  );
  if (parsed === undefined) throw new Error(`cannot read ${config}`);
  return ts.createProgram(parsed.fileNames, parsed.options);
}

const isProduct = (file: string, ws: string): boolean =>
  file.startsWith(`${ws}/src/`) && !/\.test\.tsx?$/.test(file) && !file.endsWith('.d.ts');

/** A name used as a property (`x.window`, `{ window: … }`), not a reference. */
function isPropertyName(n: ts.Identifier): boolean {
  const p = n.parent;
  return (
    (ts.isPropertyAccessExpression(p) && p.name === n) ||
    ((ts.isPropertyAssignment(p) ||
      ts.isPropertySignature(p) ||
      ts.isPropertyDeclaration(p) ||
      ts.isMethodDeclaration(p) ||
      ts.isMethodSignature(p)) &&
      p.name === n)
  );
}

// ── 1. browser globals ────────────────────────────────────────────────────

function browserGlobals(p: ts.Program): Map<string, Map<string, number>> {
  const checker = p.getTypeChecker();
  const hits = new Map<string, Map<string, number>>();
  for (const sf of p.getSourceFiles()) {
    const file = rel(sf.fileName);
    if (!isProduct(file, 'client')) continue;
    const visit = (n: ts.Node): void => {
      if (ts.isIdentifier(n) && NAMES.has(n.text) && !isPropertyName(n)) {
        let symbol = checker.getSymbolAtLocation(n);
        if (symbol !== undefined && (symbol.flags & ts.SymbolFlags.Alias) !== 0) {
          symbol = checker.getAliasedSymbol(symbol);
        }
        const from = symbol?.declarations?.[0]?.getSourceFile().fileName ?? '';
        if (LIB.test(from) || IDB.test(from)) {
          const m = hits.get(file) ?? new Map<string, number>();
          hits.set(file, m);
          m.set(n.text, (m.get(n.text) ?? 0) + 1);
        }
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  return hits;
}

// ── 2. import cycles ──────────────────────────────────────────────────────

interface Edge {
  to: string;
  typeOnly: boolean;
}

function typeOnly(d: ts.ImportDeclaration | ts.ExportDeclaration): boolean {
  if (ts.isExportDeclaration(d)) {
    if (d.isTypeOnly) return true;
    const c = d.exportClause;
    return c !== undefined && ts.isNamedExports(c) && c.elements.every((e) => e.isTypeOnly);
  }
  const clause = d.importClause;
  if (clause === undefined) return false;
  if (clause.isTypeOnly) return true;
  const named = clause.namedBindings;
  return (
    clause.name === undefined &&
    named !== undefined &&
    ts.isNamedImports(named) &&
    named.elements.length > 0 &&
    named.elements.every((e) => e.isTypeOnly)
  );
}

function importGraph(p: ts.Program, ws: string, graph: Map<string, Edge[]>): void {
  const options = p.getCompilerOptions();
  for (const sf of p.getSourceFiles()) {
    const file = rel(sf.fileName);
    if (!isProduct(file, ws)) continue;
    const edges: Edge[] = [];
    for (const s of sf.statements) {
      if (!ts.isImportDeclaration(s) && !ts.isExportDeclaration(s)) continue;
      const spec = s.moduleSpecifier;
      if (spec === undefined || !ts.isStringLiteral(spec)) continue;
      const target = ts.resolveModuleName(spec.text, sf.fileName, options, ts.sys).resolvedModule;
      if (target === undefined || target.isExternalLibraryImport === true) continue;
      const to = rel(target.resolvedFileName);
      if (isProduct(to, ws)) edges.push({ to, typeOnly: typeOnly(s) });
    }
    graph.set(file, edges);
  }
}

/** Strongly connected components with more than one member (or a self edge): the cycles. */
function cycles(nodes: Iterable<string>, next: (n: string) => Iterable<string>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const connect = (v: string): void => {
    idx.set(v, index);
    low.set(v, index);
    index += 1;
    stack.push(v);
    onStack.add(v);
    let self = false;
    for (const w of next(v)) {
      if (w === v) self = true;
      if (!idx.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) ?? 0, idx.get(w) ?? 0));
      }
    }
    if (low.get(v) !== idx.get(v)) return;
    const scc: string[] = [];
    for (let w = stack.pop(); w !== undefined; w = stack.pop()) {
      onStack.delete(w);
      scc.push(w);
      if (w === v) break;
    }
    if (scc.length > 1 || self) found.push(scc.sort());
  };
  for (const n of nodes) if (!idx.has(n)) connect(n);
  return found;
}

const folderOf = (file: string): string => {
  const parts = file.replace(/^client\/src\//, '').split('/');
  return parts.length === 1 ? '(root)' : (parts[0] ?? '');
};

// ── report ────────────────────────────────────────────────────────────────

const client = program('client/tsconfig.json');
const globals = browserGlobals(client);
const touches = (names: readonly string[]) =>
  [...globals].filter(([, m]) => names.some((n) => m.has(n))).map(([f]) => f);
const coreFiles = touches([...CORE, ...IDB_TYPES, ...IDB_PACKAGE]);
const ioFiles = touches([...NAMES]);

console.log('Browser globals in client/src (product files):');
for (const [file, m] of [...globals].sort(([a], [b]) => a.localeCompare(b))) {
  console.log(`  ${file.padEnd(52)} ${[...m].map(([k, v]) => `${k}×${v}`).join(' ')}`);
}
console.log(
  `  ${coreFiles.length} files touch window, navigator, document, IndexedDB or web storage;`,
  `${ioFiles.length} with fetch, WebSocket, Worker or location too.`,
);

const graph = new Map<string, Edge[]>();
importGraph(client, 'client', graph);
importGraph(program('shared/tsconfig.json'), 'shared', graph);
importGraph(program('relay/tsconfig.json'), 'relay', graph);
const targets = (file: string, values: boolean): string[] =>
  (graph.get(file) ?? []).filter((e) => !values || !e.typeOnly).map((e) => e.to);

console.log(`\nImport cycles among ${graph.size} product files (client, shared, relay src):`);
for (const values of [false, true]) {
  const found = cycles(graph.keys(), (f) => targets(f, values));
  const label = values ? 'type-only imports dropped' : 'every import';
  console.log(`  ${label}: ${found.length}`);
  for (const c of found) console.log(`    ${c.join(' ↔ ')}`);
}

const clientFiles = [...graph.keys()].filter((f) => f.startsWith('client/src/'));
console.log('\nCycles between the folders of client/src:');
for (const values of [false, true]) {
  const folders = new Map<string, Set<string>>();
  for (const f of clientFiles) {
    const from = folderOf(f);
    const set = folders.get(from) ?? new Set<string>();
    folders.set(from, set);
    for (const t of targets(f, values)) if (folderOf(t) !== from) set.add(folderOf(t));
  }
  const found = cycles(folders.keys(), (f) => folders.get(f) ?? []);
  const label = values ? 'type-only imports dropped' : 'every import';
  console.log(`  ${label}: ${found.length}${found.map((c) => ` {${c.join(', ')}}`).join('')}`);
}
