import { useId, useState, type FormEvent } from 'react';
import { useLimit } from '../common/LimitNote';

/** The longest note a check-in takes. */
export const NOTE_LIMIT = 2000;

export function NoteEditor(props: {
  label: string;
  note: string;
  onSave: (note: string) => void;
  onClose: () => void;
}) {
  const id = useId();
  const [text, setText] = useState(props.note);
  const limit = useLimit(text, NOTE_LIMIT);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!limit.ok) return;
    props.onSave(text.trim());
  };
  return (
    <form className="note-editor" onSubmit={submit}>
      <label htmlFor={id}>{props.label}</label>
      <textarea
        id={id}
        rows={2}
        value={text}
        {...limit.field}
        onChange={(e) => setText(e.target.value)}
      />
      {limit.note}
      <div className="row">
        <button type="submit" className="primary small" disabled={!limit.ok}>
          Save note
        </button>
        <button type="button" className="small" onClick={props.onClose}>
          Cancel
        </button>
      </div>
    </form>
  );
}
