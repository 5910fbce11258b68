/**
 * What reading through clocks costs on a large document: five years of 20
 * daily habits (36,520 check-ins). Figures are printed (the machine's speed
 * drifts); the assertions are ratios measured in the same process: after one
 * check-in, reading again costs a small part of the first read, because
 * reads are cached per stored object (checkins.ts).
 */
import * as A from '@automerge/automerge';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  allObservations,
  checkIn,
  ensureObservationMonths,
  getHabit,
  indexObservations,
  initialDocument,
  monthsBetween,
  observationId,
  streaks,
  type ObservationsDoc,
  type TemplatesDoc,
} from '../../../src/domain';
import { computeStats } from '../../../src/app/stats';
import { ACTOR_A, NOW, sha256Hex, templatesWith } from './helpers';

const HABITS = 20;
const START = '2021-11-02';
const TODAY = '2026-11-02';

function time<T>(f: () => T): [T, number] {
  const t0 = performance.now();
  const r = f();
  return [r, performance.now() - t0];
}

/** One change per month, every habit done every day (a value and a note now and then). */
function history(): A.Doc<ObservationsDoc> {
  let doc = ensureObservationMonths(
    initialDocument('observations', ACTOR_A),
    monthsBetween(START, TODAY),
  );
  let day = START;
  while (day < TODAY) {
    const month = day.slice(0, 7);
    doc = A.change(doc, (d) => {
      for (; day < TODAY && day.slice(0, 7) === month; day = addDays(day, 1)) {
        for (let h = 0; h < HABITS; h++) {
          checkIn(
            d,
            {
              templateId: `habit-${h}`,
              date: day,
              status: 'done',
              ...(h % 4 === 0 ? { value: 8 } : {}),
              ...(h % 7 === 0 ? { note: 'ok' } : {}),
              now: NOW,
            },
            sha256Hex,
          );
        }
      }
    });
  }
  return doc;
}

/** The same rows as an earlier version wrote them: no clocks. */
function legacyHistory(): A.Doc<ObservationsDoc> {
  let doc = ensureObservationMonths(
    initialDocument('observations', ACTOR_A),
    monthsBetween(START, TODAY),
  );
  const s = (v: string) => new A.ImmutableString(v);
  let day = START;
  while (day < TODAY) {
    const month = day.slice(0, 7);
    doc = A.change(doc, (d) => {
      const bucket = d.months[month];
      if (!bucket) throw new Error('no month');
      for (; day < TODAY && day.slice(0, 7) === month; day = addDays(day, 1)) {
        for (let h = 0; h < HABITS; h++) {
          bucket.entries[observationId(`habit-${h}`, day, sha256Hex)] = {
            templateId: s(`habit-${h}`),
            date: s(day),
            status: s('done'),
            updatedAt: NOW,
            ...(h % 4 === 0 ? { value: 8 } : {}),
            ...(h % 7 === 0 ? { note: s('ok') } : {}),
          };
        }
      }
    });
  }
  return doc;
}

function habits(): A.Doc<TemplatesDoc> {
  return templatesWith(
    Array.from({ length: HABITS }, (_, h) => ({
      id: `habit-${h}`,
      name: `Habit ${h}`,
      schedule: '0 0 * * *',
      kind: h % 4 === 0 ? { type: 'count' as const, target: 8 } : { type: 'yesno' as const },
      startDate: START,
    })),
  );
}

// Building the two documents takes most of the time: tens of seconds on a busy machine.
describe('read cost on five years of 20 habits', { timeout: 300_000 }, () => {
  it('loads, reads once, and reads again after a check-in for a fraction of the first read', () => {
    const [built, buildMs] = time(history);
    const bytes = A.save(built);
    // Loads vary with the machine's load: the best of three.
    const best = (b: Uint8Array): number =>
      Math.min(...[0, 1, 2].map(() => time(() => A.load<ObservationsDoc>(b))[1]));
    const doc = A.load<ObservationsDoc>(bytes);
    const loadMs = best(bytes);
    const legacyBytes = A.save(legacyHistory());
    const legacyLoadMs = best(legacyBytes);
    const templates = habits();

    const fresh = A.load<ObservationsDoc>(bytes);
    const habit = getHabit(templates, 'habit-3');
    if (!habit) throw new Error('no habit');
    const [, oneHabitMs] = time(() => streaks(habit, indexObservations(fresh), TODAY, 'UTC'));
    const [, statsColdMs] = time(() => computeStats(templates, fresh, 'habit-5', TODAY, 'UTC'));

    // One check-in today, then the same statistics again.
    const next = A.change(ensureObservationMonths(fresh, [TODAY.slice(0, 7)]), (d) =>
      checkIn(d, { templateId: 'habit-5', date: TODAY, status: 'done', now: NOW }, sha256Hex),
    );
    const [stats, statsWarmMs] = time(() => computeStats(templates, next, 'habit-5', TODAY, 'UTC'));
    expect(stats.currentStreak).toBe(1827);

    // Every check-in (an export): cold, then again after one more check-in.
    const [all, allMs] = time(() => allObservations(doc));
    expect(all).toHaveLength(HABITS * 1826);
    const again = A.change(ensureObservationMonths(doc, [TODAY.slice(0, 7)]), (d) =>
      checkIn(d, { templateId: 'habit-1', date: TODAY, status: 'done', now: NOW }, sha256Hex),
    );
    const [, allWarmMs] = time(() => allObservations(again));

    // The same rows read as plain values (no clocks, no conflicts): the floor.
    const [, plainMs] = time(() => {
      let n = 0;
      for (const m of Object.values(doc.months)) {
        for (const e of Object.values(m.entries)) n += String(e.status).length;
      }
      return n;
    });
    console.info(
      [
        `built ${(buildMs / 1000).toFixed(1)} s; saved ${(bytes.length / 1024).toFixed(0)} KiB; load ${loadMs.toFixed(0)} ms`,
        `the same rows without clocks: saved ${(legacyBytes.length / 1024).toFixed(0)} KiB; load ${legacyLoadMs.toFixed(0)} ms`,
        `every check-in through clocks: cold ${allMs.toFixed(0)} ms, after one check-in ${allWarmMs.toFixed(0)} ms (plain read ${plainMs.toFixed(0)} ms)`,
        `one habit's streak, cold: ${oneHabitMs.toFixed(0)} ms`,
        `History stats of one habit: cold ${statsColdMs.toFixed(0)} ms, after one check-in ${statsWarmMs.toFixed(0)} ms`,
      ].join('\n'),
    );
    expect(statsWarmMs).toBeLessThan(statsColdMs / 2);
    expect(allWarmMs).toBeLessThan(allMs / 2);
  });
});
