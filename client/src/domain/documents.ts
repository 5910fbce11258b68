/**
 * Creating Cairn's five documents so that two devices never conflict.
 *
 * The problem: if two devices each run `Automerge.from({ habits: {} })`, each
 * creates its own `habits` map; after a merge one map wins the key and the
 * other device's habits become invisible. The same happens to a month bucket
 * that two devices create concurrently when the first check-in of a month is
 * written on both.
 *
 * The choice: every container is created by a *deterministic* change, whose
 * bytes are identical on every device, so it has the same hash everywhere and
 * Automerge keeps one copy of it.
 *
 * - Genesis: each document starts from one change made by the fixed actor
 *   `GENESIS_ACTOR`, at time 0, with fixed content (the root maps and scalar
 *   defaults). Every device builds the same bytes, so every device's document
 *   shares the same root objects. The device then continues under its own
 *   actor (`initialDocument` clones it under a fresh or given actor; never make
 *   changes as `GENESIS_ACTOR`, or two devices would write the same
 *   (actor, seq) with different content).
 * - Month buckets (observations and one-offs): a year's twelve buckets are
 *   created by one change whose only dependency is the genesis, made by an
 *   actor fixed per year (`yearActor`), at time 0. Any device that needs
 *   2027 builds the same change and applies it (`ensureObservationMonths`,
 *   `ensureOneOffMonths`); two devices doing so concurrently merge to one set
 *   of buckets. Mutators never create a bucket themselves: a missing bucket is
 *   a bug in the caller and throws.
 *
 * - The profile's `devices` map (device labels) is added the same way, by one
 *   change of the fixed actor `DEVICES_ACTOR` (`devicesChange`).
 *
 * Because `ensure*Months` adds a change that is not the last local change,
 * persist `Automerge.getChanges(before, after)` after an edit, not only
 * `getLastLocalChange`.
 *
 * Versioning: `schema` at each root is 1. A later shape bumps it and ships a
 * migration; genesis content must never change (old and new devices must
 * still share it), so new root keys are added by later ordinary changes.
 */
import * as A from '@automerge/automerge';
import type { MonthKey } from './dates';
import {
  SCHEMA_VERSION,
  type DocName,
  type DocTypes,
  type ObservationsDoc,
  type OneOffsDoc,
  type ProfileDoc,
} from './types';

export const GENESIS_ACTOR = '00000000000000000000000000000000';

const s = (v: string): A.ImmutableString => new A.ImmutableString(v);

const genesisContent: { [K in DocName]: (d: DocTypes[K]) => void } = {
  profile: (d) => {
    d.doc = s('profile');
    d.schema = SCHEMA_VERSION;
    d.name = s('');
    d.timezone = s('UTC');
    d.createdAt = 0;
  },
  categories: (d) => {
    d.doc = s('categories');
    d.schema = SCHEMA_VERSION;
    d.categories = {};
  },
  templates: (d) => {
    d.doc = s('templates');
    d.schema = SCHEMA_VERSION;
    d.habits = {};
  },
  observations: (d) => {
    d.doc = s('observations');
    d.schema = SCHEMA_VERSION;
    d.months = {};
  },
  oneOffs: (d) => {
    d.doc = s('oneOffs');
    d.schema = SCHEMA_VERSION;
    d.months = {};
  },
};

function buildGenesis<K extends DocName>(name: K): A.Doc<DocTypes[K]> {
  const fill: (d: DocTypes[K]) => void = genesisContent[name];
  return A.change(A.init<DocTypes[K]>({ actor: GENESIS_ACTOR }), { time: 0 }, fill);
}

// Built on first use, never at import: Automerge's WASM may not be loaded yet then.
let genesisDocs: { [K in DocName]: A.Doc<DocTypes[K]> } | undefined;

/** The shared genesis document (actor `GENESIS_ACTOR`); clone it before changing it. */
export function genesis<K extends DocName>(name: K): A.Doc<DocTypes[K]> {
  genesisDocs ??= {
    profile: buildGenesis('profile'),
    categories: buildGenesis('categories'),
    templates: buildGenesis('templates'),
    observations: buildGenesis('observations'),
    oneOffs: buildGenesis('oneOffs'),
  };
  return genesisDocs[name];
}

/** The genesis change's bytes, the first record of every log of this document. */
export function genesisChange(name: DocName): Uint8Array {
  const change = A.getLastLocalChange(genesis(name));
  if (!change) throw new Error('genesis has no change');
  return change;
}

/**
 * A new document of kind `name`, sharing its genesis with every other device.
 * `actor` (32 hex digits) is this device's actor for this document; omitted,
 * Automerge picks a random one.
 */
