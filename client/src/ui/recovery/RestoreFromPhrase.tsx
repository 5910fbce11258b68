import { useRef, useState, type FormEvent } from 'react';
import { useModel } from '../model-context';
import type { RecoveryControls, RestoreOutcome } from '../../app/features';
import { RECOVERY_WORDS } from '../../app/phrases';
import { LABEL_LIMIT, labelProblem } from '../../app/devices';
import { LabelField } from '../devices/LabelField';
import { PhraseInputs } from './PhraseInputs';
import { useRecovery } from './useRecovery';
import './recovery.css';

type Failure = Extract<RestoreOutcome, { ok: false }>;

/** Onboarding (or a removed device) → "Restore from a recovery phrase". */
export function RestoreFromPhrase(props: { onCancel: () => void }) {
  const { controls } = useRecovery();
  const { shell } = useModel();
  if (controls === undefined || shell === undefined) {
    return (
      <div className="card stack">
        <p>This build of Cairn cannot restore from a phrase.</p>
        <button type="button" onClick={props.onCancel}>
          Back
        </button>
      </div>
    );
  }
  return <RestoreForm controls={controls} reload={shell.reload} onCancel={props.onCancel} />;
}

function RestoreForm(props: {
  controls: RecoveryControls;
  reload: () => void;
  onCancel: () => void;
}) {
  const { controls } = props;
  const [words, setWords] = useState<string[]>(() => Array<string>(RECOVERY_WORDS).fill(''));
  const [relayUrl, setRelayUrl] = useState(controls.defaultRelayUrl);
  // The name the other devices will list this one by (suggested, the user's to change).
  const [label, setLabel] = useState(() => controls.defaultLabel());
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const errorRef = useRef<HTMLParagraphElement>(null);

  const show = (f: Failure) => {
    setFailure(f);
    // After React renders it: move focus so screen readers read it at once.
    requestAnimationFrame(() => errorRef.current?.focus());
  };

  async function submit(e: FormEvent) {
    e.preventDefault();
    setTried(true);
    if (labelProblem(label) !== undefined) return;
    // The checksum first: a mistyped word never reaches the network.
    const checked = controls.check(words);
    if (!checked.ok) {
      show(checked);
      return;
    }
    setBusy(true);
    setFailure(null);
    const done = await controls.restore(words, relayUrl.trim(), label);
    if (done.ok) {
      // The restored key and account take effect on the next open.
      props.reload();
      return;
    }
    setBusy(false);
    show(done);
  }

  const complete = words.every((w) => w.trim() !== '');
  return (
    <form
      className="card stack"
      onSubmit={(e) => void submit(e)}
      aria-labelledby="restore-title"
      data-testid="restore-form"
    >
      <h2 id="restore-title">Restore from a recovery phrase</h2>
      <p className="muted">
        Type the 12 words you wrote down when you turned on recovery, in order. Pasting the whole
        phrase into any box fills them all.
      </p>
      <PhraseInputs
        words={words}
        disabled={busy}
        describedBy={failure === null ? undefined : 'restore-error'}
        onChange={(next) => {
          setWords(next);
          setFailure(null);
        }}
      />
      <LabelField
        id="restore-label"
        label="Name of this device"
        value={label}
        limit={LABEL_LIMIT}
        problem={labelProblem(label)}
        showProblem={tried}
        disabled={busy}
        onChange={setLabel}
      />
      <details>
        <summary>Relay</summary>
        <div className="field">
          <label htmlFor="restore-relay">Relay address</label>
          <input
            id="restore-relay"
            type="url"
            value={relayUrl}
            autoComplete="off"
            disabled={busy}
            onChange={(e) => setRelayUrl(e.target.value)}
          />
        </div>
      </details>
      {failure !== null && (
        <p
          id="restore-error"
          ref={errorRef}
          tabIndex={-1}
          className="error"
          role="alert"
          data-testid="restore-error"
          data-kind={failure.kind}
        >
          {failure.message}
        </p>
      )}
      <div className="row">
        <button type="submit" className="primary" disabled={busy || !complete}>
          {busy ? 'Restoring…' : 'Restore'}
        </button>
        <button type="button" onClick={props.onCancel} disabled={busy}>
          Back
        </button>
      </div>
    </form>
  );
}
