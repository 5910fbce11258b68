import { useEffect, useRef, useState } from 'react';
import { useModel } from '../model-context';
import type { HabitView } from '../../app/types';
import { useAnnouncer } from '../common/Announcer';
import { ConflictNote } from '../common/ConflictNote';

const kindText = (h: HabitView): string =>
  h.kind === 'yesno'
    ? 'Yes / no'
    : h.kind === 'count'
      ? `Count · ${h.target ?? '–'}`
      : `${h.target ?? '–'} min`;

export function HabitRow(props: {
  habit: HabitView;
  color: string | undefined;
  /** The edit form of this habit just closed: its Edit button takes the focus back. */
  focusEdit?: boolean;
  onEdit: () => void;
}) {
  const { habit } = props;
  const editButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (props.focusEdit === true) editButton.current?.focus();
  }, [props.focusEdit]);
  const model = useModel();
  const { report } = useAnnouncer();
  const [confirming, setConfirming] = useState(false);
  return (
    <li className={habit.archived ? 'habit archived' : 'habit'}>
      <div className="habit-head">
        <span
          className="swatch"
          style={{ background: props.color ?? 'var(--muted)' }}
          aria-hidden="true"
        />
        <div>
          <h3>{habit.name}</h3>
          <p className="muted small">
            {habit.scheduleText} · {kindText(habit)}
          </p>
        </div>
      </div>
      {habit.conflict !== undefined && (
        <ConflictNote
          conflict={habit.conflict}
          target={{ kind: 'habit', habitId: habit.id }}
          what={habit.name}
        />
      )}
      {confirming ? (
        <div className="confirm" role="group" aria-label={`Delete ${habit.name}?`}>
          <p>Delete “{habit.name}” and all its check-ins? This cannot be undone.</p>
          <div className="row">
            <button
              type="button"
              className="danger small"
              onClick={() =>
                void model.deleteHabit(habit.id).then((r) => report(r, `Deleted ${habit.name}`))
              }
            >
              Delete
            </button>
            <button type="button" className="small" autoFocus onClick={() => setConfirming(false)}>
              Keep it
            </button>
          </div>
        </div>
      ) : (
        <div className="row habit-actions">
          <button
            type="button"
            className="small"
            ref={editButton}
            onClick={props.onEdit}
            aria-label={`Edit ${habit.name}`}
          >
            Edit
          </button>
          <button
            type="button"
            className="small"
            aria-label={`${habit.archived ? 'Unarchive' : 'Archive'} ${habit.name}`}
            onClick={() =>
              void model
                .setArchived(habit.id, !habit.archived)
                .then((r) =>
                  report(r, habit.archived ? `Restored ${habit.name}` : `Archived ${habit.name}`),
                )
            }
          >
            {habit.archived ? 'Unarchive' : 'Archive'}
          </button>
          <button
            type="button"
            className="small subtle-danger"
            aria-label={`Delete ${habit.name}`}
            onClick={() => setConfirming(true)}
          >
            Delete
          </button>
        </div>
      )}
    </li>
  );
}
