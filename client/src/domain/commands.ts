/**
 * The writes a user makes, each one command: `(document, input) → Result<the
 * next document, DomainError>`. A command checks its input first and only then
 * changes anything: it adds the deterministic shared changes the write needs
 * (a new year's month buckets, the profile's device map; documents.ts) and
 * makes one `Automerge.change` with the mutators of the other modules. The app
 * runs each through `DocumentStore.transact`, which seals every change between
 * the document it gave and the one returned as ONE record.
 *
 * Why "first": Automerge refuses to change a document once a newer version was
 * made from it, so a command that changed it and then failed would leave the
 * caller's document unwritable. Every command's property test checks that a
 * refused command leaves its document writable.
 *
 * A write of something already gone (a category or one-off deleted on another
 * device meanwhile) changes nothing and is not an error, except where the user
 * must be told (a check-in of a habit that is gone, a category that can no
 * longer be restored).
 */
import * as A from '@automerge/automerge';
import {
  addCategory,
  deleteCategory,
  isCategoryDeleted,
  restoreCategory,
  updateCategory,
  type CategoryPatch,
} from './categories';
import { checkIn, deleteObservationsOf, getObservation } from './checkins';
import type { ClockSource } from './clock';
import { isLocalDate, isTimeZone, monthOf, type LocalDate } from './dates';
import { ensureDeviceLabels, ensureObservationMonths, ensureOneOffMonths } from './documents';
import {
  addHabit,
  archiveHabit,
  deleteHabit,
  getHabit,
  updateHabit,
  type EditContext,
  type HabitInput,
  type HabitPatch,
} from './habits';
import { addOneOff, deleteOneOff, updateOneOff } from './oneoffs';
import { deviceLabel, onboard, setDeviceLabel } from './profile';
import { fail, ok, type Result } from './result';
import { validateCron } from './schedule';
import type {
  CategoriesDoc,
  CheckInStatus,
  Habit,
  HabitKind,
  ObservationsDoc,
  OneOffsDoc,
  ProfileDoc,
  Sha256Hex,
  TemplatesDoc,
} from './types';

type Command<T> = Result<A.Doc<T>>;

/** `A.change`, or the document itself when the change wrote nothing. */
const change = <T>(doc: A.Doc<T>, fn: (d: T) => unknown): A.Doc<T> =>
  A.change(doc, (d) => {
    fn(d);
  });

// ---- profile ------------------------------------------------------------

export interface ProfileInput {
  name: string;
  /** An IANA time zone this runtime knows. */
  timezone: string;
  now: number;
  clock?: ClockSource;
}

/** Onboarding, or an edit of the profile: a name and a known time zone. */
export function saveProfile(doc: A.Doc<ProfileDoc>, input: ProfileInput): Command<ProfileDoc> {
  const name = input.name.trim();
  if (name === '') return fail('empty-profile-name', 'the name is blank');
  if (!isTimeZone(input.timezone)) {
    return fail('bad-time-zone', `unknown time zone: ${input.timezone}`);
  }
  const fields = { name, timezone: input.timezone, now: input.now };
  return ok(
    change(doc, (d) =>
      onboard(d, input.clock === undefined ? fields : { ...fields, clock: input.clock }),
    ),
  );
}

/** This device's label under its clock node, so other devices can say "changed on Phone". */
export function labelDevice(
  doc: A.Doc<ProfileDoc>,
  node: string,
  label: string,
): Command<ProfileDoc> {
  if (deviceLabel(doc, node) === label) return ok(doc);
  return ok(change(ensureDeviceLabels(doc), (d) => setDeviceLabel(d, node, label)));
}

// ---- categories ---------------------------------------------------------

const COLOUR = /^#[0-9a-fA-F]{6}$/;

function checkCategory(patch: CategoryPatch): Result<CategoryPatch> {
  const out: CategoryPatch = { ...patch };
  if (patch.name !== undefined) {
    out.name = patch.name.trim();
    if (out.name === '') return fail('empty-category-name', 'the name is blank');
  }
  if (patch.colour !== undefined && !COLOUR.test(patch.colour)) {
    return fail('bad-colour', `not a #rrggbb colour: ${patch.colour}`);
  }
  if (patch.order !== undefined && !Number.isFinite(patch.order)) out.order = 0;
  return ok(out);
}

