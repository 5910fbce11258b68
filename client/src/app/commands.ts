/**
 * The user's actions. Each one is a domain command (domain/commands.ts) run on
 * one document through `DocumentStore.transact`, which seals everything it
 * changed as ONE record and resolves once that record is durable; the store's
 * event then re-renders the UI. An action that touches two documents (deleting
 * a habit, an import) writes one record per document. A refusal or a storage
 * failure comes back in the user's words (messages.ts). No action touches the
 * network.
 */
import type * as A from '@automerge/automerge';
import { randomBytes, uuidV4 } from '@cairn/shared';
import {
  UNKNOWN_NODE,
  bringBackCategory,
  createCategory,
  createHabit,
  createOneOff,
  deviceLabel,
  editCategory,
  editHabit,
  getHabit,
  getObservation,
  labelDevice,
  markOneOff,
  recordCheckIn,
  removeCategory,
  removeCheckInsOf,
  removeHabit,
  removeOneOff,
  saveProfile,
  setArchived,
  type CheckInStatus,
  type ClockSource,
  type DomainErrorCode,
  type HabitKind,
  type HabitPatch,
  type ProfileDoc,
  type Result,
  type Scalar,
} from '../domain';
import { outcome, say } from './messages';
import { sha256Hex, type Queries } from './queries';
import type { AppStore } from './store';
import { previewImport, type Transact } from './transfer';
import type {
  CategoryView,
  CheckInUpdate,
  ConflictTarget,
  HabitDraft,
  ImportPreview,
  Outcome,
  ProfileView,
} from './types';
import { domainKind } from './views';

/** This device as its edits name it (clock.ts): a stable node and a label for notices. */
export interface DeviceTag {
  /** 16 lowercase hex digits, the same every time the app opens on this device. */
  node: string;
  /** "Phone", "Chrome on Linux": shown on other devices as "changed on …". */
  label: string;
}

const newId = (): string => uuidV4(randomBytes(16));

const OK: Outcome = { ok: true };
/** A refusal the app decides before it asks the domain (the code says why). */
const refused = (code: DomainErrorCode): Promise<Outcome> =>
  Promise.resolve({ ok: false, message: say({ code, message: code }) });

export interface CommandsContext {
  store: AppStore;
  queries: Queries;
  device: DeviceTag;
  clock: ClockSource;
  now: () => number;
  /** After an import is applied. */
  imported: () => Promise<unknown>;
}

export class Commands {
  private readonly store: AppStore;
  private readonly queries: Queries;
  private readonly device: DeviceTag;
  private readonly clock: ClockSource;
  private readonly now: () => number;
  private labelled = false;

  constructor(private readonly context: CommandsContext) {
    this.store = context.store;
    this.queries = context.queries;
    this.device = context.device;
    this.clock = context.clock;
    this.now = context.now;
  }

  /**
   * One user action: `command` runs on the document through the store's
   * `transact`, which seals all it changed as one record and resolves once
   * that record is durable. A refusal or a storage failure comes back in the
   * user's words (messages.ts).
   */
  private readonly write: Transact = async (name, command) => {
    const label = this.labelToWrite();
    if (label !== undefined && name !== 'profile') {
      const labelled = await this.store.transact('profile', label);
      if (!labelled.ok) return outcome(labelled);
    }
    const r = await this.store.transact(name, (doc) => {
      const next = command(doc);
      // A profile edit carries the label in its own record (the label cannot be refused).
      if (!next.ok || label === undefined || name !== 'profile') return next;
      return label(next.value as A.Doc<ProfileDoc>) as typeof next;
    });
    return outcome(r);
  };

  /**
   * Once per session, with this device's first edit: its label under its
   * clock node in the profile, so other devices can say "changed on …".
   */
  private labelToWrite(): ((doc: A.Doc<ProfileDoc>) => Result<A.Doc<ProfileDoc>>) | undefined {
    if (this.labelled || this.device.node === UNKNOWN_NODE) return undefined;
    this.labelled = true;
    const { node, label } = this.device;
    if (deviceLabel(this.store.doc('profile'), node) === label) return undefined;
    return (doc) => labelDevice(doc, node, label);
  }

  setProfile(profile: ProfileView): Promise<Outcome> {
    return this.write('profile', (d) =>
      saveProfile(d, {
        name: profile.name,
        timezone: profile.timezone,
        now: this.now(),
        clock: this.clock,
      }),
    );
  }

  saveCategory(c: Omit<CategoryView, 'id'> & { id?: string }): Promise<Outcome> {
    const fields = { name: c.name, colour: c.color, order: c.order };
    const { id } = c;
    return id === undefined
      ? this.write('categories', (d) => createCategory(d, { id: newId(), ...fields }, this.clock))
      : this.write('categories', (d) => editCategory(d, id, fields, this.clock));
  }

  deleteCategory(id: string): Promise<Outcome> {
    return this.write('categories', (d) => removeCategory(d, id, this.clock));
  }

  restoreCategory(id: string): Promise<Outcome> {
    return this.write('categories', (d) => bringBackCategory(d, id, this.clock));
  }

  createHabit(draft: HabitDraft): Promise<Outcome> {
    if (draft.kind !== 'yesno' && draft.target === null) return refused('bad-target');
    return this.write('templates', (d) =>
      createHabit(d, {
        id: newId(),
        name: draft.name,
        categoryId: draft.categoryId,
        schedule: draft.cron,
        kind: domainKind(draft),
        notes: draft.notes,
        startDate: this.queries.today(),
        now: this.now(),
        clock: this.clock,
      }),
    );
  }