export function initialDocument<K extends DocName>(name: K, actor?: string): A.Doc<DocTypes[K]> {
  return actor === undefined ? A.clone(genesis(name)) : A.clone(genesis(name), { actor });
}

/** The fixed actor that creates one year's buckets: `ca1e` ‖ doc tag ‖ year ‖ zeros. */
export function yearActor(name: 'observations' | 'oneOffs', year: number): string {
  if (!Number.isInteger(year) || year < 1000 || year > 9999) throw new Error(`year ${year}`);
  const tag = name === 'observations' ? '0b' : '1f';
  return `ca1e${tag}${String(year)}`.padEnd(32, '0');
}

function monthKeys(year: number): MonthKey[] {
  return Array.from({ length: 12 }, (_, i) => `${year}-${String(i + 1).padStart(2, '0')}`);
}

const yearChangeCache = new Map<string, Uint8Array>();

/** The deterministic change that creates `year`'s twelve buckets in document `name`. */
export function yearChange(name: 'observations' | 'oneOffs', year: number): Uint8Array {
  const cacheKey = `${name}:${year}`;
  let change = yearChangeCache.get(cacheKey);
  if (!change) {
    const actor = yearActor(name, year);
    change =
      name === 'observations'
        ? A.getLastLocalChange(
            A.change(A.clone(genesis('observations'), { actor }), { time: 0 }, (d) => {
              for (const m of monthKeys(year)) d.months[m] = { entries: {}, due: {} };
            }),
          )
        : A.getLastLocalChange(
            A.change(A.clone(genesis('oneOffs'), { actor }), { time: 0 }, (d) => {
              for (const m of monthKeys(year)) d.months[m] = {};
            }),
          );
    if (!change) throw new Error('year change is empty');
    yearChangeCache.set(cacheKey, change);
  }
  return change;
}

/** The fixed actor that creates the profile's `devices` map. */
export const DEVICES_ACTOR = 'ca1edd00000000000000000000000000';

let devicesChangeBytes: Uint8Array | undefined;

/**
 * The deterministic change that adds the empty `devices` map to the profile
 * (device labels, profile.ts). Like a year change it depends on genesis only,
 * so devices that add it apart share one map.
 */
export function devicesChange(): Uint8Array {
  if (devicesChangeBytes === undefined) {
    const change = A.getLastLocalChange(
      A.change(A.clone(genesis('profile'), { actor: DEVICES_ACTOR }), { time: 0 }, (d) => {
        d.devices = {};
      }),
    );
    if (!change) throw new Error('devices change is empty');
    devicesChangeBytes = change;
  }
  return devicesChangeBytes;
}

/** Returns `doc` with the `devices` map present. */
export function ensureDeviceLabels(doc: A.Doc<ProfileDoc>): A.Doc<ProfileDoc> {
  if (doc.devices !== undefined) return doc;
  const [next] = A.applyChanges(doc, [devicesChange()]);
  if (next.devices === undefined)
    throw new Error("profile: document does not start from Cairn's genesis");
  return next;
}

function ensureYears<T extends ObservationsDoc | OneOffsDoc>(
  doc: A.Doc<T>,
  name: 'observations' | 'oneOffs',
  months: Iterable<MonthKey>,
): A.Doc<T> {
  const missing = new Set<number>();
  for (const m of months) {
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(m)) throw new Error(`not a month key: ${m}`);
    if (!(m in doc.months)) missing.add(Number(m.slice(0, 4)));
  }
  if (missing.size === 0) return doc;
  const [next] = A.applyChanges(
    doc,
    [...missing].map((y) => yearChange(name, y)),
  );
  for (const y of missing) {
    if (!(`${y}-01` in next.months)) {
      throw new Error(`${name}: document does not start from Cairn's genesis`);
    }
  }
  return next;
}

/** Returns `doc` with the buckets of `months` present (adding whole years as needed). */
export function ensureObservationMonths(
  doc: A.Doc<ObservationsDoc>,
  months: Iterable<MonthKey>,
): A.Doc<ObservationsDoc> {
  return ensureYears(doc, 'observations', months);
}

export function ensureOneOffMonths(
  doc: A.Doc<OneOffsDoc>,
  months: Iterable<MonthKey>,
): A.Doc<OneOffsDoc> {
  return ensureYears(doc, 'oneOffs', months);
}

/** Reads a stored string, whether it is an ImmutableString or (written elsewhere) text. */
export function str(v: A.ImmutableString | string | null | undefined): string {
  if (v === null || v === undefined) return '';
  return typeof v === 'string' ? v : v.val;
}

export { s as immutable };
