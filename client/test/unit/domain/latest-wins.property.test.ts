/**
 * Property: with any number of devices whose clocks are minutes apart, any
 * concurrent edits of one record (created on several devices apart, or
 * edited after), delivered in any order and in any pieces, every device ends
 * with the same value of every field, and it is the value written with the
 * latest clock; that write is never more than twice the clock skew older than
 * the last write in real time.
 */
import * as A from '@automerge/automerge';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  HybridClock,
  StoredRecord,
  parseHlc,
  writeFields,
  type ClockSource,
  type Scalar,
} from '../../../src/domain';

type Doc = { records: Record<string, Record<string, unknown>> };

const FIELDS = ['value', 'note', 'status'] as const;
const MAX_SKEW = 5 * 60_000;

const base = A.change(A.init<Doc>({ actor: '01'.repeat(16) }), { time: 0 }, (d) => {
  d.records = {};
});

const command = fc.oneof(
  fc.record({
    kind: fc.constant('edit' as const),
    device: fc.nat(3),
    field: fc.constantFrom(...FIELDS),
    value: fc.oneof(
      fc.integer({ min: 0, max: 9 }),
      fc.constantFrom('a', 'b', ''),
      fc.constant(null),
    ),
    wait: fc.integer({ min: 0, max: 20 * 60_000 }),
  }),
  fc.record({
    kind: fc.constant('deliver' as const),
    from: fc.nat(3),
    to: fc.nat(3),
    /** Which of the missing changes go, and in what order. */
    pick: fc.array(fc.nat(), { maxLength: 6 }),
  }),
);

interface Write {
  field: string;
  value: Scalar;
  clock: string;
  at: number;
}

function readAll(doc: A.Doc<Doc>): Record<string, Scalar | undefined> {
  const record = StoredRecord.at(doc, doc.records, 'r');
  const out: Record<string, Scalar | undefined> = {};
  for (const f of FIELDS) out[f] = record?.value(f);
  return out;
}

describe('latest edit wins (property)', () => {
  it('all devices converge on the value with the latest clock', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 4 }),
        fc.array(fc.integer({ min: -MAX_SKEW, max: MAX_SKEW }), { minLength: 4, maxLength: 4 }),
        fc.array(command, { minLength: 1, maxLength: 40 }),
        (count, skews, commands) => {
          let now = 1_772_600_000_000;
          const docs = Array.from({ length: count }, (_, i) =>
            A.clone(base, { actor: `${String(i + 2).padStart(2, '0')}`.repeat(16) }),
          );
          const writes: Write[] = [];
          const clocks = docs.map(
            (_, i) =>
              new HybridClock(
                `${String(i + 1).padStart(2, '0')}`.repeat(8),
                () => now + (skews[i] ?? 0),
              ),
          );
          for (const c of commands) {
            if (c.kind === 'edit') {
              const i = c.device % count;
              now += c.wait;
              let issued = '';
              const source: ClockSource = {
                next: (after) => (issued = clocks[i]?.next(after) ?? ''),
              };
              let written: string[] = [];
              docs[i] = A.change(docs[i] as A.Doc<Doc>, (d) => {
                written = writeFields(
                  d,
                  d.records,
                  'r',
                  { [c.field]: c.value },
                  source,
                  () => ({}),
                );
              });
              for (const f of written)
                writes.push({ field: f, value: c.value, clock: issued, at: now });
            } else {
              const from = docs[c.from % count] as A.Doc<Doc>;
              const to = c.to % count;
              const target = docs[to] as A.Doc<Doc>;
              const missing = A.getChanges(target, from);
              // Deliver some of the missing changes, in the order `pick` gives (deps may come later).
              const chosen = c.pick
                .map((p) => missing[p % Math.max(1, missing.length)])
                .filter((x): x is Uint8Array => x !== undefined);
              [docs[to]] = A.applyChanges(target, chosen);
            }
          }
          // Everything reaches everyone, in a different order for each device.
          const all = docs.flatMap((d) => A.getAllChanges(d));
          for (let i = 0; i < count; i++) {
            const order = i % 2 === 0 ? all : [...all].reverse();
            [docs[i]] = A.applyChanges(docs[i] as A.Doc<Doc>, order);
          }
          const results = docs.map((d) => readAll(d));
          for (const r of results) expect(r).toEqual(results[0]);
          for (const f of FIELDS) {
            const mine = writes.filter((w) => w.field === f);
            if (mine.length === 0) continue;
            const latest = mine.reduce((a, b) => (b.clock > a.clock ? b : a));
            expect(results[0]?.[f]).toEqual(latest.value);
            const lastInTime = Math.max(...mine.map((w) => w.at));
            expect(latest.at).toBeGreaterThanOrEqual(lastInTime - 2 * MAX_SKEW);
            expect(parseHlc(latest.clock)).toBeDefined();
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
