import { useEffect, useRef, useState } from 'react';
import { useModel } from '../model-context';
import type { HabitDraft, HabitView } from '../../app/types';
import { useAnnouncer } from '../common/Announcer';
import { CategoryManager } from './CategoryManager';
import { HabitForm, emptyDraft } from './HabitForm';
import { HabitRow } from './HabitRow';

const toDraft = (h: HabitView): HabitDraft => ({
  name: h.name,
  categoryId: h.categoryId,
  kind: h.kind,
  target: h.target,
  cron: h.cron,
  notes: h.notes,
});

export function HabitsView() {
  const model = useModel();
  const { report } = useAnnouncer();
  const [editing, setEditing] = useState<string | 'new' | null>(null);
  const [showArchived, setShowArchived] = useState(false);
  const categories = model.categories();
  const colors = new Map(categories.map((c) => [c.id, c.color]));
  const habits = model.habits();
  const active = habits.filter((h) => !h.archived);
  const archived = habits.filter((h) => h.archived);
  const editingHabit = habits.find((h) => h.id === editing);
  // Closed (saved or cancelled), the form hands the focus back to the button that opened
  // it, so the keyboard stays where the user was instead of falling to the page.
  const [refocus, setRefocus] = useState<string | 'new' | null>(null);
  const newButton = useRef<HTMLButtonElement>(null);
  const close = (which: string | 'new') => {
    setEditing(null);
    setRefocus(which);
  };
  useEffect(() => {
    if (refocus === 'new') newButton.current?.focus();
  }, [refocus]);

  const row = (h: HabitView) =>
    editing === h.id && editingHabit !== undefined ? (
      <li key={h.id}>
        <HabitForm
          title={`Edit ${h.name}`}
          initial={toDraft(editingHabit)}
          editing
          onCancel={() => close(h.id)}
          onSave={async (draft) => {
            const ok = report(await model.updateHabit(h.id, draft), `Saved ${draft.name}`);
            if (ok) close(h.id);
            return ok;
          }}
        />
      </li>
    ) : (
      <HabitRow
        key={h.id}
        habit={h}
        color={h.categoryId === null ? undefined : colors.get(h.categoryId)}
        focusEdit={refocus === h.id}
        onEdit={() => {
          setRefocus(null);
          setEditing(h.id);
        }}
      />
    );

  return (
    <div className="stack">
      <div className="view-head">
        <h1>Habits</h1>
        {editing !== 'new' && (
          <button
            type="button"
            className="primary"
            ref={newButton}
            onClick={() => {
              setRefocus(null);
              setEditing('new');
            }}
          >
            New habit
          </button>
        )}
      </div>
      {editing === 'new' && (
        <HabitForm
          title="New habit"
          initial={{ ...emptyDraft, categoryId: categories[0]?.id ?? null }}
          onCancel={() => close('new')}
          onSave={async (draft) => {
            const ok = report(await model.createHabit(draft), `Created ${draft.name}`);
            if (ok) close('new');
            return ok;
          }}
        />
      )}
      <section className="card" aria-labelledby="habits-title">
        <h2 id="habits-title">Active</h2>
        {active.length === 0 ? (
          <p className="empty">No habits yet.</p>
        ) : (
          <ul className="habits">{active.map(row)}</ul>
        )}
      </section>
      {archived.length > 0 && (
        <section className="card" aria-labelledby="archived-title">
          <div className="section-head">
            <h2 id="archived-title">Archived ({archived.length})</h2>
            <button
              type="button"
              className="small"
              aria-expanded={showArchived}
              onClick={() => setShowArchived(!showArchived)}
            >
              {showArchived ? 'Hide' : 'Show'}
            </button>
          </div>
          {showArchived && <ul className="habits">{archived.map(row)}</ul>}
        </section>
      )}
      <CategoryManager />
    </div>
  );
}
