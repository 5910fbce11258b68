/**
 * "The later edit wins", per field, the same on every device.
 *
 * What Automerge does alone: when two devices that had not seen each other's
 * change both set one key, Automerge keeps both values and shows the one whose
 * operation id is larger: (counter, actor), where the counter counts the
 * operations an actor has made or seen. A device that made more changes while
 * offline therefore wins whatever the time, and a record that two devices both
 * created (the same check-in, by its deterministic id) is two whole objects of
 * which Automerge shows one: the other device's fields vanish with it.
 *
 * What Cairn does: every field a user edits is written together with a clock
 * (clock.ts) in a sibling key named `<field>Clock`, in the same change. A
 * reader asks Automerge for every current value of the field (all the values
 * concurrent writes left) and the values of its clock key, pairs each value
 * with the clock written by the same actor (one change writes both; an actor's
 * own writes are never concurrent with each other), and takes the value with
 * the largest clock. Values without a clock (written before clocks existed)
 * are older than any clock; between those, Automerge's own order decides, so
 * an old document reads exactly as it did. When two devices created the same
 * record, every object at its key is read and the fields are merged one by
 * one, so edits of different fields on two devices both survive.
 *
 * Writers never delete a field a user edits (a delete cannot carry a clock and
 * Automerge keeps a concurrent put over a delete): clearing writes '' or null.
 * They write only fields whose value changes, or that are in conflict (so an
 * edit settles the conflict for every device).
 *
 * Reads go through Automerge's `getAll` (one call per field); callers cache
 * per stored object (Automerge keeps an unchanged object's identity from one
 * document version to the next), see checkins.ts.
 */
import * as A from '@automerge/automerge';
import { maxHlc, type ClockSource, type Hlc } from './clock';

type Handle = ReturnType<typeof A.getBackend>;
export type Scalar = string | number | boolean | null;

/** One current value of a field. */
export interface Cell {
  value: Scalar;
  clock: Hlc;
  /** Automerge's operation id, `counter@actor`. */
  op: string;
}

export const clockKey = (field: string): string => `${field}Clock`;

function actorOf(op: string): string {
  return op.slice(op.indexOf('@') + 1);
}

function counterOf(op: string): number {
  return Number(op.slice(0, op.indexOf('@')));
}

