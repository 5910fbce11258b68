import { useState, type FormEvent } from 'react';
import { useModel } from '../model-context';
import { useAnnouncer } from '../common/Announcer';

const PHRASE = 'delete everything';

/** Wipes local data only after the user types the phrase: no accidental taps. */
export function WipeData() {
  const model = useModel();
  const { report } = useAnnouncer();
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState('');

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (typed.trim().toLowerCase() !== PHRASE) return;
    const result = await model.wipe();
    if (!report(result)) return;
    model.shell?.restart();
  }

  return (
    <section className="card stack danger-zone" aria-labelledby="wipe-title">
      <h2 id="wipe-title">Wipe this device</h2>
      <p className="muted">
        Deletes every habit, check-in and key stored in this browser. Export first if you want a
        copy. Other devices keep their data.
      </p>
      {open ? (
        <form className="stack" onSubmit={(e) => void submit(e)}>
          <div className="field">
            <label htmlFor="wipe-confirm">
              Type <strong>{PHRASE}</strong> to confirm
            </label>
            <input
              id="wipe-confirm"
              value={typed}
              autoComplete="off"
              autoFocus
              onChange={(e) => setTyped(e.target.value)}
            />
          </div>
          <div className="row">
            <button
              type="submit"
              className="danger"
              disabled={typed.trim().toLowerCase() !== PHRASE}
            >
              Wipe local data
            </button>
            <button type="button" onClick={() => setOpen(false)}>
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <div>
          <button type="button" className="subtle-danger" onClick={() => setOpen(true)}>
            Wipe local data…
          </button>
        </div>
      )}
    </section>
  );
}
