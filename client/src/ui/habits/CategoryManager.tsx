import { useId, useState, type FormEvent } from 'react';
import { useModel } from '../model-context';
import type { CategoryView } from '../../app/types';
import { useAnnouncer } from '../common/Announcer';
import { plural } from '../common/format';
import { useLimit } from '../common/LimitNote';

/** The longest category name. */
export const CATEGORY_NAME_LIMIT = 60;

const palette = ['#2f7d6d', '#3f6fb5', '#b5643f', '#8a5cb5', '#c4a13a', '#b5405f', '#5f7f3f'];

function CategoryForm(props: {
  initial: Omit<CategoryView, 'id'> & { id?: string };
  onDone: () => void;
}) {
  const id = useId();
  const model = useModel();
  const { report } = useAnnouncer();
  const [name, setName] = useState(props.initial.name);
  const [color, setColor] = useState(props.initial.color);
  const [order, setOrder] = useState(props.initial.order);
  const limit = useLimit(name, CATEGORY_NAME_LIMIT);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!limit.ok) return;
    const saved = { ...props.initial, name: name.trim(), color, order };
    if (report(await model.saveCategory(saved), `Saved category ${saved.name}`)) props.onDone();
  }

  return (
    <form className="category-form" onSubmit={(e) => void submit(e)}>
      <div className="field grow">
        <label htmlFor={`${id}-name`}>Category name</label>
        <input
          id={`${id}-name`}
          value={name}
          required
          {...limit.field}
          onChange={(e) => setName(e.target.value)}
        />
        {limit.note}
      </div>
      <div className="field">
        <label htmlFor={`${id}-color`}>Colour</label>
        <input
          id={`${id}-color`}
          type="color"
          value={color}
          onChange={(e) => setColor(e.target.value)}
        />
      </div>
      <div className="field narrow">
        <label htmlFor={`${id}-order`}>Order</label>
        <input
          id={`${id}-order`}
          type="number"
          value={order}
          onChange={(e) => setOrder(Number(e.target.value) || 0)}
        />
      </div>
      <div className="row">
        <button type="submit" className="primary small" disabled={name.trim() === '' || !limit.ok}>
          Save category
        </button>
        <button type="button" className="small" onClick={props.onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function DeleteCategory(props: { category: CategoryView; onDone: () => void }) {
  const model = useModel();
  const { report } = useAnnouncer();
  const { category } = props;
  const count = model.habits().filter((h) => h.categoryId === category.id).length;
  async function remove() {
    const r = await model.deleteCategory(category.id);
    props.onDone();
    report(r, `Deleted category ${category.name}`, {
      label: 'Undo',
      run: () =>
        void model
          .restoreCategory(category.id)
          .then((again) => report(again, `Restored category ${category.name}`)),
    });
  }
  return (
    <div className="confirm" role="group" aria-label={`Delete category ${category.name}?`}>
      <p>
        Delete “{category.name}”?{' '}
        {count === 0
          ? 'No habit is in it.'
          : `${plural(count, 'habit')} in it will show no category and no colour. Undo brings them back.`}
      </p>
      <div className="row">
        <button type="button" className="danger small" onClick={() => void remove()}>
          Delete
        </button>
        <button type="button" className="small" autoFocus onClick={props.onDone}>
          Keep it
        </button>
      </div>
    </div>
  );
}

export function CategoryManager() {
  const model = useModel();
  const categories = model.categories();
  const [editing, setEditing] = useState<string | 'new' | null>(null);
  const [deleting, setDeleting] = useState<string | null>(null);
  const next = {
    name: '',
    color: palette[categories.length % palette.length] ?? '#2f7d6d',
    order: categories.reduce((m, c) => Math.max(m, c.order), 0) + 1,
  };
  return (
    <section className="card" aria-labelledby="categories-title">
      <div className="section-head">
        <h2 id="categories-title">Categories</h2>
        {editing !== 'new' && (
          <button type="button" className="small" onClick={() => setEditing('new')}>
            New category
          </button>
        )}
      </div>
      {editing === 'new' && <CategoryForm initial={next} onDone={() => setEditing(null)} />}
      {categories.length === 0 && editing !== 'new' && (
        <p className="empty">No categories yet. They group habits and give them a colour.</p>
      )}
      <ul className="categories">
        {categories.map((c) =>
          editing === c.id ? (
            <li key={c.id}>
              <CategoryForm initial={c} onDone={() => setEditing(null)} />
            </li>
          ) : (
            <li key={c.id} className="category-item">
              <div className="category">
                <span className="swatch" style={{ background: c.color }} aria-hidden="true" />
                <span className="grow">{c.name}</span>
                <button
                  type="button"
                  className="link small"
                  aria-label={`Edit category ${c.name}`}
                  onClick={() => setEditing(c.id)}
                >
                  Edit
                </button>
                <button
                  type="button"
                  className="link small"
                  aria-label={`Delete category ${c.name}`}
                  aria-expanded={deleting === c.id}
                  onClick={() => setDeleting(c.id)}
                >
                  Delete
                </button>
              </div>
              {deleting === c.id && (
                <DeleteCategory category={c} onDone={() => setDeleting(null)} />
              )}
            </li>
          ),
        )}
      </ul>
    </section>
  );
}
