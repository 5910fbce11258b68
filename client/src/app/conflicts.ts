/**
 * Conflict notices: where this device's edit of a field lost to a later,
 * concurrent edit made on another device, the UI says so quietly ("changed on
 * Phone at 09:14") and offers this device's values back. Read from the
 * stored record's current values (lww.ts): Automerge keeps every value two
 * devices wrote apart until a later edit replaces them, so the losing value
 * stays reachable until the user restores it or keeps the other.
 */
import { parseHlc, type Cell, type Scalar, type StoredRecord } from '../domain';
import type { ConflictView } from './types';

export interface Conflict {
  view: ConflictView;
  /** Field → this device's value that lost. */
  mine: Record<string, Scalar>;
  /** Field → the value shown now. */
  theirs: Record<string, Scalar>;
}

export interface ConflictContext {
  /** This device's clock node. */
  self: string;
  labelOf: (node: string) => string | undefined;
  timeZone: string;
  /** A field's name in words, or null to leave it out of the list (it goes with another). */
  fieldName: (field: string, all: readonly string[]) => string | null;
  /** A value in words, for "yours was …". */
  valueText: (field: string, value: Scalar) => string;
}

const nodeOf = (c: Cell): string | undefined => parseHlc(c.clock)?.node;

function timeIn(ms: number, timeZone: string): { at: string; day: string } {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(ms);
  const get = (t: string): string => parts.find((p) => p.type === t)?.value ?? '';
  return {
    at: `${get('hour')}:${get('minute')}`,
    day: `${get('year')}-${get('month')}-${get('day')}`,
  };
}

/** This device's lost edits among `fields` of `record`, or undefined when there are none. */
export function conflictOf(
  record: StoredRecord | undefined,
  fields: readonly string[],
  context: ConflictContext,
): Conflict | undefined {
  if (record === undefined) return undefined;
  const mine: Record<string, Scalar> = {};
  const theirs: Record<string, Scalar> = {};
  let latest: Cell | undefined;
  for (const f of fields) {
    const cells = record.cells(f);
    const winner = cells[0];
    if (cells.length < 2 || winner === undefined || nodeOf(winner) === context.self) continue;
    const lost = cells.slice(1).find((c) => nodeOf(c) === context.self);
    if (lost === undefined || lost.value === winner.value) continue;
    mine[f] = lost.value;
    theirs[f] = winner.value;
    if (latest === undefined || winner.clock > latest.clock) latest = winner;
  }
  const lostFields = Object.keys(mine);
  if (latest === undefined || lostFields.length === 0) return undefined;
  const winner = parseHlc(latest.clock);
  const when = timeIn(winner?.wall ?? 0, context.timeZone);
  const names = lostFields.flatMap((f) => context.fieldName(f, lostFields) ?? []);
  return {
    view: {
      fields: names,
      by: (winner === undefined ? undefined : context.labelOf(winner.node)) ?? 'another device',
      at: when.at,
      day: when.day,
      yours: lostFields
        .filter((f) => context.fieldName(f, lostFields) !== null)
        .map((f) => context.valueText(f, mine[f] ?? null))
        .join(', '),
    },
    mine,
    theirs,
  };
}
