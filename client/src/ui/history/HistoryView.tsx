import { useState } from 'react';
import { useModel } from '../model-context';
import { percent, plural } from '../common/format';
import { Heatmap, HeatmapLegend } from './Heatmap';
import { RateChart } from './RateChart';
import { StreakChart } from './StreakChart';

export function HistoryView() {
  const model = useModel();
  const habits = model.habits().filter((h) => !h.archived);
  const [chosen, setChosen] = useState<string | null>(null);
  const [chosenPeriod, setPeriod] = useState<'week' | 'month' | null>(null);
  const habit = habits.find((h) => h.id === chosen) ?? habits[0];
  if (habit === undefined) {
    return (
      <div className="stack">
        <div className="view-head">
          <h1>History</h1>
        </div>
        <p className="card empty">
          No habits yet. <a href="#/habits">Create one</a> and its history appears here.
        </p>
      </div>
    );
  }
  const stats = model.stats(habit.id);
  // Months suit a monthly habit; the user's choice wins once made.
  const period = chosenPeriod ?? stats.period;
  const unit = stats.unit;
  const rates = period === 'week' ? stats.weekly : stats.monthly;
  const total = rates.reduce((a, p) => ({ done: a.done + p.done, due: a.due + p.due }), {
    done: 0,
    due: 0,
  });
  return (
    <div className="stack">
      <div className="view-head">
        <h1>History</h1>
      </div>
      <div className="field">
        <label htmlFor="history-habit">Habit</label>
        <select id="history-habit" value={habit.id} onChange={(e) => setChosen(e.target.value)}>
          {habits.map((h) => (
            <option key={h.id} value={h.id}>
              {h.name}
            </option>
          ))}
        </select>
      </div>
      <section className="card" aria-labelledby="streak-title">
        <h2 id="streak-title">Streaks</h2>
        <div className="stats-row">
          <p className="stat">
            <strong>{stats.currentStreak}</strong>
            <span>{stats.currentStreak === 1 ? unit.one : unit.many} now</span>
          </p>
          <p className="stat">
            <strong>{stats.bestStreak}</strong>
            <span>{stats.bestStreak === 1 ? unit.one : unit.many} at best</span>
          </p>
          <p className="stat">
            <strong>{percent(total.done, total.due)}</strong>
            <span>
              {total.done} of {plural(total.due, unit.one, unit.many)} done,{' '}
              {period === 'week' ? 'last 12 weeks' : 'last 12 months'}
            </span>
          </p>
        </div>
        <StreakChart points={stats.streaks} best={stats.bestStreak} unit={unit} />
        <p className="visually-hidden">
          Current streak {plural(stats.currentStreak, unit.one, unit.many)}, best{' '}
          {plural(stats.bestStreak, unit.one, unit.many)}.
        </p>
      </section>
      <section className="card" aria-labelledby="heatmap-title">
        <h2 id="heatmap-title">Calendar</h2>
        <div className="scroll-x">
          <Heatmap cells={stats.heatmap} label={`Calendar of ${habit.name}`} unit={unit} />
        </div>
        <HeatmapLegend />
      </section>
      <section className="card" aria-labelledby="rate-title">
        <div className="section-head">
          <h2 id="rate-title">Completion rate</h2>
          <div className="segmented compact" role="radiogroup" aria-label="Period">
            {(['week', 'month'] as const).map((p) => (
              <label key={p} className={period === p ? 'on' : undefined}>
                <input
                  type="radio"
                  name="rate-period"
                  checked={period === p}
                  onChange={() => setPeriod(p)}
                />
                {p === 'week' ? 'Weekly' : 'Monthly'}
              </label>
            ))}
          </div>
        </div>
        <RateChart points={rates} label={`${habit.name}: completion rate per ${period}`} />
      </section>
    </div>
  );
}
