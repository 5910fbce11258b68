/**
 * The contract every LogStorage passes: run against MemoryLogStorage in the
 * unit project and against OpfsLogStorage in real Chromium (browser project).
 */
import { equalBytes } from '@cairn/shared';
import { describe, expect, it } from 'vitest';
import type { LogStorage, StorageResult } from '../../../client/src/storage/log-storage';

export interface ContractSubject {
  readonly storage: LogStorage;
  /** Closes `storage` (or cuts its power) and opens the same files again. */
  readonly reopen: () => Promise<LogStorage>;
}

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

function pattern(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i += 1) out[i] = (i * 31 + seed) & 0xff;
  return out;
}

function value<T>(result: StorageResult<T>): T {
  if (!result.ok)
    throw new Error(`expected success, got ${result.error.code}: ${result.error.message}`);
  return result.value;
}

async function rejects(call: () => Promise<unknown>): Promise<void> {
  await expect(Promise.resolve().then(call)).rejects.toThrow();
}

export function runLogStorageContract(
  label: string,
  makeSubject: () => Promise<ContractSubject>,
): void {
  describe(`LogStorage contract: ${label}`, () => {
    it('starts empty; a missing file reads as empty', async () => {
      const { storage } = await makeSubject();
      expect(value(await storage.list())).toEqual([]);
      expect(value(await storage.read('missing.log'))).toEqual(new Uint8Array(0));
      expect(value(await storage.usage())).toEqual({ files: 0, bytes: 0 });
      await storage.close();
    });

    it('appends, returning the new length, and reads back the whole file', async () => {
      const { storage } = await makeSubject();
      expect(value(await storage.append('a.log', bytes(1, 2, 3)))).toBe(3);
      expect(value(await storage.append('a.log', bytes(4)))).toBe(4);
      expect(value(await storage.append('b.log', bytes(9, 9)))).toBe(2);
      expect(value(await storage.read('a.log'))).toEqual(bytes(1, 2, 3, 4));
      expect(value(await storage.read('b.log'))).toEqual(bytes(9, 9));
      expect(value(await storage.list())).toEqual(['a.log', 'b.log']);
      expect(value(await storage.usage())).toEqual({ files: 2, bytes: 6 });
      await storage.close();
    });

    it('keeps appends in call order when they are not awaited one by one', async () => {
      const { storage } = await makeSubject();
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) => storage.append('order.log', bytes(i))),
      );
      expect(results.map(value)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      expect(value(await storage.read('order.log'))).toEqual(
        Uint8Array.from({ length: 40 }, (_, i) => i),
      );
      await storage.close();
    });

    it('round-trips a large append byte for byte', async () => {
      const { storage } = await makeSubject();
      const big = pattern(1 << 20, 7);
      value(await storage.append('big.log', bytes(1)));
      value(await storage.append('big.log', big));
      const read = value(await storage.read('big.log'));
      expect(read.length).toBe(big.length + 1);
      // equalBytes: a deep equality over a mebibyte is needlessly slow.
      expect(equalBytes(read.subarray(1), big)).toBe(true);
      await storage.close();
    });

    it('truncates to a shorter length and appends after it', async () => {
      const { storage } = await makeSubject();
      value(await storage.append('t.log', bytes(1, 2, 3, 4, 5)));
      value(await storage.truncate('t.log', 2));
      expect(value(await storage.read('t.log'))).toEqual(bytes(1, 2));
      value(await storage.truncate('t.log', 2));
      expect(value(await storage.append('t.log', bytes(7)))).toBe(3);
      expect(value(await storage.read('t.log'))).toEqual(bytes(1, 2, 7));
      value(await storage.truncate('t.log', 0));
      expect(value(await storage.read('t.log'))).toEqual(new Uint8Array(0));
      await rejects(() => storage.truncate('t.log', 10));
      await storage.close();
    });

    it('replaces a file atomically, new or existing, and appends after', async () => {
      const { storage } = await makeSubject();
      value(await storage.replaceAtomically('fresh.log', bytes(5, 6)));
      expect(value(await storage.read('fresh.log'))).toEqual(bytes(5, 6));
      value(await storage.append('r.log', pattern(5000, 1)));
      value(await storage.replaceAtomically('r.log', bytes(8)));
      expect(value(await storage.read('r.log'))).toEqual(bytes(8));
      expect(value(await storage.append('r.log', bytes(9)))).toBe(2);
      expect(value(await storage.read('r.log'))).toEqual(bytes(8, 9));
      value(await storage.replaceAtomically('r.log', new Uint8Array(0)));
      expect(value(await storage.read('r.log'))).toEqual(new Uint8Array(0));
      expect(value(await storage.list())).toEqual(['fresh.log', 'r.log']);
      await storage.close();
    });

    it('removes a file; removing a missing file succeeds', async () => {
      const { storage } = await makeSubject();
      value(await storage.append('x.log', bytes(1)));
      value(await storage.remove('x.log'));
      value(await storage.remove('x.log'));
      expect(value(await storage.list())).toEqual([]);
      expect(value(await storage.read('x.log'))).toEqual(new Uint8Array(0));
      await storage.close();
    });

    it('refuses bad and reserved names as a bug', async () => {
      const { storage } = await makeSubject();
      for (const name of ['', '../x', 'a/b', '.hidden', 'x.log.compact-tmp', 'x.log.compact-ok']) {
        await rejects(() => storage.append(name, bytes(1)));
        await rejects(() => storage.read(name));
      }
      await storage.close();
    });

    it('keeps what was appended across a reopen', async () => {
      const subject = await makeSubject();
      value(await subject.storage.append('keep.log', bytes(1, 2)));
      value(await subject.storage.replaceAtomically('swap.log', bytes(3)));
      value(await subject.storage.append('swap.log', bytes(4)));
      const again = await subject.reopen();
      expect(value(await again.read('keep.log'))).toEqual(bytes(1, 2));
      expect(value(await again.read('swap.log'))).toEqual(bytes(3, 4));
      expect(value(await again.list())).toEqual(['keep.log', 'swap.log']);
      await again.close();
    });

    it('answers `closed` after close', async () => {
      const { storage } = await makeSubject();
      value(await storage.append('c.log', bytes(1)));
      await storage.close();
      const after = await storage.append('c.log', bytes(2));
      expect(after.ok ? 'ok' : after.error.code).toBe('closed');
      const read = await storage.read('c.log');
      expect(read.ok ? 'ok' : read.error.code).toBe('closed');
    });
  });
}
