import { lazy, useState } from 'react';
import { useModel } from '../model-context';
import { useAnnouncer } from '../common/Announcer';
import { Loaded } from '../common/Loaded';
import './devices.css';

// Their own chunks, as in ../lazy (which cannot be imported here: Settings comes through it).
const JoinDevice = lazy(() => import('./JoinDevice').then((m) => ({ default: m.JoinDevice })));
const RestoreFromPhrase = lazy(() =>
  import('../recovery/RestoreFromPhrase').then((m) => ({ default: m.RestoreFromPhrase })),
);

type Choice = 'none' | 'pair' | 'restore';

/**
 * A device that was removed from its account, and the ways forward: pair it
 * again with a device still in the account, restore it from the recovery
 * phrase, or keep using it on its own (sync off, everything kept). Nothing
 * here can fail for the reason that brought the user here: pairing and
 * restoring register this device anew (same data key, so what is on it stays
 * and what was written since goes up), and keeping it local asks no relay.
 */
export function RemovedChoices(props: { headingLevel?: 2 | 3 }) {
  const model = useModel();
  const { report } = useAnnouncer();
  const [choice, setChoice] = useState<Choice>('none');
  const [busy, setBusy] = useState(false);
  const sync = model.sync;
  const canRestore = model.recovery !== undefined;
  const Heading = props.headingLevel === 3 ? 'h3' : 'h2';

  async function keepLocal() {
    if (sync === undefined) return;
    setBusy(true);
    const done = await sync.setEnabled(false, sync.settings().relayUrl);
    setBusy(false);
    report(done, 'Sync is off. This device keeps everything and works on its own.');
  }

  if (choice === 'pair') {
    return (
      <Loaded>
        <JoinDevice onCancel={() => setChoice('none')} />
      </Loaded>
    );
  }
  if (choice === 'restore') {
    return (
      <Loaded>
        <RestoreFromPhrase onCancel={() => setChoice('none')} />
      </Loaded>
    );
  }
  return (
    <section className="stack removed" aria-labelledby="removed-title" data-testid="removed">
      <Heading id="removed-title">This device was removed from your account</Heading>
      <p>
        Another of your devices removed this one, so the relay no longer syncs with it. Everything
        on this device is still here. Choose how to go on:
      </p>
      <ul className="removed-choices">
        <li>
          <button type="button" className="primary" onClick={() => setChoice('pair')}>
            Pair with another device
          </button>
          <span className="muted small">
            On a device still in your account, open Settings → Devices → Add a device.
          </span>
        </li>
        {canRestore && (
          <li>
            <button type="button" onClick={() => setChoice('restore')}>
              Restore from recovery phrase
            </button>
            <span className="muted small">
              If you set up a 12-word phrase, type it here to join your account again.
            </span>
          </li>
        )}
        <li>
          <button type="button" disabled={busy} onClick={() => void keepLocal()}>
            {busy ? 'Turning sync off…' : 'Keep using it locally'}
          </button>
          <span className="muted small">
            Sync turns off. Your habits and check-ins stay here and keep working offline.
          </span>
        </li>
      </ul>
      <p className="muted small">
        Pairing or restoring into the same account keeps this device’s data and sends what you wrote
        since. Into a different account, this device takes that account’s data instead.
      </p>
    </section>
  );
}
