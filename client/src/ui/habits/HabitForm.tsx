import { useId, useState, type FormEvent } from 'react';
import { useModel } from '../model-context';
import type { HabitDraft, HabitKind, SchedulePick } from '../../app/types';
import { SchedulePicker } from './SchedulePicker';

const kindLabels: { kind: HabitKind; label: string }[] = [
  { kind: 'yesno', label: 'Yes / no' },
  { kind: 'count', label: 'Count' },
  { kind: 'duration', label: 'Duration' },
];

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

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!schedule.ok && !keepUnknown) return;
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
      aria-label={props.title}
    >
      <h2>{props.title}</h2>
      <div className="field">
        <label htmlFor={`${id}-name`}>Name</label>
        <input
          id={`${id}-name`}
          value={draft.name}
          required
          maxLength={120}
          onChange={(e) => set({ name: e.target.value })}
        />
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
          maxLength={2000}
          value={draft.notes}
          onChange={(e) => set({ notes: e.target.value })}
        />
      </div>
      <div className="row">
        <button
          type="submit"
          className="primary"
          disabled={draft.name.trim() === '' || !(schedule.ok || keepUnknown)}
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
