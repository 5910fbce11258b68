import { useEffect, useState } from 'react';
import { useSyncState } from '../model-context';
import type { RecoveryControls, RecoveryView } from '../../app/features';
import { quizPositions, secureRandomInt } from '../../app/phrases';
import { useAnnouncer } from '../common/Announcer';
import { PhraseQuiz } from './PhraseQuiz';
import { PhraseSheet } from './PhraseSheet';
import { PendingChangeNotice } from './RecoveryChange';
import { useRecovery } from './useRecovery';
import './recovery.css';

type Step =
  | { kind: 'idle' }
  | { kind: 'show'; words: string[]; positions: number[] }
  | { kind: 'quiz'; words: string[]; positions: number[] }
  | { kind: 'confirm-off' };

const date = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

/** Settings → Recovery: opt in to a 12-word phrase, replace it, or turn it off. */
export function RecoverySettings() {
  const { controls, view } = useRecovery();
  if (controls === undefined) return null;
  return <RecoveryPanel controls={controls} view={view} />;
}

function RecoveryPanel(props: { controls: RecoveryControls; view: RecoveryView }) {
  const { controls, view } = props;
  // 'local' is "sync off"; subscribing re-renders this when sync is turned on.
  const sync = useSyncState();
  const syncOn = sync.kind !== 'local';
  const removed = sync.kind === 'refused' && sync.reason === 'revoked';
  const { say, report } = useAnnouncer();
  const [step, setStep] = useState<Step>({ kind: 'idle' });
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  // Another device may have set up, replaced or deleted the account's phrase.
  useEffect(() => {
    void controls.refresh();
  }, [controls]);

  // Before any word is shown: whatever would make the relay refuse the phrase at
  // the end (a removed device, no connection) is said now, not after the quiz.
  async function start() {
    setProblem(null);
    setBusy(true);
    const can = await controls.canChange();
    setBusy(false);
    if (!can.ok) {
      setProblem(can.message);
      return;
    }
    setStep({
      kind: 'show',
      words: controls.newPhrase(),
      positions: quizPositions(secureRandomInt),
    });
  }

  async function askTurnOff() {
    setProblem(null);
    setBusy(true);
    const can = await controls.canChange();
    setBusy(false);
    if (!can.ok) {
      setProblem(can.message);
      return;
    }
    setStep({ kind: 'confirm-off' });
  }

  async function turnOn(words: readonly string[]) {
    setBusy(true);
    const done = await controls.enable(words);
    setBusy(false);
    if (done.ok) {
      // The phrase leaves memory with the step.
      setStep({ kind: 'idle' });
      const pending = controls.view().pending;
      say(
        pending?.byThisDevice === true && pending.op === 'replace'
          ? 'Your new phrase takes over in a few days; until then the old one still works.'
          : 'Recovery is on.',
      );
    } else {
      setProblem(done.message);
    }
  }

  async function turnOff() {
    setBusy(true);
    const done = await controls.disable();
    setBusy(false);
    if (report(done, 'Recovery will turn off. Your other devices can cancel it until then.')) {
      setStep({ kind: 'idle' });
    }
  }

  const cancel = () => {
    setProblem(null);
    setStep({ kind: 'idle' });
  };

  return (
    <section
      className="card stack"
      aria-labelledby="recovery-title"
      data-testid="recovery-settings"
    >
      <h2 id="recovery-title">Recovery phrase</h2>
      {!view.loaded ? (
        <p className="muted">Loading…</p>
      ) : step.kind === 'show' ? (
        <PhraseSheet
          words={step.words}
          onContinue={() => setStep({ ...step, kind: 'quiz' })}
          onCancel={cancel}
        />
      ) : step.kind === 'quiz' ? (
        <PhraseQuiz
          words={step.words}
          positions={step.positions}
          busy={busy}
          onPassed={() => void turnOn(step.words)}
          onBack={() => setStep({ ...step, kind: 'show' })}
        />
      ) : view.enabled ? (
        <>
          <p>
            <strong>Recovery is on</strong>
            {view.enabledAt !== null && <> since {date.format(view.enabledAt)}</>}. With your 12
            words, a new device can restore everything, even if every device is lost.
          </p>
          {view.pending !== null ? (
            <PendingChangeNotice controls={controls} pending={view.pending} />
          ) : step.kind === 'confirm-off' ? (
            <div className="stack" role="group" aria-label="Turn off recovery">
              <p>
                The backup will be deleted from the relay and your 12 words will no longer restore
                anything. This waits a few days, so that your other devices can stop it if it was
                not you.
              </p>
              <div className="row">
                <button
                  type="button"
                  className="danger"
                  disabled={busy}
                  onClick={() => void turnOff()}
                >
                  {busy ? 'Turning off…' : 'Turn off recovery'}
                </button>
                <button type="button" onClick={cancel} disabled={busy}>
                  Keep it on
                </button>
              </div>
            </div>
          ) : (
            <div className="row">
              <p className="muted small">
                A new phrase replaces the old one, which then stops working (after a few days, so
                that your other devices can stop it if it was not you).
              </p>
              <button type="button" disabled={busy || removed} onClick={() => void start()}>
                Make a new phrase
              </button>
              <button
                type="button"
                className="subtle-danger"
                disabled={busy || removed}
                onClick={() => void askTurnOff()}
              >
                Turn off…
              </button>
            </div>
          )}
        </>
      ) : (
        <>
          <p className="muted">
            If you lose every device, a 12-word phrase is the only way back to your data. Cairn
            keeps a copy of your key on the relay, locked by the phrase; the relay cannot open it.
          </p>
          {!syncOn && (
            <p className="muted">Turn on sync above first: the locked copy lives on your relay.</p>
          )}
          <div>
            <button
              type="button"
              className="primary"
              disabled={!syncOn || removed || busy}
              onClick={() => void start()}
            >
              {busy ? 'Checking…' : 'Set up a recovery phrase'}
            </button>
          </div>
        </>
      )}
      {removed && step.kind === 'idle' && (
        <p data-testid="recovery-removed">
          This device was removed from your account, so it cannot set up, replace or turn off the
          recovery phrase. Your phrase, if you have one, still restores your account: see Devices
          above.
        </p>
      )}
      {problem !== null && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
    </section>
  );
}
