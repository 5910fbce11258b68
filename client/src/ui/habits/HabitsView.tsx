import { useState } from 'react';
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

  const row = (h: HabitView) =>
    editing === h.id && editingHabit !== undefined ? (
      <li key={h.id}>
        <HabitForm
          title={`Edit ${h.name}`}
          initial={toDraft(editingHabit)}
          editing
          onCancel={() => setEditing(null)}
          onSave={async (draft) => {
            const ok = report(await model.updateHabit(h.id, draft), `Saved ${draft.name}`);
            if (ok) setEditing(null);
            return ok;
          }}
        />
      </li>
    ) : (
      <HabitRow
        key={h.id}
        habit={h}
        color={h.categoryId === null ? undefined : colors.get(h.categoryId)}
        onEdit={() => setEditing(h.id)}
      />
    );

  return (
    <div className="stack">
      <div className="view-head">
        <h1>Habits</h1>
        {editing !== 'new' && (
          <button type="button" className="primary" onClick={() => setEditing('new')}>
            New habit
          </button>
        )}
      </div>
      {editing === 'new' && (
        <HabitForm
          title="New habit"
          initial={{ ...emptyDraft, categoryId: categories[0]?.id ?? null }}
          onCancel={() => setEditing(null)}
          onSave={async (draft) => {
            const ok = report(await model.createHabit(draft), `Created ${draft.name}`);
            if (ok) setEditing(null);
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
