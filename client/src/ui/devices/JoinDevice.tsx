import { useCallback, useEffect, useState, useSyncExternalStore, type FormEvent } from 'react';
import { useModel } from '../model-context';
import type { JoinHandle, JoinSecret, JoinView, PairingControls } from '../../app/features';
import type { ShellControls } from '../../app/shell';
import { LABEL_LIMIT, labelProblem } from '../../app/devices';
import { LabelField } from './LabelField';
import { QrScanner } from './QrScanner';
import { Sas } from './Sas';
import './devices.css';

const noSubscribe = (): (() => void) => () => undefined;
const notStarted = (): JoinView | undefined => undefined;

/**
 * Device B (a fresh install, or a device removed from its account): scan A's QR code or type its code, name this
 * device, then compare the digits and confirm here too: this device takes the
 * key only once both users (or the one user, on both screens) said the digits
 * match. On success the page reloads into the account and syncs.
 */
export function JoinDevice(props: { onCancel: () => void }) {
  const { pairing, shell } = useModel();
  if (pairing === undefined || shell === undefined) {
    return (
      <section className="card stack">
        <p>This build of Cairn cannot pair devices.</p>
        <div>
          <button type="button" onClick={props.onCancel}>
            Back
          </button>
        </div>
      </section>
    );
  }
  return <JoinForm pairing={pairing} shell={shell} onCancel={props.onCancel} />;
}

function JoinForm(props: { pairing: PairingControls; shell: ShellControls; onCancel: () => void }) {
  const { pairing, shell } = props;
  const [label, setLabel] = useState(() => pairing.defaultLabel());
  const [code, setCode] = useState('');
  const [scanning, setScanning] = useState(false);
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const [tried, setTried] = useState(false);
  const [session, setSession] = useState<JoinHandle | undefined>(undefined);
  const view = useSyncExternalStore(session?.subscribe ?? noSubscribe, session?.get ?? notStarted);

  useEffect(() => {
    // Everything is stored: open again as a device of the account (sync bootstraps).
    if (view?.stage === 'done') shell.reload();
  }, [view?.stage, shell]);

  const begin = useCallback(
    async (secret: JoinSecret) => {
      setTried(true);
      // A name the relay would refuse is refused here, before the other device is involved.
      if (labelProblem(label) !== undefined) return;
      const name = label.trim();
      const joined = await pairing.join(secret, name);
      if (!joined.ok) {
        setProblem(joined.error);
        return;
      }
      setProblem(undefined);
      setSession(joined.value);
    },
    [label, pairing],
  );

  const scanned = useCallback(
    (text: string) => {
      setScanning(false);
      const secret = pairing.readQr(text);
      if (secret === undefined) setProblem('That QR code is not a Cairn pairing code.');
      else void begin(secret);
    },
    [begin, pairing],
  );

  function submit(e: FormEvent) {
    e.preventDefault();
    void begin({ code });
  }

  if (view === undefined || view.stage === 'ended') {
    return (
      <section className="card stack" aria-labelledby="join-title">
        <h2 id="join-title">Join your other device</h2>
        <p>
          On your other device, open <strong>Settings → Devices → Add a device</strong>. Then scan
          the QR code it shows, or type its code here.
        </p>
        {view?.stage === 'ended' && (
          <p role="alert" className="error">
            {view.message}
          </p>
        )}
        {problem !== undefined && (
          <p role="alert" className="error">
            {problem}
          </p>
        )}
        {scanning ? (
          <QrScanner camera={shell.camera} onText={scanned} onCancel={() => setScanning(false)} />
        ) : (
          <form className="stack" onSubmit={submit}>
            <LabelField
              id="join-label"
              label="Name of this device"
              value={label}
              limit={LABEL_LIMIT}
              problem={labelProblem(label)}
              showProblem={tried}
              onChange={setLabel}
            />
            <div className="field">
              <label htmlFor="join-code">Pairing code</label>
              <input
                id="join-code"
                value={code}
                required
                autoComplete="off"
                autoCapitalize="characters"
                spellCheck={false}
                placeholder="XXXX-XXXX-XXXX"
                onChange={(e) => setCode(e.target.value)}
              />
            </div>
            <div className="row">
              <button type="submit" className="primary" disabled={code.trim() === ''}>
                Join
              </button>
              <button type="button" onClick={() => setScanning(true)}>
                Scan QR code
              </button>
              <button type="button" onClick={props.onCancel}>
                Back
              </button>
            </div>
          </form>
        )}
      </section>
    );
  }

  switch (view.stage) {
    case 'looking-up':
    case 'waiting':
      return (
        <section className="card stack" aria-labelledby="join-title" aria-busy="true">
          <h2 id="join-title">Waiting for your other device…</h2>
          <p className="muted">Keep both devices open.</p>
          <div>
            <button type="button" onClick={() => session?.cancel()}>
              Cancel
            </button>
          </div>
        </section>
      );
    case 'comparing':
      return (
        <section className="card stack" aria-labelledby="join-title">
          <h2 id="join-title">Compare the digits</h2>
          <p>Does your other device show exactly these digits?</p>
          <Sas digits={view.sas} />
          <p className="muted">
            Confirm on both devices. Only then does this device take the key to your data.
          </p>
          <div className="row">
            <button type="button" className="primary" onClick={() => session?.confirm()}>
              They match
            </button>
            <button type="button" className="danger" onClick={() => session?.mismatch()}>
              They don’t match
            </button>
          </div>
        </section>
      );
    case 'confirmed':
      return (
        <section className="card stack" aria-labelledby="join-title" aria-busy="true">
          <h2 id="join-title">Confirm on your other device</h2>
          <Sas digits={view.sas} />
          <p role="status">
            You confirmed the digits here. Now choose <strong>They match</strong> on your other
            device.
          </p>
          <div>
            <button type="button" onClick={() => session?.cancel()}>
              Cancel
            </button>
          </div>
        </section>
      );
    case 'saving':
    case 'done':
      return (
        <section className="card stack" aria-labelledby="join-title" aria-busy="true">
          <h2 id="join-title">Paired</h2>
          <p role="status">Joined your account. Getting your data…</p>
        </section>
      );
  }
}
