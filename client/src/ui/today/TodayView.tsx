import { useEffect } from 'react';
import { useModel } from '../model-context';
import { TODAY_RENDERED_MARK, markOnce } from '../../app/marks';
import { longDate } from '../common/format';
import { CheckInRow } from './CheckInRow';
import { OneOffs } from './OneOffs';

export function TodayView() {
  const model = useModel();
  const today = model.today();
  const due = model.dueOn(today);
  const colors = new Map(model.categories().map((c) => [c.id, c.color]));
  const done = due.filter((d) => d.status !== 'pending').length;
  // Benchmark hook: page load → Today rendered (bench/cold-start.ts).
  useEffect(() => markOnce(TODAY_RENDERED_MARK), []);
  return (
    <div className="stack">
      <div className="view-head">
        <h1>Today</h1>
        <p className="muted">{longDate(today)}</p>
      </div>
      <section className="card" aria-labelledby="due-title">
        <div className="section-head">
          <h2 id="due-title">Check-ins</h2>
          {due.length > 0 && (
            <p className="muted small">
              {done} of {due.length} handled
            </p>
          )}
        </div>
        {due.length === 0 ? (
          <p className="empty">
            Nothing due today. <a href="#/habits">Add a habit</a> to start a streak.
          </p>
        ) : (
          <ul className="checkins">
            {due.map((item) => (
              <CheckInRow
                key={item.id}
                item={item}
                color={
                  item.habit.categoryId === null ? undefined : colors.get(item.habit.categoryId)
                }
              />
            ))}
          </ul>
        )}
      </section>
      <OneOffs date={today} />
    </div>
  );
}
