import { useId, useState } from 'react';
import type { HabitView } from '../../app/types';

/** A count or a number of minutes, with − and + buttons; commits on blur or Enter. */
export function ValueInput(props: {
  habit: HabitView;
  value: number | null;
  onCommit: (value: number) => void;
}) {
  const id = useId();
  const [draft, setDraft] = useState<string | null>(null);
  const current = props.value ?? 0;
  const unit = props.habit.kind === 'duration' ? 'min' : '';
  const step = props.habit.kind === 'duration' ? 5 : 1;
  const commit = (n: number) => {
    setDraft(null);
    if (Number.isFinite(n) && n >= 0 && n !== current) props.onCommit(Math.round(n));
  };
  return (
    <div className="value-input">
      <button
        type="button"
        className="icon"
        aria-label={`Less ${props.habit.name}`}
        disabled={current <= 0}
        onClick={() => commit(Math.max(0, current - step))}
      >
        −
      </button>
      <label htmlFor={id} className="visually-hidden">
        {props.habit.kind === 'duration' ? 'Minutes' : 'Count'} for {props.habit.name}
      </label>
      <input
        id={id}
        type="number"
        inputMode="numeric"
        min={0}
        value={draft ?? String(current)}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={() => draft !== null && commit(Number(draft))}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && draft !== null) commit(Number(draft));
        }}
      />
      <span className="value-target" aria-hidden="true">
        / {props.habit.target ?? '–'} {unit}
      </span>
      <button
        type="button"
        className="icon"
        aria-label={`More ${props.habit.name}`}
        onClick={() => commit(current + step)}
      >
        +
      </button>
    </div>
  );
}
