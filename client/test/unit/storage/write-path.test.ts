/**
 * The write path's cost (DESIGN §2 target: median under 2 ms from action to
 * durable append): `DocumentStore.change` on MemoryLogStorage against a bare
 * `Automerge.change` on the same document shape. The browser project measures
 * the same over OPFS.
 */
import * as A from '@automerge/automerge';
import { fromHex, ready } from '@cairn/shared';
import { beforeAll, expect, it } from 'vitest';
import { DocumentStore } from '../../../src/storage/document-store';
import { MemoryLogStorage } from '../../../src/storage/memory-log-storage';

interface Bucketed {
  months: Record<string, Record<string, { done: boolean; note: string }>>;
}

const initial = (): A.Doc<Bucketed> =>
  A.change(A.init<Bucketed>({ actor: 'c0ffee00c0ffee00c0ffee00c0ffee00' }), { time: 0 }, (d) => {
    d.months = { '2026-01': {}, '2026-02': {} };
  });

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

beforeAll(ready);

it('measures change() to durable append against a bare Automerge.change', async () => {
  const N = 400;
  const store = new DocumentStore<{ observations: Bucketed }>({
    storage: new MemoryLogStorage(),
    kMaster: fromHex('11'.repeat(32)),
    documents: { observations: initial },
  });
  expect((await store.load()).ok).toBe(true);
  let bare = A.clone(initial());
  const storeTimes: number[] = [];
  const bareTimes: number[] = [];
  for (let i = 0; i < N; i += 1) {
    const month = i % 2 === 0 ? '2026-01' : '2026-02';
    const edit = (d: Bucketed): void => {
      d.months[month]![`habit-${i % 40}-${i}`] = { done: true, note: `n${i}` };
    };
    let t = performance.now();
    const r = await store.change('observations', edit);
    storeTimes.push(performance.now() - t);
    expect(r.ok).toBe(true);
    t = performance.now();
    bare = A.change(bare, edit);
    bareTimes.push(performance.now() - t);
  }
  const m = { store: median(storeTimes), bare: median(bareTimes) };
  console.info(
    `write path (memory storage, Node): change() median ${m.store.toFixed(3)} ms, ` +
      `bare Automerge.change median ${m.bare.toFixed(3)} ms, ratio ${(m.store / m.bare).toFixed(2)}`,
  );
  // Generous: the machine is shared; the figure above is what to read.
  expect(m.store).toBeLessThan(20);
});
