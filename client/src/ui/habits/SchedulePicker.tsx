import { useId } from 'react';
import { useModel } from '../../app/context';
import type { SchedulePick } from '../../app/types';

const weekdays = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
// Cron numbers days Sunday = 0; the picker lists Monday first.
const cronDay = (i: number): number => (i + 1) % 7;

const kinds: { kind: SchedulePick['kind']; label: string }[] = [
  { kind: 'daily', label: 'Every day' },
  { kind: 'weekdays', label: 'Weekdays' },
  { kind: 'days', label: 'Specific days' },
  { kind: 'monthly', label: 'Day of the month' },
  { kind: 'custom', label: 'Custom (cron)' },
];

function switchTo(kind: SchedulePick['kind'], from: SchedulePick, cron: string): SchedulePick {
  switch (kind) {
    case 'daily':
    case 'weekdays':
      return { kind };
    case 'days':
      return { kind, days: from.kind === 'days' ? from.days : [1, 3, 5] };
    case 'monthly':
      return { kind, day: from.kind === 'monthly' ? from.day : 1 };
    case 'custom':
      return { kind, cron };
  }
}

/** Writes a schedule as cron through the domain's picker model; shows it in words. */
export function SchedulePicker(props: {
  value: SchedulePick;
  onChange: (p: SchedulePick) => void;
}) {
  const id = useId();
  const model = useModel();
  const pick = props.value;
  const check = model.readPick(pick);
  const cron = check.ok ? check.cron : pick.kind === 'custom' ? pick.cron : '';
  return (
    <fieldset className="field schedule">
      <legend>Schedule</legend>
      <div className="segmented" role="radiogroup" aria-label="Repeat">
        {kinds.map((k) => (
          <label key={k.kind} className={pick.kind === k.kind ? 'on' : undefined}>
            <input
              type="radio"
              name={`${id}-kind`}
              value={k.kind}
              checked={pick.kind === k.kind}
              onChange={() => props.onChange(switchTo(k.kind, pick, cron))}
            />
            {k.label}
          </label>
        ))}
      </div>
      {pick.kind === 'days' && (
        <div className="weekday-picker" role="group" aria-label="Days of the week">
          {weekdays.map((name, i) => {
            const day = cronDay(i);
            const on = pick.days.includes(day);
            return (
              <label key={name} className={on ? 'on' : undefined}>
                <input
                  type="checkbox"
                  checked={on}
                  onChange={() =>
                    props.onChange({
                      kind: 'days',
                      days: on ? pick.days.filter((d) => d !== day) : [...pick.days, day],
                    })
                  }
                />
                {name}
              </label>
            );
          })}
        </div>
      )}
      {pick.kind === 'monthly' && (
        <div className="field">
          <label htmlFor={`${id}-dom`}>Day of the month</label>
          <input
            id={`${id}-dom`}
            type="number"
            min={1}
            max={31}
            value={pick.day}
            onChange={(e) =>
              props.onChange({
                kind: 'monthly',
                day: Math.min(31, Math.max(1, Number(e.target.value) || 1)),
              })
            }
          />
        </div>
      )}
      {pick.kind === 'custom' && (
        <div className="field">
          <label htmlFor={`${id}-cron`}>Cron expression (minute hour day month weekday)</label>
          <input
            id={`${id}-cron`}
            value={pick.cron}
            spellCheck={false}
            autoCapitalize="off"
            aria-invalid={!check.ok}
            aria-describedby={`${id}-sentence`}
            onChange={(e) => props.onChange({ kind: 'custom', cron: e.target.value })}
          />
        </div>
      )}
      <p
        id={`${id}-sentence`}
        className={check.ok ? 'schedule-sentence' : 'schedule-sentence error'}
        aria-live="polite"
      >
        {check.text}
      </p>
    </fieldset>
  );
}
