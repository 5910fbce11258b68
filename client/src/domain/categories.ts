/**
 * The `categories` document: id → { name, colour, order, deleted }.
 *
 * Name, colour, order and `deleted` each carry a clock (lww.ts). Deleting
 * sets `deleted`: the category leaves every list, its habits show no colour,
 * and their `categoryId` is left alone, so undoing the delete (`restoreCategory`)
 * gives them their colour back.
 */
import { clockAt, type ClockSource } from './clock';
import { str } from './documents';
import { assertNonEmpty, imm } from './fields';
import { StoredRecord, isDraft, mergedKeys, writeFields, type FieldPatch } from './lww';
import type { CategoriesDoc, Category, StoredCategory } from './types';

export interface CategoryInput {
  /** Random, made by the caller (e.g. a UUID). */
  id: string;
  name: string;
  colour: string;
  /** Defaults to after the last category. */
  order?: number;
}

export type CategoryPatch = Partial<Omit<CategoryInput, 'id'>>;

/** Callers that pass no clock (tests) write clocks from the epoch on. */
const defaultClock = (): ClockSource => clockAt(0);

function nextOrder(d: CategoriesDoc): number {
  let max = -1;
  for (const c of Object.values(d.categories)) max = Math.max(max, c.order);
  return max + 1;
}

type Parent = Record<string, unknown>;

export function addCategory(
  d: CategoriesDoc,
  input: CategoryInput,
  clock: ClockSource = defaultClock(),
): void {
  assertNonEmpty('category id', input.id);
  if (input.id in d.categories) throw new Error(`category ${input.id} exists`);
  const patch: FieldPatch = {
    name: input.name,
    colour: input.colour,
    order: input.order ?? nextOrder(d),
  };
  writeFields(d, d.categories as unknown as Parent, input.id, patch, clock, () => ({
    id: imm(input.id),
  }));
}

/** Field by field, so concurrent edits of different fields both survive a merge. */
export function updateCategory(
  d: CategoriesDoc,
  id: string,
  patch: CategoryPatch,
  clock: ClockSource = defaultClock(),
): boolean {
  if (!(id in d.categories)) return false;
  const fields: Record<string, string | number> = {};
  if (patch.name !== undefined) fields['name'] = patch.name;
  if (patch.colour !== undefined) fields['colour'] = patch.colour;
  if (patch.order !== undefined) fields['order'] = patch.order;
  writeFields(d, d.categories as unknown as Parent, id, fields, clock);
  return true;
}

/** Marks it deleted; its habits keep pointing at it (see the header). False when there is none. */
export function deleteCategory(
  d: CategoriesDoc,
  id: string,
  clock: ClockSource = defaultClock(),
): boolean {
  if (getCategory(d, id) === undefined) return false;
  writeFields(d, d.categories as unknown as Parent, id, { deleted: true }, clock);
  return true;
}

/** Undoes deleteCategory. False when there is no such category. */
export function restoreCategory(
  d: CategoriesDoc,
  id: string,
  clock: ClockSource = defaultClock(),
): boolean {
  if (!(id in d.categories)) return false;
  writeFields(d, d.categories as unknown as Parent, id, { deleted: false }, clock);
  return true;
}

interface ReadCategory extends Category {
  deleted: boolean;
}

const cache = new WeakMap<object, ReadCategory>();

function read(doc: CategoriesDoc, id: string): ReadCategory | undefined {
  const stored: StoredCategory | undefined = doc.categories[id];
  if (stored === undefined) return undefined;
  const cacheable = !isDraft(stored);
  const hit = cacheable && !mergedKeys(doc, doc.categories).has(id) ? cache.get(stored) : undefined;
  if (hit !== undefined) return hit;
  const record = StoredRecord.at(doc, doc.categories, id);
  if (record === undefined) return undefined;
  const name = record.value('name');
  const colour = record.value('colour');
  const order = record.value('order');
  const c: ReadCategory = {
    id: str(stored.id),
    name: typeof name === 'string' ? name : '',
    colour: typeof colour === 'string' ? colour : '',
    order: typeof order === 'number' ? order : 0,
    deleted: record.value('deleted') === true,
  };
  if (cacheable && !record.merged) cache.set(stored, c);
  return c;
}

const plain = (c: ReadCategory): Category => ({
  id: c.id,
  name: c.name,
  colour: c.colour,
  order: c.order,
});

/** Ordered by `order`, then name, then id, so every device shows the same list. Deleted ones left out. */
export function listCategories(doc: CategoriesDoc): Category[] {
  const out: Category[] = [];
  for (const id of Object.keys(doc.categories)) {
    const c = read(doc, id);
    if (c !== undefined && !c.deleted) out.push(plain(c));
  }
  return out.sort(
    (a, b) => a.order - b.order || a.name.localeCompare(b.name) || a.id.localeCompare(b.id),
  );
}

/** The category, unless there is none or it is deleted. */
export function getCategory(doc: CategoriesDoc, id: string): Category | undefined {
  const c = read(doc, id);
  return c === undefined || c.deleted ? undefined : plain(c);
}

/** True when the category exists and is deleted (so it can be restored). */
export function isCategoryDeleted(doc: CategoriesDoc, id: string): boolean {
  return read(doc, id)?.deleted === true;
}
