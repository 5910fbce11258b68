/** The `categories` document: id → { name, colour, order }. */
import { str } from './documents';
import { assertNonEmpty, differs, imm } from './fields';
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

function nextOrder(d: CategoriesDoc): number {
  let max = -1;
  for (const c of Object.values(d.categories)) max = Math.max(max, c.order);
  return max + 1;
}

export function addCategory(d: CategoriesDoc, input: CategoryInput): void {
  assertNonEmpty('category id', input.id);
  if (input.id in d.categories) throw new Error(`category ${input.id} exists`);
  d.categories[input.id] = {
    id: imm(input.id),
    name: imm(input.name),
    colour: imm(input.colour),
    order: input.order ?? nextOrder(d),
  };
}

/** Field by field, so concurrent edits of different fields both survive a merge. */
export function updateCategory(d: CategoriesDoc, id: string, patch: CategoryPatch): boolean {
  const c = d.categories[id];
  if (!c) return false;
  if (patch.name !== undefined && differs(c.name, patch.name)) c.name = imm(patch.name);
  if (patch.colour !== undefined && differs(c.colour, patch.colour)) c.colour = imm(patch.colour);
  if (patch.order !== undefined && c.order !== patch.order) c.order = patch.order;
  return true;
}

/** Habits that pointed at it show as uncategorised (see `readHabit`), or call `clearCategory`. */
export function deleteCategory(d: CategoriesDoc, id: string): boolean {
  if (!(id in d.categories)) return false;
  delete d.categories[id];
  return true;
}

export function readCategory(c: StoredCategory): Category {
  return { id: str(c.id), name: str(c.name), colour: str(c.colour), order: c.order };
}

/** Ordered by `order`, then name, then id, so every device shows the same list. */
export function listCategories(doc: CategoriesDoc): Category[] {
  return Object.values(doc.categories)
    .map(readCategory)
    .sort((a, b) => a.order - b.order || a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}

export function getCategory(doc: CategoriesDoc, id: string): Category | undefined {
  const c = doc.categories[id];
  return c ? readCategory(c) : undefined;
}
