/**
 * Regenerates the test-vector blocks of docs/protocol.md from the code, so the
 * document cannot drift from what the code does.
 *
 * Vector modules: every `scripts/vectors/*.ts` whose name does not start with
 * `_` (those are helpers) exports `blocks`, an object mapping a block name to a
 * function that returns the block's Markdown (or a promise of it):
 *
 *   export const blocks = { 'stream-ids': async () => vectorBlock([...]) };
 *
 * In the document a block sits between two markers; only the text between them
 * is replaced, the prose around them is written by hand:
 *
 *   <!-- vectors:stream-ids -->
 *   ...generated...
 *   <!-- /vectors:stream-ids -->
 *
 * Usage:
 *   npx tsx scripts/protocol-vectors.ts --write   rewrite docs/protocol.md   (npm run vectors)
 *   npx tsx scripts/protocol-vectors.ts           check only: exit 1 if it would change
 *
 * Errors (thrown, naming the block): a marker with no producer, a producer with
 * no marker, a block name defined twice, a marker opened and not closed.
 * test/unit/protocol-doc.test.ts runs the check in memory.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export type BlockProducer = () => string | Promise<string>;

const root = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
export const docPath = path.join(root, 'docs', 'protocol.md');
export const vectorModulesDir = path.join(root, 'scripts', 'vectors');

const NAME = /^[a-z0-9][a-z0-9-]*$/;

/** Imports every vector module and collects its blocks by name. */
export async function loadBlocks(dir = vectorModulesDir): Promise<Map<string, BlockProducer>> {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.startsWith('_'))
    .sort();
  const blocks = new Map<string, BlockProducer>();
  for (const file of files) {
    const mod: unknown = await import(pathToFileURL(path.join(dir, file)).href);
    const exported: unknown =
      typeof mod === 'object' && mod !== null && 'blocks' in mod ? mod.blocks : undefined;
    if (typeof exported !== 'object' || exported === null) {
      throw new Error(`scripts/vectors/${file} does not export \`blocks\``);
    }
    for (const [name, produce] of Object.entries(exported)) {
      if (!NAME.test(name)) throw new Error(`${file}: block name "${name}" is not kebab-case`);
      if (typeof produce !== 'function')
        throw new Error(`${file}: block "${name}" is not a function`);
      if (blocks.has(name)) throw new Error(`${file}: block "${name}" is defined twice`);
      blocks.set(name, async () => {
        const text: unknown = await produce();
        if (typeof text !== 'string') throw new Error(`block "${name}" did not return a string`);
        return text;
      });
    }
  }
  return blocks;
}

const OPEN = /<!-- vectors:([^ ]+) -->/g;

/** Returns `doc` with every marked block replaced by its freshly produced text. */
export async function renderDoc(doc: string, blocks: Map<string, BlockProducer>): Promise<string> {
  let out = '';
  let at = 0;
  const seen = new Set<string>();
  for (const open of doc.matchAll(OPEN)) {
    const name = open[1] ?? '';
    if (open.index < at) throw new Error(`marker "${name}" sits inside another block`);
    const close = `<!-- /vectors:${name} -->`;
    const bodyStart = open.index + open[0].length;
    const end = doc.indexOf(close, bodyStart);
    if (end < 0) throw new Error(`marker "${name}" is opened but never closed`);
    if (doc.slice(bodyStart, end).includes('<!-- vectors:')) {
      throw new Error(`marker "${name}" encloses another marker`);
    }
    const produce = blocks.get(name);
    if (produce === undefined)
      throw new Error(`docs/protocol.md marks "${name}", no module produces it`);
    if (seen.has(name)) throw new Error(`docs/protocol.md marks "${name}" twice`);
    seen.add(name);
    const text = (await produce()).trim();
    out += `${doc.slice(at, bodyStart)}\n\n${text}\n\n`;
    at = end;
  }
  const unplaced = [...blocks.keys()].filter((name) => !seen.has(name));
  if (unplaced.length > 0) {
    throw new Error(`no marker in docs/protocol.md for: ${unplaced.join(', ')}`);
  }
  return out + doc.slice(at);
}

/** The document as it is on disk and as the code says it should be. */
export async function generate(): Promise<{ current: string; expected: string }> {
  const current = readFileSync(docPath, 'utf8');
  return { current, expected: await renderDoc(current, await loadBlocks()) };
}

async function main(): Promise<void> {
  const { current, expected } = await generate();
  if (current === expected) {
    console.log('docs/protocol.md: vectors up to date');
  } else if (process.argv.includes('--write')) {
    writeFileSync(docPath, expected);
    console.log('docs/protocol.md: vectors rewritten');
  } else {
    console.error('docs/protocol.md: vectors are stale; run `npm run vectors`');
    process.exitCode = 1;
  }
}

const invoked = process.argv[1];
if (invoked !== undefined && import.meta.url === pathToFileURL(path.resolve(invoked)).href) {
  await main();
}
