/**
 * A device's history, generated in Node with Cairn's domain code, for the
 * Chromium benchmarks: the five documents of an onboarded user with 10 daily
 * habits and N check-ins (10 a day, ending yesterday in the device's time
 * zone), each check-in its own Automerge change, as the app writes them.
 *
 * Generation is deterministic (fixed actors and times), so its result is
 * cached on disk between runs (keyed by size and end date): 100k changes take
 * a minute or two to make here.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as A from '@automerge/automerge';
import { frameRecord, parseFrames } from '@cairn/shared';
import {
  DAILY_CRON,
  addDays,
  addHabit,
  checkIn,
  ensureObservationMonths,
  initialDocument,
  monthsBetween,
  onboard,
  type DocName,
  type DocTypes,
} from '../../client/src/domain';
import { HABITS, habitIds, sha256Hex } from './workload.js';

export const TIME_ZONE = 'Europe/Paris';
const ACTOR = 'be0c'.padEnd(32, '0');
const CACHE_VERSION = 1;

export interface History {
  /** Every document's whole state (for snapshots). */
  readonly docs: { readonly [K in DocName]: A.Doc<DocTypes[K]> };
  /** The observations log as the app would write it: the starting state's changes, then one per check-in. */
  readonly observationChanges: readonly (readonly Uint8Array[])[];
  /** The date after the last check-in (the device's today). */
  readonly today: string;
}

/** Today in `TIME_ZONE`, as YYYY-MM-DD. */
export function todayInZone(now = Date.now()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE }).format(new Date(now));
}

function fixedDocs(firstDay: string): Omit<History['docs'], 'observations'> {
  const profile = A.change(initialDocument('profile', ACTOR), { time: 0 }, (d) =>
    onboard(d, { name: 'Bench', timezone: TIME_ZONE, now: 0 }),
  );
  const templates = A.change(initialDocument('templates', ACTOR), { time: 0 }, (d) => {
    for (const [k, id] of habitIds.entries()) {
      addHabit(d, {
        id,
        name: `Habit ${k}`,
        schedule: DAILY_CRON,
        kind: { type: 'yesno' },
        startDate: firstDay,
        now: 0,
      });
    }
  });
  return {
    profile,
    templates,
    categories: initialDocument('categories', ACTOR),
    oneOffs: initialDocument('oneOffs', ACTOR),
  };
}

function generate(checkIns: number, today: string): History {
  const days = Math.ceil(checkIns / HABITS);
  const firstDay = addDays(today, -days);
  let obs = initialDocument('observations', ACTOR);
  obs = ensureObservationMonths(obs, monthsBetween(firstDay, addDays(today, 40)));
  const changes: Uint8Array[][] = [A.getAllChanges(obs)];
  for (let i = 0; i < checkIns; i++) {
    const date = addDays(firstDay, Math.floor(i / HABITS));
    obs = A.change(obs, { time: 0 }, (d) => {
      checkIn(
        d,
        { templateId: habitIds[i % HABITS] ?? '', date, status: 'done', now: 0 },
        sha256Hex,
      );
    });
    const c = A.getLastLocalChange(obs);
    if (c === undefined) throw new Error('a check-in made no change');
    changes.push([c]);
  }
  return {
    docs: { ...fixedDocs(firstDay), observations: obs },
    observationChanges: changes,
    today,
  };
}

/**
 * Cache layout: frames (DESIGN §3.4 framing, plaintext): the saved observations
 * document, a 4-byte count k of starting-state changes, then every change of
 * the log in order (k starting ones, then one per check-in).
 */
function writeCache(file: string, h: History): void {
  const [start = [], ...rest] = h.observationChanges;
  const count = new Uint8Array(4);
  new DataView(count.buffer).setUint32(0, start.length);
  const frames = [A.save(h.docs.observations), count, ...start, ...rest.flat()].map(frameRecord);
  writeFileSync(file, Buffer.concat(frames));
}

function readCache(file: string, checkIns: number, today: string): History | undefined {
  const [saved, count, ...changes] = parseFrames(new Uint8Array(readFileSync(file))).records;
  if (saved === undefined || count === undefined || count.length !== 4) return undefined;
  const k = new DataView(count.buffer, count.byteOffset, 4).getUint32(0);
  if (changes.length !== k + checkIns) return undefined;
  const firstDay = addDays(today, -Math.ceil(checkIns / HABITS));
  return {
    docs: { ...fixedDocs(firstDay), observations: A.load<DocTypes['observations']>(saved) },
    observationChanges: [changes.slice(0, k), ...changes.slice(k).map((c) => [c])],
    today,
  };
}

/** The history of `checkIns` check-ins ending yesterday; from the cache when there. */
export function history(checkIns: number, log: (line: string) => void): History {
  const today = todayInZone();
  const dir = join(tmpdir(), 'cairn-bench-cache');
  const file = join(dir, `history-v${CACHE_VERSION}-${checkIns}-${today}.bin`);
  const cached = existsSync(file) ? readCache(file, checkIns, today) : undefined;
  if (cached !== undefined) return cached;
  log(`generating a history of ${checkIns} check-ins (cached in ${dir})`);
  const t0 = performance.now();
  const h = generate(checkIns, today);
  log(`  generated in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  mkdirSync(dir, { recursive: true });
  writeCache(file, h);
  return h;
}
