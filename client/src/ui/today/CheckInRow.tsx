import { useState } from 'react';
import { useModel } from '../model-context';
import type { CheckInUpdate, CheckInView } from '../../app/types';
import { useAnnouncer } from '../common/Announcer';
import { ConflictNote } from '../common/ConflictNote';
import { NoteEditor } from './NoteEditor';
import { ValueInput } from './ValueInput';

function statusText(item: CheckInView): string {
  if (item.status === 'skipped') return 'Skipped';
  if (item.habit.kind === 'yesno') return item.status === 'done' ? 'Done' : 'To do';
  const unit = item.habit.kind === 'duration' ? ' min' : '';
  const of = item.habit.target === null ? '' : ` of ${item.habit.target}${unit}`;
  return `${item.value ?? 0}${of === '' ? unit : of}${item.status === 'done' ? ' · done' : ''}`;
}

export function CheckInRow(props: { item: CheckInView; color: string | undefined }) {
  const { item } = props;
  const model = useModel();
  const { report } = useAnnouncer();
  const [editingNote, setEditingNote] = useState(false);
  const update = async (change: CheckInUpdate, success?: string) => {
    report(await model.checkIn(item.habit.id, item.date, change), success);
  };
  const done = item.status === 'done';
  const skipped = item.status === 'skipped';
  return (
    <li className={`checkin status-${item.status}`} data-habit={item.habit.name}>
      <div className="checkin-head">
        <span
          className="swatch"
          style={{ background: props.color ?? 'var(--muted)' }}
          aria-hidden="true"
        />
        <div className="checkin-title">
          <h3>{item.habit.name}</h3>
          <p className="muted small">
            {statusText(item)}
            {item.note !== '' && <span className="note-preview"> · {item.note}</span>}
          </p>
        </div>
      </div>
      <div className="checkin-actions">
        {item.habit.kind === 'yesno' ? (
          <button
            type="button"
            className={done ? 'toggle on' : 'toggle'}
            aria-pressed={done}
            aria-label={`Done: ${item.habit.name}`}
            onClick={() => void update({ status: done ? 'pending' : 'done' })}
          >
            <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
              <path d="M5 12.5l4.5 4.5L19 7.5" />
            </svg>
            Done
          </button>
        ) : (
          <ValueInput
            habit={item.habit}
            value={item.value}
            onCommit={(value) => void update({ value })}
          />
        )}
        <button
          type="button"
          className={skipped ? 'toggle on subtle' : 'toggle subtle'}
          aria-pressed={skipped}
          aria-label={`Skip: ${item.habit.name}`}
          onClick={() => void update({ status: skipped ? 'pending' : 'skipped' })}
        >
          Skip
        </button>
        <button
          type="button"
          className="subtle"
          aria-expanded={editingNote}
          aria-label={`Note: ${item.habit.name}`}
          onClick={() => setEditingNote(!editingNote)}
        >
          Note
        </button>
      </div>
      {item.conflict !== undefined && (
        <ConflictNote
          conflict={item.conflict}
          target={{ kind: 'checkIn', habitId: item.habit.id, date: item.date }}
          what={item.habit.name}
        />
      )}
      {editingNote && (
        <NoteEditor
          label={`Note for ${item.habit.name}`}
          note={item.note}
          onClose={() => setEditingNote(false)}
          onSave={(note) => {
            setEditingNote(false);
            void update({ note }, 'Note saved');
          }}
        />
      )}
    </li>
  );
}