/** Automerge's own order of two operation ids (the one it shows is the larger). */
export function compareOps(a: string, b: string): number {
  const d = counterOf(a) - counterOf(b);
  if (d !== 0) return d;
  const x = actorOf(a);
  const y = actorOf(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** True when `a` wins over `b`: a larger clock, or the same clock and a larger op. */
export function beats(a: Cell, b: Cell): boolean {
  if (a.clock !== b.clock) return a.clock > b.clock;
  return compareOps(a.op, b.op) > 0;
}

function scalar(v: unknown): Scalar {
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
    return v;
  }
  return null;
}

/**
 * The stored record at one key: every object that concurrent creations left
 * there (Automerge's shown one first). Works on a document and on a draft
 * inside Automerge.change.
 */
/**
 * The backend of a document, and the heads to read at when the document is
 * an older version (Automerge.change leaves the old version readable at its
 * heads while the backend moves on; Automerge keeps those heads in the
 * state behind this registered symbol). Undefined heads: the current state.
 */
function backendOf(root: object): { h: Handle; heads: A.Heads | undefined } {
  const h = A.getBackend(root as A.Doc<unknown>);
  const state: unknown = Reflect.get(root, Symbol.for('_am_meta'));
  const heads =
    typeof state === 'object' && state !== null && 'heads' in state && Array.isArray(state.heads)
      ? (state.heads as A.Heads)
      : undefined;
  return { h, heads };
}

export class StoredRecord {
  private constructor(
    private readonly h: Handle,
    private readonly heads: A.Heads | undefined,
    /** Object ids, the one Automerge shows first. */
    readonly ids: readonly string[],
  ) {}

  /** The record at `parent[key]`, or undefined when there is none. `root` is the document (or draft). */
  static at(root: object, parent: object, key: string): StoredRecord | undefined {
    const { h, heads } = backendOf(root);
    const pid = A.getObjectId(parent);
    if (pid === null) throw new Error('not an object of this document');
    const ids: string[] = [];
    for (const v of h.getAll(pid, key, heads)) if (v[0] === 'map') ids.push(v[1]);
    if (ids.length === 0) return undefined;
    // getAll lists values in Automerge's order, the shown one last.
    ids.reverse();
    return new StoredRecord(h, heads, ids);
  }

  /** The document's root map as a record (the profile's fields live there). */
  static root(root: object): StoredRecord {
    const { h, heads } = backendOf(root);
    return new StoredRecord(h, heads, ['_root']);
  }

  /** Every map at `key` in any of this record's objects (e.g. a habit's `schedules`). */
  under(key: string): StoredRecord | undefined {
    const ids: string[] = [];
    for (const id of this.ids) {
      const found: string[] = [];
      for (const v of this.h.getAll(id, key, this.heads)) if (v[0] === 'map') found.push(v[1]);
      ids.push(...found.reverse());
    }
    return ids.length === 0 ? undefined : new StoredRecord(this.h, this.heads, ids);
  }

  /** The keys of all this record's objects, each once. */
  keys(): string[] {
    const seen = new Set<string>();
    for (const id of this.ids) for (const k of this.h.keys(id, this.heads)) seen.add(k);
    return [...seen];
  }

  /**
   * For records written whole and never edited (schedule entries): the fields
   * of the object whose `clockField` is largest (then Automerge's order).
   */
  wholeWinner(clockField: string): Record<string, Scalar> | undefined {
    let best: { id: string; cell: Cell } | undefined;
    for (const id of this.ids) {
      const clock = this.h.get(id, clockField, this.heads);
      const cell: Cell = { value: null, clock: typeof clock === 'string' ? clock : '', op: id };
      if (best === undefined || beats(cell, best.cell)) best = { id, cell };
    }
    if (best === undefined) return undefined;
    const out: Record<string, Scalar> = {};
    for (const k of this.h.keys(best.id, this.heads)) {
      out[k] = scalar(this.h.get(best.id, k, this.heads));
    }
    return out;
  }

  /** True when devices created this record concurrently (several objects at its key). */
  get merged(): boolean {
    return this.ids.length > 1;
  }

  private valuesIn(id: string, field: string): [Scalar, string][] {
    const out: [Scalar, string][] = [];
    for (const v of this.h.getAll(id, field, this.heads)) {
      // Nested objects have no operation id here (their id is the object's); fields never hold them.
      if (v.length !== 3) continue;
      out.push([scalar(v[1]), v[2]]);
    }
    return out;
  }

  /** Every current value of `field`, each with its clock, winner first. */
  cells(field: string): Cell[] {
    const out: Cell[] = [];
    for (const id of this.ids) {
      const values = this.valuesIn(id, field);
      if (values.length === 0) continue;
      const clocks = new Map<string, Hlc>();
      for (const [clock, op] of this.valuesIn(id, clockKey(field))) {
        if (typeof clock === 'string') clocks.set(actorOf(op), clock);
      }
      for (const [value, op] of values)
        out.push({ value, clock: clocks.get(actorOf(op)) ?? '', op });
    }
    return out.sort((a, b) => (beats(a, b) ? -1 : beats(b, a) ? 1 : 0));
  }

  /**
   * The winning value of `field` (undefined when no object has it). Cheap in
   * the usual case: clocks are only read when there is more than one value.
   */
  value(field: string): Scalar | undefined {
    if (this.ids.length === 1) {
      const only = this.ids[0] ?? '';
      const values = this.valuesIn(only, field);
      if (values.length === 0) return undefined;
      if (values.length === 1) return values[0]?.[0];
    }
    return this.cells(field)[0]?.value;
  }

  /** The largest clock among the current values of `fields` ('' when none has one). */
  maxClock(fields: readonly string[]): Hlc {
    let max = '';
    for (const f of fields) for (const c of this.cells(f)) max = maxHlc(max, c.clock);
    return max;
  }
}

/**
 * True for an object of a draft inside Automerge.change (a proxy whose values
 * change as the callback writes), false for a document's own objects. Readers
 * cache only the latter. Automerge marks its proxies with this registered symbol.
 */
export function isDraft(obj: object): boolean {
  return Reflect.get(obj, Symbol.for('_am_isProxy')) === true;
}

const mergedCache = new WeakMap<object, ReadonlySet<string>>();

/**
 * The keys of `parent` that hold several objects (records two devices created
 * apart). Cached per `parent` object: a concurrent object arriving at a key
 * replaces the map (Automerge patches the path to it), while the object shown
 * at that key may keep its identity, so readers that cache per record object
 * must not use that cache for these keys.
 */
export function mergedKeys(root: object, parent: object): ReadonlySet<string> {
  const draft = isDraft(parent);
  const hit = draft ? undefined : mergedCache.get(parent);
  if (hit !== undefined) return hit;
  const { h, heads } = backendOf(root);
  const pid = A.getObjectId(parent);
  const out = new Set<string>();
  if (pid !== null) {
    for (const key of h.keys(pid, heads)) if (h.getAll(pid, key, heads).length > 1) out.add(key);
  }
  if (!draft) mergedCache.set(parent, out);
  return out;
}

/** What a writer sets: field → value; strings are stored as immutable strings. */
export type FieldPatch = Readonly<Record<string, Scalar>>;

const stored = (v: Scalar): Scalar | A.ImmutableString =>
  typeof v === 'string' ? new A.ImmutableString(v) : v;

/**
 * Sets fields of the record at `parent[key]` inside Automerge.change, each
 * with a clock from `clock` (larger than every clock they had). When there is
 * no record yet, `create` gives its other, never-edited fields and the record
 * is made with the patch. Returns the fields written.
 */
export function writeFields(
  root: object,
  parent: Record<string, unknown>,
  key: string,
  patch: FieldPatch,
  clock: ClockSource,
  create?: () => Record<string, unknown>,
): string[] {
  const record = StoredRecord.at(root, parent, key);
  const fields = Object.keys(patch);
  if (record === undefined) {
    if (create === undefined) throw new Error(`no record at ${key}`);
    const stamp = new A.ImmutableString(clock.next());
    const made: Record<string, unknown> = { ...create() };
    for (const f of fields) {
      made[f] = stored(patch[f] ?? null);
      made[clockKey(f)] = stamp;
    }
    parent[key] = made;
    return fields;
  }
  // Two devices created this record apart: write into every object, so the
  // edit replaces the values in all of them and no old value stays current.
  const targets = record.merged
    ? (Object.values(A.getConflicts(parent, key) ?? {}) as Record<string, unknown>[])
    : [parent[key] as Record<string, unknown>];
  return writeInto(record, targets, patch, clock);
}

/** writeFields for the fields at a document's root. */
export function writeRootFields(
  root: Record<string, unknown>,
  patch: FieldPatch,
  clock: ClockSource,
): string[] {
  return writeInto(StoredRecord.root(root), [root], patch, clock);
}

function writeInto(
  record: StoredRecord,
  targets: readonly Record<string, unknown>[],
  patch: FieldPatch,
  clock: ClockSource,
): string[] {
  // Settled: one write left every current value (all equal, one clock).
  const changed = Object.keys(patch).filter((f) => {
    const cells = record.cells(f);
    const first = cells[0];
    return (
      first === undefined || cells.some((c) => c.value !== patch[f] || c.clock !== first.clock)
    );
  });
  if (changed.length === 0) return [];
  const stamp = new A.ImmutableString(clock.next(record.maxClock(changed)));
  for (const target of targets) {
    for (const f of changed) {
      target[f] = stored(patch[f] ?? null);
      target[clockKey(f)] = stamp;
    }
  }
  return changed;
}
