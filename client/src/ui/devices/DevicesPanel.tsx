import { useEffect, useState } from 'react';
import { useModel, useSyncState } from '../model-context';
import type {
  DeviceInfo,
  DeviceList,
  DevicesControls,
  NotReady,
  OfferHandle,
  PairingControls,
} from '../../app/features';
import { useAnnouncer } from '../common/Announcer';
import { AddDevice } from './AddDevice';
import './devices.css';

type ListState = { kind: 'loading' } | DeviceList;

const when = (ms: number): string =>
  new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

function notReadyText(why: NotReady): string {
  switch (why.kind) {
    case 'sync-off':
      return 'Devices share your data through a relay. Turn on sync to see your devices and add one.';
    case 'not-registered':
      return 'This device is still connecting to the relay for the first time. Try again in a moment.';
    case 'failed':
      return `Your devices could not be loaded: ${why.message}`;
  }
}

/**
 * Settings → Devices: every device of the account (label, this device, added,
 * last seen), revocation with a confirmation, and "Add a device".
 */
export function DevicesPanel() {
  const model = useModel();
  const { pairing, devices } = model;
  if (pairing === undefined || devices === undefined) return null;
  return <Devices pairing={pairing} devices={devices} />;
}

function Devices(props: { pairing: PairingControls; devices: DevicesControls }) {
  const { pairing, devices } = props;
  const model = useModel();
  const sync = useSyncState();
  const { say } = useAnnouncer();
  const [list, setList] = useState<ListState>({ kind: 'loading' });
  const [adding, setAdding] = useState<OfferHandle | undefined>(undefined);
  const [confirming, setConfirming] = useState<DeviceInfo | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const connected = sync.kind === 'synced' || sync.kind === 'syncing';

  const [version, setVersion] = useState(0);
  const load = (): void => setVersion((n) => n + 1);

  // Reload when asked, and when the connection comes up: the list needs the relay.
  useEffect(() => {
    let live = true;
    void devices.list().then((next) => {
      if (live) setList(next);
    });
    return () => {
      live = false;
    };
  }, [devices, version, connected]);

  async function startAdding() {
    const offer = await pairing.offer();
    if (!offer.ok) {
      say(notReadyText(offer.error), 'error');
      return;
    }
    setAdding(offer.value);
  }

  async function revoke(device: DeviceInfo) {
    setBusy(true);
    const done = await devices.revoke(device.deviceId);
    setBusy(false);
    setConfirming(undefined);
    if (!done.ok) {
      say(done.message, 'error');
      return;
    }
    say(`${device.label} was removed. It can no longer sync.`);
    load();
  }

  const turnOnSync = model.sync;
  return (
    <section className="card stack" aria-labelledby="devices-title">
      <h2 id="devices-title">Devices</h2>
      {list.kind === 'loading' && <p className="muted">Loading your devices…</p>}
      {list.kind === 'not-ready' && (
        <>
          <p className="muted">{notReadyText(list.why)}</p>
          {list.why.kind === 'sync-off' && turnOnSync !== undefined && (
            <div>
              <button
                type="button"
                onClick={() =>
                  void turnOnSync.setEnabled(true, turnOnSync.settings().relayUrl).then(load)
                }
              >
                Turn on sync
              </button>
            </div>
          )}
        </>
      )}
      {list.kind === 'failed' && (
        <>
          <p role="alert">{list.message}</p>
          <div>
            <button type="button" onClick={load}>
              Try again
            </button>
          </div>
        </>
      )}
      {list.kind === 'ready' && (
        <ul className="device-list" aria-label="Your devices">
          {list.devices.map((d) => (
            <li key={d.deviceId} className={d.revokedAt === null ? '' : 'device-revoked'}>
              <div>
                <span className="device-name">{d.label}</span>
                {d.current && <span className="device-badge">This device</span>}
                <br />
                <span className="muted">
                  Added {when(d.createdAt)}
                  {d.revokedAt !== null
                    ? ` · Removed ${when(d.revokedAt)}`
                    : d.lastSeenAt !== null
                      ? ` · Last seen ${when(d.lastSeenAt)}`
                      : ''}
                </span>
              </div>
              {!d.current && d.revokedAt === null && (
                <button
                  type="button"
                  className="subtle-danger"
                  aria-label={`Remove ${d.label}`}
                  onClick={() => setConfirming(d)}
                >
                  Remove…
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {confirming !== undefined && (
        <div
          className="stack"
          role="alertdialog"
          aria-labelledby="revoke-title"
          aria-describedby="revoke-text"
        >
          <h3 id="revoke-title">Remove {confirming.label}?</h3>
          <p id="revoke-text">
            It stops syncing at once: the relay refuses it from now on. Removing it cannot take back
            what that device already holds — its copy of your data stays on it. (Changing the key to
            your data, so an old device cannot read new data, comes in a later version.)
          </p>
          <div className="row">
            <button
              type="button"
              className="danger"
              disabled={busy}
              onClick={() => void revoke(confirming)}
            >
              Remove device
            </button>
            <button type="button" onClick={() => setConfirming(undefined)}>
              Keep it
            </button>
          </div>
        </div>
      )}
      <p className="muted">
        Removing a device stops its future sync; it cannot take back what the device already has.
      </p>
      {adding === undefined ? (
        <div>
          <button
            type="button"
            className="primary"
            disabled={list.kind !== 'ready'}
            onClick={() => void startAdding()}
          >
            Add a device
          </button>
        </div>
      ) : (
        <AddDevice
          session={adding}
          onClose={(added) => {
            setAdding(undefined);
            if (added) load();
          }}
        />
      )}
    </section>
  );
}
