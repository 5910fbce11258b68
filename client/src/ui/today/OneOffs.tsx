import { useState, type FormEvent } from 'react';
import { useModel } from '../model-context';
import { useAnnouncer } from '../common/Announcer';
import { useLimit } from '../common/LimitNote';

/** The longest one-off title. */
export const TITLE_LIMIT = 200;

/** Single dated tasks for the day: add one, tick it off, remove it. */
export function OneOffs(props: { date: string }) {
  const model = useModel();
  const { report } = useAnnouncer();
  const [title, setTitle] = useState('');
  const items = model.oneOffsOn(props.date);
  const limit = useLimit(title, TITLE_LIMIT);

  async function add(e: FormEvent) {
    e.preventDefault();
    const text = title.trim();
    if (text === '' || !limit.ok) return;
    if (report(await model.addOneOff(text, props.date))) setTitle('');
  }

  return (
    <section className="card" aria-labelledby="oneoffs-title">
      <h2 id="oneoffs-title">One-offs</h2>
      {items.length > 0 && (
        <ul className="oneoffs">
          {items.map((o) => (
            <li key={o.id} className={o.done ? 'done' : undefined}>
              <label>
                <input
                  type="checkbox"
                  checked={o.done}
                  onChange={(e) => {
                    const checked = e.target.checked;
                    void model.setOneOffDone(o.id, checked).then((r) => report(r));
                  }}
                />
                <span>{o.title}</span>
              </label>
              <button
                type="button"
                className="link small"
                aria-label={`Remove ${o.title}`}
                onClick={() => void model.deleteOneOff(o.id).then((r) => report(r))}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <form className="inline-form" onSubmit={(e) => void add(e)}>
        <label htmlFor="oneoff-title" className="visually-hidden">
          New one-off for today
        </label>
        <input
          id="oneoff-title"
          value={title}
          placeholder="Add a task for today"
          {...limit.field}
          onChange={(e) => setTitle(e.target.value)}
        />
        <button type="submit" disabled={title.trim() === '' || !limit.ok}>
          Add
        </button>
      </form>
      {limit.note}
    </section>
  );
}
