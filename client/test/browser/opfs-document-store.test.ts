/**
 * The storage stack in real Chromium: DocumentStore over OpfsLogStorage (a
 * worker with sync access handles), OPFS leftovers of an interrupted replace,
 * a second holder of the files, and the write path's cost.
 */
import * as A from '@automerge/automerge';
import { fromHex, parseFrames, ready } from '@cairn/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DocumentStore, logFileName } from '../../src/storage/document-store';
import { encodeMarker } from '../../src/storage/backed-log-storage';
import { OpfsLogStorage } from '../../src/storage/opfs-log-storage';

const K_MASTER = fromHex('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f');

interface Notes {
  months: Record<string, Record<string, number>>;
}
const initial = (): A.Doc<Notes> =>
  A.change(A.init<Notes>({ actor: 'c0ffee00c0ffee00c0ffee00c0ffee00' }), { time: 0 }, (d) => {
    d.months = { a: {}, b: {} };
  });

const directories: string[] = [];
let counter = 0;

function freshDirectory(label: string): string {
  const d = `${label}-${Date.now()}-${counter++}`;
  directories.push(d);
  return d;
}

async function openIn(directory: string): Promise<OpfsLogStorage> {
  const opened = await OpfsLogStorage.open({ directory });
  if (!opened.ok) throw new Error(`OPFS storage did not open: ${opened.error.code}`);
  return opened.value;
}

async function dir(name: string): Promise<FileSystemDirectoryHandle> {
  const root = await navigator.storage.getDirectory();
  return root.getDirectoryHandle(name, { create: true });
}

async function writeFile(directory: string, name: string, bytes: Uint8Array): Promise<void> {
  const file = await (await dir(directory)).getFileHandle(name, { create: true });
  const w = await file.createWritable();
  await w.write(new Uint8Array(bytes));
  await w.close();
}

async function readFile(directory: string, name: string): Promise<Uint8Array> {
  const file = await (await dir(directory)).getFileHandle(name);
  return new Uint8Array(await (await file.getFile()).arrayBuffer());
}

async function fileNames(directory: string): Promise<string[]> {
  const names: string[] = [];
  for await (const name of (await dir(directory)).keys()) names.push(name);
  return names.sort();
}

async function openStore(storage: OpfsLogStorage): Promise<DocumentStore<{ notes: Notes }>> {
  const store = new DocumentStore<{ notes: Notes }>({
    storage,
    kMaster: K_MASTER,
    documents: { notes: initial },
  });
  const loaded = await store.load();
  if (!loaded.ok) throw new Error(loaded.error.code);
  return store;
}

beforeAll(ready);

afterAll(async () => {
  const root = await navigator.storage.getDirectory();
  for (const d of directories)
    await root.removeEntry(d, { recursive: true }).catch(() => undefined);
});

describe('DocumentStore over OPFS', () => {
  it('writes sealed records that reload after the worker is gone; a torn tail is cut', async () => {
    const directory = freshDirectory('docs');
    const storage = await openIn(directory);
    const store = await openStore(storage);
    for (let i = 0; i < 5; i += 1) {
      const r = await store.change('notes', (d) => {
        d.months.a![`k${i}`] = i;
      });
      expect(r.ok).toBe(true);
    }
    await storage.close();
    const file = await readFile(directory, logFileName('notes'));
    expect(parseFrames(file).records).toHaveLength(6);
    // Plaintext never reaches the file.
    expect(new TextDecoder('latin1').decode(file)).not.toContain('k4');
    await writeFile(directory, logFileName('notes'), new Uint8Array([...file, 9, 0, 0]));
    const again = await openStore(await openIn(directory));
    expect({ ...again.doc('notes').months.a }).toEqual({ k0: 0, k1: 1, k2: 2, k3: 3, k4: 4 });
    expect((await readFile(directory, logFileName('notes'))).length).toBe(file.length);
  });

  it('finishes or undoes a replace interrupted before the previous session ended', async () => {
    const directory = freshDirectory('recover');
    // committed: marker valid, temp whole → the new content wins
    await writeFile(directory, 'a.log', Uint8Array.of(1, 1));
    await writeFile(directory, 'a.log.compact-tmp', Uint8Array.of(2, 2, 2));
    await writeFile(directory, 'a.log.compact-ok', encodeMarker(3));
    // not committed: no marker → the old content stays
    await writeFile(directory, 'b.log', Uint8Array.of(3));
    await writeFile(directory, 'b.log.compact-tmp', Uint8Array.of(4, 4));
    // swapped, marker left behind → only the marker goes
    await writeFile(directory, 'c.log', Uint8Array.of(5));
    await writeFile(directory, 'c.log.compact-ok', encodeMarker(1));
    const storage = await openIn(directory);
    expect(await fileNames(directory)).toEqual(['a.log', 'b.log', 'c.log']);
    const a = await storage.read('a.log');
    const b = await storage.read('b.log');
    const c = await storage.read('c.log');
    expect([a.ok && [...a.value], b.ok && [...b.value], c.ok && [...c.value]]).toEqual([
      [2, 2, 2],
      [3],
      [5],
    ]);
    await storage.close();
  });

  it('answers `locked` when another worker holds the files', async () => {
    const directory = freshDirectory('locked');
    const first = await openIn(directory);
    expect((await first.append('x.log', Uint8Array.of(1))).ok).toBe(true);
    const second = await openIn(directory);
    const blocked = await second.append('x.log', Uint8Array.of(2));
    expect(blocked.ok ? 'ok' : blocked.error.code).toBe('locked');
    await first.close();
    expect((await second.append('x.log', Uint8Array.of(2))).ok).toBe(true);
    await second.close();
  });

  it('measures change() to durable OPFS append against a bare Automerge.change', async () => {
    const directory = freshDirectory('bench');
    const storage = await openIn(directory);
    const store = await openStore(storage);
    let bare = A.clone(initial());
    const N = 300;
    const storeTimes: number[] = [];
    const bareTimes: number[] = [];
    for (let i = 0; i < N; i += 1) {
      const month = i % 2 === 0 ? 'a' : 'b';
      const edit = (d: Notes): void => {
        d.months[month]![`habit-${i % 40}-${i}`] = i;
      };
      let t = performance.now();
      const r = await store.change('notes', edit);
      storeTimes.push(performance.now() - t);
      expect(r.ok).toBe(true);
      t = performance.now();
      bare = A.change(bare, edit);
      bareTimes.push(performance.now() - t);
    }
    await storage.close();
    const median = (xs: number[]): number =>
      [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
    const m = { store: median(storeTimes), bare: median(bareTimes) };
    console.info(
      `write path (OPFS, Chromium): change() median ${m.store.toFixed(3)} ms, ` +
        `bare Automerge.change median ${m.bare.toFixed(3)} ms, ratio ${(m.store / m.bare).toFixed(2)}`,
    );
    expect(m.store).toBeLessThan(50);
  });
});
