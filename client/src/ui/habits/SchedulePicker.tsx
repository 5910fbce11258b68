import { useId } from 'react';
import { useModel } from '../model-context';
import type { SchedulePick } from '../../app/types';
import { shortDay } from '../common/format';

const weekdays = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
// Cron numbers days Sunday = 0; the picker lists Monday first.
const cronDay = (i: number): number => (i + 1) % 7;

/** An example kept on one line: “1,15 * *”. */
const example = (text: string): string => `“${text.replaceAll(' ', '\u00a0')}”`;

const kinds: { kind: SchedulePick['kind']; label: string }[] = [
  { kind: 'daily', label: 'Every day' },
  { kind: 'weekdays', label: 'Weekdays' },
  { kind: 'days', label: 'Specific days' },
  { kind: 'monthly', label: 'Day of the month' },
  { kind: 'custom', label: 'Custom' },
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
      // The day fields of what was picked, to edit from there.
      return { kind, days: cron === '' ? '* * *' : cron.split(' ').slice(2).join(' ') };
  }
}

/**
 * Writes a schedule as cron through the domain's picker model; shows it in words and
 * the next days it falls on. A custom schedule asks only for the day fields (day of the
 * month, month, day of the week): a habit is due on a day, not at a time.
 */
export function SchedulePicker(props: {
  value: SchedulePick;
  onChange: (p: SchedulePick) => void;
  /** Shown under the sentence (e.g. that an edit applies from today). */
  note?: string;
}) {
  const id = useId();
  const model = useModel();
  const pick = props.value;
  const check = model.readPick(pick);
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
              onChange={() => props.onChange(switchTo(k.kind, pick, check.cron))}
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
        <div className="month-day">
          <div className="field">
            <label htmlFor={`${id}-dom`}>Day (1 to 31)</label>
            <input
              id={`${id}-dom`}
              type="number"
              min={1}
              max={31}
              disabled={pick.day === 'last'}
              value={pick.day === 'last' ? '' : pick.day}
              onChange={(e) =>
                props.onChange({
                  kind: 'monthly',
                  day: Math.min(31, Math.max(1, Number(e.target.value) || 1)),
                })
              }
            />
          </div>
          <label className="check">
            <input
              type="checkbox"
              checked={pick.day === 'last'}
              onChange={(e) =>
                props.onChange({ kind: 'monthly', day: e.target.checked ? 'last' : 1 })
              }
            />
            The last day of the month
          </label>
        </div>
      )}
      {pick.kind === 'custom' && (
        <div className="field">
          <label htmlFor={`${id}-cron`}>Days (day of the month, month, day of the week)</label>
          <input
            id={`${id}-cron`}
            value={pick.days}
            spellCheck={false}
            autoCapitalize="off"
            autoComplete="off"
            placeholder="* * MON-FRI"
            aria-invalid={!check.ok}
            aria-describedby={`${id}-sentence ${id}-help`}
            onChange={(e) => props.onChange({ kind: 'custom', days: e.target.value })}
          />
          <p id={`${id}-help`} className="muted small">
            Cron’s day fields, “*” for any: {example('1,15 * *')} is the 1st and 15th,{' '}
            {example('* * MON-FRI')} weekdays, {example('L * *')} the last day of each month.
          </p>
        </div>
      )}
      <div
        id={`${id}-sentence`}
        className={check.ok ? 'schedule-sentence' : 'schedule-sentence error'}
        aria-live="polite"
      >
        <p>{check.text}</p>
        {check.ok && check.next.length > 0 && (
          <p className="schedule-next">Next: {check.next.map(shortDay).join(' · ')}</p>
        )}
      </div>
      {props.note !== undefined && <p className="muted small">{props.note}</p>}
    </fieldset>
  );
}
