import { ready, sha256, toHex, utf8 } from '@cairn/shared';
import * as A from '@automerge/automerge';
import {
  addHabit,
  ensureObservationMonths,
  initialDocument,
  type HabitInput,
  type ObservationsDoc,
  type TemplatesDoc,
} from '../../../src/domain';

await ready();

/** The SHA-256 the app passes in. Expected hashes in the tests come from `sha256sum`. */
export const sha256Hex = (s: string): string => toHex(sha256(utf8(s)));

export const NOW = Date.UTC(2026, 10, 2, 12); // 2026-11-02T12:00Z

/** Fixed actors, so tests are deterministic. */
export const ACTOR_A = 'aa'.repeat(16);
export const ACTOR_B = 'bb'.repeat(16);

export function templatesWith(
  habits: Omit<HabitInput, 'now'>[],
  actor = ACTOR_A,
): A.Doc<TemplatesDoc> {
  return A.change(initialDocument('templates', actor), (d) => {
    for (const h of habits) addHabit(d, { ...h, now: NOW });
  });
}

export function observationsFor(months: string[], actor = ACTOR_A): A.Doc<ObservationsDoc> {
  return ensureObservationMonths(initialDocument('observations', actor), months);
}