  /**
   * Writes what the form changed, compared with the habit as the form showed
   * it: a field left alone gets no new clock, so it cannot win over another
   * device's edit of it. A new schedule takes effect from today. (A schedule
   * left as it was is not checked: it may be of a kind only a newer version
   * reads.)
   */
  updateHabit(id: string, draft: HabitDraft): Promise<Outcome> {
    const shown = this.queries.habits().find((h) => h.id === id);
    if (shown === undefined) return refused('unknown-habit');
    if (draft.kind !== 'yesno' && draft.target === null) return refused('bad-target');
    const patch: HabitPatch = {};
    if (draft.name.trim() !== shown.name) patch.name = draft.name;
    if (draft.notes !== shown.notes) patch.notes = draft.notes;
    if (draft.categoryId !== shown.categoryId) patch.categoryId = draft.categoryId;
    if (draft.kind !== shown.kind || (draft.kind !== 'yesno' && draft.target !== shown.target)) {
      patch.kind = domainKind(draft);
    }
    if (draft.cron !== shown.cron) patch.schedule = draft.cron;
    const today = this.queries.today();
    return this.write('templates', (d) => editHabit(d, id, patch, { clock: this.clock, today }));
  }

  setArchived(id: string, archived: boolean): Promise<Outcome> {
    return this.write('templates', (d) => setArchived(d, id, archived, { clock: this.clock }));
  }

  /** Two documents, one record each: the habit, then its check-ins. */
  async deleteHabit(id: string): Promise<Outcome> {
    const r = await this.write('templates', (d) => removeHabit(d, id));
    if (!r.ok) return r;
    return this.write('observations', (d) => removeCheckInsOf(d, id));
  }

  checkIn(habitId: string, date: string, update: CheckInUpdate): Promise<Outcome> {
    return this.write('observations', (d) =>
      recordCheckIn(d, getHabit(this.store.doc('templates'), habitId), date, update, {
        now: this.now(),
        clock: this.clock,
        sha256Hex,
      }),
    );
  }

  restoreMine(target: ConflictTarget): Promise<Outcome> {
    return this.settle(target, 'mine');
  }

  keepTheirs(target: ConflictTarget): Promise<Outcome> {
    return this.settle(target, 'theirs');
  }

  /** Writes one side of a conflict again, with a new clock: the notice goes, on every device. */
  private async settle(target: ConflictTarget, side: 'mine' | 'theirs'): Promise<Outcome> {
    const conflict =
      target.kind === 'checkIn'
        ? this.queries.checkInConflict(target.habitId, target.date)
        : this.queries.habitConflict(target.habitId);
    if (conflict === undefined) return OK;
    const values = conflict[side];
    const text = (f: string): string | undefined => {
      const v = values[f];
      return typeof v === 'string' ? v : undefined;
    };
    if (target.kind === 'checkIn') {
      const { habitId, date } = target;
      const current = getObservation(this.store.doc('observations'), habitId, date, sha256Hex);
      const status = text('status');
      const value = values['value'];
      const update: CheckInUpdate = {
        status: isStatus(status) ? status : (current?.status ?? 'pending'),
        ...('value' in values ? { value: typeof value === 'number' ? value : null } : {}),
        ...('note' in values ? { note: text('note') ?? '' } : {}),
      };
      return this.checkIn(habitId, date, update);
    }
    const habit = getHabit(this.store.doc('templates'), target.habitId);
    if (habit === undefined) return refused('unknown-habit');
    const patch: HabitPatch = {};
    const name = text('name');
    if (name !== undefined) patch.name = name;
    const notes = text('notes');
    if (notes !== undefined) patch.notes = notes;
    if ('categoryId' in values) patch.categoryId = text('categoryId') ?? null;
    if (typeof values['archived'] === 'boolean') patch.archived = values['archived'];
    if ('kind' in values || 'target' in values) {
      patch.kind = kindFrom(values['kind'] ?? habit.kind.type, values['target'], habit.kind);
    }
    return this.write('templates', (d) =>
      editHabit(d, target.habitId, patch, { clock: this.clock }),
    );
  }

  addOneOff(title: string, date: string): Promise<Outcome> {
    return this.write('oneOffs', (d) =>
      createOneOff(d, { id: newId(), title, date, now: this.now(), clock: this.clock }),
    );
  }

  setOneOffDone(id: string, done: boolean): Promise<Outcome> {
    return this.write('oneOffs', (d) =>
      markOneOff(d, id, done, { now: this.now(), clock: this.clock }),
    );
  }

  deleteOneOff(id: string): Promise<Outcome> {
    return this.write('oneOffs', (d) => removeOneOff(d, id));
  }

  previewImport(text: string): ImportPreview | { error: string } {
    const options = { clock: this.clock, today: this.queries.today() };
    return previewImport(this.store, text, sha256Hex, options, {
      write: this.write,
      done: async () => {
        await this.context.imported();
      },
    });
  }
}

function isStatus(s: string | undefined): s is CheckInStatus {
  return s === 'done' || s === 'skipped' || s === 'pending';
}

function kindFrom(
  kind: Scalar,
  target: Scalar | undefined,
  current: { type: string; target?: number },
): HabitKind {
  const t = typeof target === 'number' && target > 0 ? target : (current.target ?? 1);
  return kind === 'count' || kind === 'duration' ? { type: kind, target: t } : { type: 'yesno' };
}