export function createCategory(
  doc: A.Doc<CategoriesDoc>,
  input: { id: string; name: string; colour: string; order?: number },
  clock?: ClockSource,
): Command<CategoriesDoc> {
  const checked = checkCategory(input);
  if (!checked.ok) return checked;
  const { name = input.name, colour = input.colour, order } = checked.value;
  const category = { id: input.id, name, colour, ...(order === undefined ? {} : { order }) };
  return ok(change(doc, (d) => addCategory(d, category, clock)));
}

/** Field by field; a category deleted meanwhile is left as it is. */
export function editCategory(
  doc: A.Doc<CategoriesDoc>,
  id: string,
  patch: CategoryPatch,
  clock?: ClockSource,
): Command<CategoriesDoc> {
  const checked = checkCategory(patch);
  if (!checked.ok) return checked;
  return ok(change(doc, (d) => updateCategory(d, id, checked.value, clock)));
}

export function removeCategory(
  doc: A.Doc<CategoriesDoc>,
  id: string,
  clock?: ClockSource,
): Command<CategoriesDoc> {
  return ok(change(doc, (d) => deleteCategory(d, id, clock)));
}

/** Undoes removeCategory; refused when the category is not deleted (any more). */
export function bringBackCategory(
  doc: A.Doc<CategoriesDoc>,
  id: string,
  clock?: ClockSource,
): Command<CategoriesDoc> {
  if (!isCategoryDeleted(doc, id))
    return fail('nothing-to-restore', `category ${id} is not deleted`);
  return ok(change(doc, (d) => restoreCategory(d, id, clock)));
}

// ---- habits -------------------------------------------------------------

function checkKind(kind: HabitKind): Result<HabitKind> {
  if (kind.type === 'yesno') return ok(kind);
  if (!(Number.isFinite(kind.target) && kind.target > 0)) {
    return fail('bad-target', `target ${kind.target} is not above zero`);
  }
  return ok(kind);
}

function checkHabit(patch: HabitPatch): Result<HabitPatch> {
  const out: HabitPatch = { ...patch };
  if (patch.name !== undefined) {
    out.name = patch.name.trim();
    if (out.name === '') return fail('empty-habit-name', 'the name is blank');
  }
  if (patch.schedule !== undefined) {
    const cron = validateCron(patch.schedule);
    if (!cron.ok) return cron;
    out.schedule = cron.value;
  }
  if (patch.kind !== undefined) {
    const kind = checkKind(patch.kind);
    if (!kind.ok) return kind;
  }
  if (patch.startDate !== undefined && !isLocalDate(patch.startDate)) {
    return fail('bad-date', `not a calendar day: ${patch.startDate}`);
  }
  return ok(out);
}

export function createHabit(doc: A.Doc<TemplatesDoc>, input: HabitInput): Command<TemplatesDoc> {
  const checked = checkHabit(input);
  if (!checked.ok) return checked;
  const { name = input.name, schedule = input.schedule } = checked.value;
  return ok(change(doc, (d) => addHabit(d, { ...input, name, schedule })));
}

/**
 * Writes the fields of `patch` (each gets a new clock: leave out what the user
 * did not change). A new schedule takes effect from `context.today`.
 */
export function editHabit(
  doc: A.Doc<TemplatesDoc>,
  id: string,
  patch: HabitPatch,
  context: EditContext,
): Command<TemplatesDoc> {
  if (getHabit(doc, id) === undefined) return fail('unknown-habit', `no habit ${id}`);
  const checked = checkHabit(patch);
  if (!checked.ok) return checked;
  if (checked.value.schedule !== undefined && context.today === undefined) {
    throw new Error('a schedule edit needs the day it takes effect');
  }
  return ok(change(doc, (d) => updateHabit(d, id, checked.value, context)));
}

