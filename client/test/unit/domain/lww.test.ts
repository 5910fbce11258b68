import * as A from '@automerge/automerge';
import { describe, expect, it } from 'vitest';
import {
  HybridClock,
  StoredRecord,
  checkIn,
  checkInRecord,
  getObservation,
  observationsOn,
  type ObservationsDoc,
} from '../../../src/domain';
import { ACTOR_A, ACTOR_B, NOW, observationsFor, sha256Hex } from './helpers';

const DAY = '2026-11-02';
const clockOf = (node: string, at: number) => new HybridClock(node.repeat(8), () => at);

function write(
  doc: A.Doc<ObservationsDoc>,
  fields: { status?: 'done' | 'pending'; value?: number | null; note?: string },
  clock: HybridClock,
) {
  return A.change(doc, (d) =>
    checkIn(
      d,
      {
        templateId: 'h',
        date: DAY,
        status: fields.status ?? 'pending',
        ...fields,
        now: NOW,
        clock,
      },
      sha256Hex,
    ),
  );
}

describe('reading fields with clocks', () => {
  it('a value without a clock (older versions) reads as Automerge shows it; any clock beats it', () => {
    const start = observationsFor(['2026-11']);
    const legacy = (doc: A.Doc<ObservationsDoc>, value: number) =>
      A.change(doc, (d) => {
        const bucket = d.months['2026-11'];
        if (!bucket) throw new Error('no month');
        const id = Object.keys(bucket.entries)[0] ?? '';
        const entry = bucket.entries[id];
        if (entry) entry.value = value;
      });
    const base = write(start, { value: 1 }, clockOf('aa', NOW));
    // Other actors than the one that wrote the clocked value (an actor's clock is its own).
    const a = legacy(A.clone(base, { actor: '0a'.repeat(16) }), 2);
    const b = legacy(A.clone(base, { actor: ACTOR_B }), 3);
    const shown = A.merge(A.clone(a), b);
    const entry = Object.values(shown.months['2026-11']?.entries ?? {})[0];
    expect(getObservation(shown, 'h', DAY, sha256Hex)?.value).toBe(entry?.value);
    const c = write(A.clone(base, { actor: '0c'.repeat(16) }), { value: 4 }, clockOf('cc', 0));
    const withClock = A.merge(A.merge(A.clone(a), b), c);
    expect(getObservation(withClock, 'h', DAY, sha256Hex)?.value).toBe(4);
  });

  it('a concurrent write that loses still shows in the record, and the cache sees it', () => {
    const base = write(observationsFor(['2026-11']), { value: 1 }, clockOf('aa', NOW));
    const a = write(A.clone(base, { actor: ACTOR_A }), { value: 5 }, clockOf('aa', NOW + 60_000));
    const before = getObservation(a, 'h', DAY, sha256Hex);
    expect(before?.value).toBe(5);
    const b = write(A.clone(base, { actor: ACTOR_B }), { value: 7 }, clockOf('bb', NOW + 1));
    const merged = A.merge(a, b);
    expect(getObservation(merged, 'h', DAY, sha256Hex)?.value).toBe(5);
    const cells = checkInRecord(merged, 'h', DAY, sha256Hex)?.cells('value');
    expect(cells?.map((c) => c.value)).toEqual([5, 7]);
  });

  it('a read cached before a later concurrent write arrives sees it, even where Automerge still shows the old value', () => {
    // The receiving device's actor sorts last: Automerge keeps showing its own values.
    const mine = 'ff'.repeat(16);
    const theirs = '01'.repeat(16);
    const base = write(observationsFor(['2026-11']), { value: 1 }, clockOf('aa', NOW));
    // A field edited on both devices.
    let p = write(A.clone(base, { actor: mine }), { value: 5 }, clockOf('ff', NOW + 1));
    expect(getObservation(p, 'h', DAY, sha256Hex)?.value).toBe(5); // read, and cached
    const q = write(A.clone(base, { actor: theirs }), { value: 7 }, clockOf('01', NOW + 60_000));
    p = A.merge(p, q);
    expect(getObservation(p, 'h', DAY, sha256Hex)?.value).toBe(7);
    // A check-in created on both devices.
    const start = observationsFor(['2026-11']);
    let p2 = write(A.clone(start, { actor: mine }), { value: 2, note: 'mine' }, clockOf('ff', NOW));
    expect(observationsOn(p2, DAY)[0]).toMatchObject({ value: 2, note: 'mine' });
    const q2 = write(A.clone(start, { actor: theirs }), { value: 3 }, clockOf('01', NOW + 5));
    p2 = A.merge(p2, q2);
    expect(observationsOn(p2, DAY)[0]).toMatchObject({ value: 3, note: 'mine' });
  });

  it('an edit of a record two devices created apart settles every object', () => {
    const start = observationsFor(['2026-11']);
    const a = write(A.clone(start, { actor: ACTOR_A }), { value: 5 }, clockOf('aa', NOW + 5));
    const b = write(
      A.clone(start, { actor: ACTOR_B }),
      { value: 7, note: 'x' },
      clockOf('bb', NOW),
    );
    let merged = A.merge(A.clone(a), b);
    const record = checkInRecord(merged, 'h', DAY, sha256Hex);
    expect(record?.merged).toBe(true);
    expect(observationsOn(merged, DAY)[0]).toMatchObject({ value: 5, note: 'x' });
    merged = write(merged, { value: 6 }, clockOf('aa', NOW + 10));
    const after = checkInRecord(merged, 'h', DAY, sha256Hex);
    expect(new Set(after?.cells('value').map((c) => c.value))).toEqual(new Set([6]));
    const heads = A.getHeads(merged);
    // Writing the same again changes nothing.
    expect(A.getHeads(write(merged, { value: 6 }, clockOf('aa', NOW + 20)))).toEqual(heads);
  });

  it('an older version of a document reads as it was, not as the backend is now', () => {
    const v1 = write(observationsFor(['2026-11']), { value: 1 }, clockOf('aa', NOW));
    const v2 = write(v1, { value: 2 }, clockOf('aa', NOW + 1));
    expect(getObservation(v2, 'h', DAY, sha256Hex)?.value).toBe(2);
    const bucket = v1.months['2026-11'];
    if (!bucket) throw new Error('no month');
    const id = Object.keys(bucket.entries)[0] ?? '';
    expect(StoredRecord.at(v1, bucket.entries, id)?.value('value')).toBe(1);
  });
});
