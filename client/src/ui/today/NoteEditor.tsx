import { useId, useState, type FormEvent } from 'react';

export function NoteEditor(props: {
  label: string;
  note: string;
  onSave: (note: string) => void;
  onClose: () => void;
}) {
  const id = useId();
  const [text, setText] = useState(props.note);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    props.onSave(text.trim());
  };
  return (
    <form className="note-editor" onSubmit={submit}>
      <label htmlFor={id}>{props.label}</label>
      <textarea
        id={id}
        rows={2}
        value={text}
        maxLength={2000}
        onChange={(e) => setText(e.target.value)}
      />
      <div className="row">
        <button type="submit" className="primary small">
          Save note
        </button>
        <button type="button" className="small" onClick={props.onClose}>
          Cancel
        </button>
      </div>
    </form>
  );
}
