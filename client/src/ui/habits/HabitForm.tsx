import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useModel } from '../model-context';
import type { HabitDraft, HabitKind, SchedulePick } from '../../app/types';
import { useLimit } from '../common/LimitNote';
import { SchedulePicker } from './SchedulePicker';

const kindLabels: { kind: HabitKind; label: string }[] = [
  { kind: 'yesno', label: 'Yes / no' },
  { kind: 'count', label: 'Count' },
  { kind: 'duration', label: 'Duration' },
];

/** The longest name and notes a habit takes (longer text stays in the field, with an error). */
export const NAME_LIMIT = 120;
export const NOTES_LIMIT = 2000;

export const emptyDraft: HabitDraft = {
  name: '',
  categoryId: null,
  kind: 'yesno',
  target: null,
  cron: '0 0 * * *',
  notes: '',
};

export function HabitForm(props: {
  title: string;
  initial: HabitDraft;
  /** Editing an existing habit: a new schedule applies from today. */
  editing?: boolean;
  onSave: (draft: HabitDraft) => Promise<boolean>;
  onCancel: () => void;
}) {
  const id = useId();
  const model = useModel();
  const categories = model.categories();
  const [draft, setDraft] = useState(props.initial);
  const [initialPick] = useState<SchedulePick>(() => model.cronToPick(props.initial.cron));
  const [pick, setPick] = useState<SchedulePick>(initialPick);
  const schedule = model.readPick(pick);
  const set = (patch: Partial<HabitDraft>) => setDraft((d) => ({ ...d, ...patch }));
  // A schedule of a kind only a newer version reads: kept unless another is picked.
  const keepUnknown = props.initial.cron === '' && pick === initialPick;
  const nameLimit = useLimit(draft.name, NAME_LIMIT);
  const notesLimit = useLimit(draft.notes, NOTES_LIMIT);
  const fits = nameLimit.ok && notesLimit.ok;
  const nameField = useRef<HTMLInputElement>(null);
  // Opened, the form takes the focus: what is typed next goes into the name.
  useEffect(() => nameField.current?.focus(), []);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if ((!schedule.ok && !keepUnknown) || !fits) return;
    // Untouched, the schedule stays exactly as stored (a cron typed elsewhere as
    // "30 7 * * 1-5" reads as Weekdays, and must not become a new rule on save).
    const untouched = schedule.cron === model.readPick(initialPick).cron;
    await props.onSave({
      ...draft,
      name: draft.name.trim(),
      notes: draft.notes.trim(),
      cron: keepUnknown || untouched ? props.initial.cron : schedule.cron,
    });
  }

  return (
    <form
      className="card stack habit-form"
      onSubmit={(e) => void submit(e)}
      onKeyDown={(e) => {
        if (e.key === 'Escape') props.onCancel();
      }}
      aria-label={props.title}
    >
      <h2>{props.title}</h2>
      <div className="field">
        <label htmlFor={`${id}-name`}>Name</label>
        <input
          id={`${id}-name`}
          ref={nameField}
          value={draft.name}
          required
          {...nameLimit.field}
          onChange={(e) => set({ name: e.target.value })}
        />
        {nameLimit.note}
      </div>
      <div className="field">
        <label htmlFor={`${id}-cat`}>Category</label>
        <select
          id={`${id}-cat`}
          value={draft.categoryId ?? ''}
          onChange={(e) => set({ categoryId: e.target.value === '' ? null : e.target.value })}
        >
          <option value="">No category</option>
          {categories.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
      </div>
      <fieldset className="field">
        <legend>Kind</legend>
        <div className="segmented">
          {kindLabels.map((k) => (
            <label key={k.kind} className={draft.kind === k.kind ? 'on' : undefined}>
              <input
                type="radio"
                name={`${id}-kind`}
                checked={draft.kind === k.kind}
                onChange={() =>
                  set({
                    kind: k.kind,
                    target:
                      k.kind === 'yesno' ? null : (draft.target ?? (k.kind === 'count' ? 1 : 10)),
                  })
                }
              />
              {k.label}
            </label>
          ))}
        </div>
      </fieldset>
      {draft.kind !== 'yesno' && (
        <div className="field">
          <label htmlFor={`${id}-target`}>
            {draft.kind === 'count' ? 'Target count' : 'Target minutes'}
          </label>
          <input
            id={`${id}-target`}
            type="number"
            min={1}
            required
            value={draft.target ?? ''}
            onChange={(e) => set({ target: e.target.value === '' ? null : Number(e.target.value) })}
          />
        </div>
      )}
      <SchedulePicker
        value={pick}
        onChange={setPick}
        {...(props.editing === true
          ? {
              note: keepUnknown
                ? 'This schedule was set by a newer version of Cairn and stays as it is unless you pick another.'
                : 'A new schedule applies from today; earlier days keep the one they had.',
            }
          : {})}
      />
      <div className="field">
        <label htmlFor={`${id}-notes`}>Notes</label>
        <textarea
          id={`${id}-notes`}
          rows={2}
          value={draft.notes}
          {...notesLimit.field}
          onChange={(e) => set({ notes: e.target.value })}
        />
        {notesLimit.note}
      </div>
      <div className="row">
        <button
          type="submit"
          className="primary"
          disabled={draft.name.trim() === '' || !(schedule.ok || keepUnknown) || !fits}
        >
          Save habit
        </button>
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
