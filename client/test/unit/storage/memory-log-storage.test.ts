import { describe, expect, it } from 'vitest';
import { recoverReplaces } from '../../../src/storage/backed-log-storage';
import { runLogStorageContract } from '../../../../testkit/src/contracts/log-storage';
import {
  MemoryFiles,
  MemoryLogStorage,
  SimulatedCrash,
} from '../../../src/storage/memory-log-storage';

runLogStorageContract('MemoryLogStorage', () => {
  const storage = new MemoryLogStorage();
  return Promise.resolve({ storage, reopen: () => storage.reopen() });
});

const OLD = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
const NEW = Uint8Array.from({ length: 120 }, (_, i) => 255 - i);

async function withOldContent(): Promise<MemoryLogStorage> {
  const storage = new MemoryLogStorage();
  const appended = await storage.append('doc.log', OLD);
  expect(appended.ok).toBe(true);
  return storage;
}

/** Primitive operations a full replace takes, counted on a storage that does not crash. */
async function replaceSteps(): Promise<number> {
  const storage = await withOldContent();
  const before = storage.memory.log.length;
  expect((await storage.replaceAtomically('doc.log', NEW)).ok).toBe(true);
  return storage.memory.log.length - before;
}

async function contentAfterReopen(memory: MemoryFiles): Promise<Uint8Array> {
  memory.reboot();
  const reopened = await MemoryLogStorage.open(memory);
  const listed = await reopened.list();
  expect(listed.ok && listed.value).toEqual(['doc.log']);
  const names = await memory.names();
  expect(names).toEqual(['doc.log']);
  const read = await reopened.read('doc.log');
  if (!read.ok) throw new Error(read.error.code);
  return read.value;
}

describe('MemoryLogStorage: atomic replace under crashes', () => {
  it('leaves the old or the new content whole after a crash before any step', async () => {
    const steps = await replaceSteps();
    expect(steps).toBeGreaterThanOrEqual(9);
    const outcomes: string[] = [];
    for (let crashAt = 0; crashAt <= steps; crashAt += 1) {
      const storage = await withOldContent();
      storage.memory.crashAfter(crashAt);
      const replaced = storage.replaceAtomically('doc.log', NEW).then(
        () => 'done',
        (e: unknown) => (e instanceof SimulatedCrash ? 'crashed' : 'other'),
      );
      expect(await replaced).toBe(crashAt === steps ? 'done' : 'crashed');
      const content = await contentAfterReopen(storage.memory);
      const which = content.length === OLD.length ? 'old' : 'new';
      expect(content).toEqual(which === 'old' ? OLD : NEW);
      outcomes.push(which);
    }
    // Old until the marker is flushed (the commit point), new from then on.
    const firstNew = outcomes.indexOf('new');
    expect(firstNew).toBeGreaterThan(0);
    expect(outcomes.slice(firstNew).every((o) => o === 'new')).toBe(true);
    expect(outcomes.slice(0, firstNew).every((o) => o === 'old')).toBe(true);
  });

  it('recovers the same way when recovery itself crashes, at every point', async () => {
    const steps = await replaceSteps();
    for (let crashAt = 0; crashAt < steps; crashAt += 1) {
      // What a clean recovery decides for this crash point.
      const reference = await withOldContent();
      reference.memory.crashAfter(crashAt);
      await reference.replaceAtomically('doc.log', NEW).catch(() => undefined);
      const expected = await contentAfterReopen(reference.memory);
      for (let recoveryCrash = 0; recoveryCrash < 8; recoveryCrash += 1) {
        const storage = await withOldContent();
        storage.memory.crashAfter(crashAt);
        await storage.replaceAtomically('doc.log', NEW).catch(() => undefined);
        storage.memory.reboot();
        storage.memory.crashAfter(recoveryCrash);
        await recoverReplaces(storage.memory).catch((e: unknown) => {
          expect(e).toBeInstanceOf(SimulatedCrash);
        });
        expect(await contentAfterReopen(storage.memory)).toEqual(expected);
      }
    }
  });

  it('rolls back a torn marker and a temp file of the wrong size', async () => {
    const memory = new MemoryFiles();
    memory.setBytes('a.log', Uint8Array.of(1));
    memory.setBytes('a.log.compact-tmp', Uint8Array.of(2, 2));
    memory.setBytes('a.log.compact-ok', Uint8Array.of(0x43, 0x41));
    memory.setBytes('b.log', Uint8Array.of(3));
    memory.setBytes('b.log.compact-tmp', Uint8Array.of(4));
    const storage = await MemoryLogStorage.open(memory);
    expect(await memory.names()).toEqual(['a.log', 'b.log']);
    const a = await storage.read('a.log');
    const b = await storage.read('b.log');
    expect(a.ok && a.value).toEqual(Uint8Array.of(1));
    expect(b.ok && b.value).toEqual(Uint8Array.of(3));
  });
});

describe('MemoryLogStorage: faults', () => {
  it('fails an append with quota as a value and leaves the file as it was', async () => {
    const storage = new MemoryLogStorage();
    await storage.append('q.log', Uint8Array.of(1, 2));
    storage.failNextAppend('quota');
    const failed = await storage.append('q.log', Uint8Array.of(3));
    expect(failed).toEqual({ ok: false, error: { code: 'quota', message: expect.any(String) } });
    const read = await storage.read('q.log');
    expect(read.ok && read.value).toEqual(Uint8Array.of(1, 2));
    expect((await storage.append('q.log', Uint8Array.of(4))).ok).toBe(true);
  });

  it('turns writes past the capacity into quota errors, for appends and replaces', async () => {
    const storage = new MemoryLogStorage();
    storage.memory.capacity = 10;
    expect((await storage.append('c.log', new Uint8Array(8))).ok).toBe(true);
    const append = await storage.append('c.log', new Uint8Array(3));
    expect(append.ok ? 'ok' : append.error.code).toBe('quota');
    const replace = await storage.replaceAtomically('c.log', new Uint8Array(4));
    expect(replace.ok ? 'ok' : replace.error.code).toBe('quota');
    expect(await storage.memory.names()).toEqual(['c.log']);
    const read = await storage.read('c.log');
    expect(read.ok && read.value.length).toBe(8);
  });

  it('tears an append: the first k bytes survive the crash', async () => {
    const storage = new MemoryLogStorage();
    await storage.append('t.log', Uint8Array.of(1, 2));
    storage.tearNextAppend(2);
    await expect(storage.append('t.log', Uint8Array.of(3, 4, 5))).rejects.toBeInstanceOf(
      SimulatedCrash,
    );
    const reopened = await storage.reopen();
    const read = await reopened.read('t.log');
    expect(read.ok && read.value).toEqual(Uint8Array.of(1, 2, 3, 4));
  });

  it('loses bytes that were written but never flushed', async () => {
    const memory = new MemoryFiles();
    await memory.write('u.log', 0, Uint8Array.of(1));
    await memory.flush('u.log');
    await memory.write('u.log', 1, Uint8Array.of(2));
    memory.reboot();
    expect(memory.bytes('u.log')).toEqual(Uint8Array.of(1));
  });
});