/** Archived habits leave Today; their history stays. A habit gone meanwhile is left alone. */
export function setArchived(
  doc: A.Doc<TemplatesDoc>,
  id: string,
  archived: boolean,
  context: EditContext,
): Command<TemplatesDoc> {
  return ok(change(doc, (d) => archiveHabit(d, id, archived, context)));
}

/** Deletes a habit; its check-ins go with `removeCheckInsOf` (another document). */
export function removeHabit(doc: A.Doc<TemplatesDoc>, id: string): Command<TemplatesDoc> {
  return ok(change(doc, (d) => deleteHabit(d, id)));
}

export function removeCheckInsOf(
  doc: A.Doc<ObservationsDoc>,
  habitId: string,
): Command<ObservationsDoc> {
  return ok(change(doc, (d) => deleteObservationsOf(d, habitId)));
}

// ---- check-ins ----------------------------------------------------------

/** What a user changes of one day's check-in; omitted fields stay as they are. */
export interface CheckInUpdate {
  status?: CheckInStatus;
  /** Count or minutes; null clears it. */
  value?: number | null;
  /** '' clears it. */
  note?: string;
}

const STATUSES: readonly string[] = ['done', 'skipped', 'pending'];

/**
 * The user's check-in of `habit` on `date`. Without a status, a value decides
 * it: reaching the target completes the day, below it the day stays open.
 */
export function recordCheckIn(
  doc: A.Doc<ObservationsDoc>,
  habit: Habit | undefined,
  date: LocalDate,
  update: CheckInUpdate,
  context: { now: number; clock?: ClockSource; sha256Hex: Sha256Hex },
): Command<ObservationsDoc> {
  if (habit === undefined) return fail('unknown-habit', 'the habit is not there');
  if (!isLocalDate(date)) return fail('bad-date', `not a calendar day: ${date}`);
  if (update.status !== undefined && !STATUSES.includes(update.status)) {
    return fail('bad-status', `not a status: ${String(update.status)}`);
  }
  const { value } = update;
  if (value !== undefined && value !== null && !(Number.isFinite(value) && value >= 0)) {
    return fail('bad-value', `not a value: ${value}`);
  }
  const current = getObservation(doc, habit.id, date, context.sha256Hex);
  let status: CheckInStatus = update.status ?? current?.status ?? 'pending';
  if (value !== undefined && value !== null && update.status === undefined) {
    const target = habit.kind.type === 'yesno' ? 1 : habit.kind.target;
    status = value >= target ? 'done' : 'pending';
  }
  const ready = ensureObservationMonths(doc, [monthOf(date)]);
  return ok(
    change(ready, (d) =>
      checkIn(
        d,
        {
          templateId: habit.id,
          date,
          status,
          ...(value !== undefined ? { value } : {}),
          ...(update.note !== undefined ? { note: update.note } : {}),
          now: context.now,
          ...(context.clock === undefined ? {} : { clock: context.clock }),
        },
        context.sha256Hex,
      ),
    ),
  );
}

// ---- one-offs -----------------------------------------------------------

export function createOneOff(
  doc: A.Doc<OneOffsDoc>,
  input: { id: string; title: string; date: LocalDate; now: number; clock?: ClockSource },
): Command<OneOffsDoc> {
  const title = input.title.trim();
  if (title === '') return fail('empty-title', 'the title is blank');
  if (!isLocalDate(input.date)) return fail('bad-date', `not a calendar day: ${input.date}`);
  const ready = ensureOneOffMonths(doc, [monthOf(input.date)]);
  return ok(change(ready, (d) => addOneOff(d, { ...input, title })));
}

/** Done or not; a one-off deleted meanwhile is left alone. */
export function markOneOff(
  doc: A.Doc<OneOffsDoc>,
  id: string,
  done: boolean,
  context: { now: number; clock?: ClockSource },
): Command<OneOffsDoc> {
  return ok(change(doc, (d) => updateOneOff(d, id, { done }, context.now, context.clock)));
}

export function removeOneOff(doc: A.Doc<OneOffsDoc>, id: string): Command<OneOffsDoc> {
  return ok(change(doc, (d) => deleteOneOff(d, id)));
}
