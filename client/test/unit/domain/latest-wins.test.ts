/**
 * The rule for concurrent edits (docs/protocol.md "Record contents"): for one field
 * edited on two devices that had not seen each other's edit, the edit with the later
 * hybrid logical clock wins, on every device, whichever device made more changes.
 */
import * as A from '@automerge/automerge';
import { describe, expect, it } from 'vitest';
import { checkIn, observationsOn, type ObservationsDoc } from '../../../src/domain';
import { ACTOR_A, ACTOR_B, NOW, observationsFor, sha256Hex } from './helpers';

const DAY = '2026-11-02';
const MINUTE = 60_000;

function write(
  doc: A.Doc<ObservationsDoc>,
  templateId: string,
  fields: { status?: 'done' | 'pending' | 'skipped'; value?: number; note?: string },
  now: number,
): A.Doc<ObservationsDoc> {
  return A.change(doc, (d) => {
    checkIn(
      d,
      { templateId, date: DAY, status: fields.status ?? 'pending', ...fields, now },
      sha256Hex,
    );
  });
}

describe('concurrent edits of one check-in', () => {
  it('the later edit wins though the earlier device made more changes (both merge orders)', () => {
    const start = observationsFor(['2026-11']);
    // B, offline, edits first and a lot: its Automerge op counters run ahead.
    let b = A.clone(start, { actor: ACTOR_B });
    for (let i = 0; i < 5; i++) b = write(b, `other-${i}`, { status: 'done' }, NOW + i);
    b = write(b, 'water', { value: 8 }, NOW + 10);
    b = write(b, 'water', { value: 8, note: 'offline' }, NOW + 11);
    // A edits the same check-in fourteen minutes later.
    let a = A.clone(start, { actor: ACTOR_A });
    a = write(a, 'water', { value: 6, note: 'online' }, NOW + 14 * MINUTE);
    for (const merged of [A.merge(A.clone(a), b), A.merge(A.clone(b), a)]) {
      const row = observationsOn(merged, DAY).find((o) => o.templateId === 'water');
      expect(row).toMatchObject({ value: 6, note: 'online' });
    }
  });

  it('edits of different fields made on two devices both survive a concurrent creation', () => {
    const start = observationsFor(['2026-11']);
    const a = write(A.clone(start, { actor: ACTOR_A }), 'water', { value: 6 }, NOW + MINUTE);
    const b = write(A.clone(start, { actor: ACTOR_B }), 'water', { note: 'lemon' }, NOW);
    for (const merged of [A.merge(A.clone(a), b), A.merge(A.clone(b), a)]) {
      const row = observationsOn(merged, DAY).find((o) => o.templateId === 'water');
      expect(row).toMatchObject({ value: 6, note: 'lemon' });
    }
  });
});
