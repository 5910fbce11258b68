import { MAX_LABEL_LENGTH, decodePairingQr, type PairingQr } from '@cairn/shared';
import { useCallback, useEffect, useState, useSyncExternalStore, type FormEvent } from 'react';
import { adoptAccount, joiningDevice } from '../../pairing/browser';
import { JoinSession, type JoinView } from '../../pairing/join-session';
import { defaultDeviceLabel } from '../../device/label';
import { browserSocket } from '../../sync/socket';
import { QrScanner } from './QrScanner';
import { Sas } from './Sas';
import './devices.css';

const noSubscribe = (): (() => void) => () => undefined;
const notStarted = (): JoinView | undefined => undefined;

/**
 * Device B (a fresh install): scan A's QR code or type its code, name this
 * device, then compare the digits; the confirmation happens on the other
 * device. On success the page reloads into the account and syncs.
 */
export function JoinDevice(props: { onCancel: () => void }) {
  const [label, setLabel] = useState(() => defaultDeviceLabel(navigator));
  const [code, setCode] = useState('');
  const [scanning, setScanning] = useState(false);
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const [session, setSession] = useState<JoinSession | undefined>(undefined);
  const view = useSyncExternalStore(session?.subscribe ?? noSubscribe, session?.get ?? notStarted);

  useEffect(() => {
    // Everything is stored: open again as a device of the account (sync bootstraps).
    if (view?.stage === 'done') window.location.reload();
  }, [view?.stage]);

  const begin = useCallback(
    async (secret: { code: string } | { qr: PairingQr }) => {
      const name = label.trim();
      if (name === '') {
        setProblem('Give this device a name, such as “Phone”.');
        return;
      }
      const device = await joiningDevice(name);
      if (!device.ok) {
        setProblem(device.error);
        return;
      }
      setProblem(undefined);
      const next = new JoinSession({
        relayUrl: 'qr' in secret ? secret.qr.relay : window.location.origin,
        device: device.value,
        fetch: (url, init) => fetch(url, init),
        connect: browserSocket,
        adopt: adoptAccount(device.value.id),
      });
      setSession(next);
      void next.run(secret);
    },
    [label],
  );

  const scanned = useCallback(
    (text: string) => {
      setScanning(false);
      const qr = decodePairingQr(text);
      if (!qr.ok) setProblem('That QR code is not a Cairn pairing code.');
      else void begin({ qr: qr.value });
    },
    [begin],
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
          <QrScanner onText={scanned} onCancel={() => setScanning(false)} />
        ) : (
          <form className="stack" onSubmit={submit}>
            <div className="field">
              <label htmlFor="join-label">Name of this device</label>
              <input
                id="join-label"
                value={label}
                required
                maxLength={MAX_LABEL_LENGTH}
                autoComplete="off"
                onChange={(e) => setLabel(e.target.value)}
              />
            </div>
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
          <p>Your other device should show exactly these digits:</p>
          <Sas digits={view.sas} />
          <p>
            If they match, confirm <strong>on your other device</strong>. This device then receives
            the key to your data.
          </p>
          <div>
            <button type="button" className="danger" onClick={() => session?.mismatch()}>
              They don’t match
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
