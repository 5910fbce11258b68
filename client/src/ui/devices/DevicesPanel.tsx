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
import { DeviceRow } from './DeviceRow';
import { RemovedChoices } from './Removed';
import { useRemoved } from './RemovedBanner';
import './devices.css';

type ListState = { kind: 'loading' } | DeviceList;

/** How often an open list asks the relay again (other devices come and go). */
const REFRESH_MS = 60_000;
/** How often the "last seen" times are read again against the clock. */
const TICK_MS = 15_000;

/** The current time, moving on every `ms` while the component is shown. */
function useNow(ms: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}

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
 * Settings → Devices: every device of the account (name, this device, live
 * last seen, added), renaming any of them, revocation with a confirmation,
 * and "Add a device". On a device that was removed: the ways forward instead.
 */
export function DevicesPanel() {
  const model = useModel();
  const removed = useRemoved();
  const { pairing, devices } = model;
  if (pairing === undefined || devices === undefined) return null;
  if (removed) {
    return (
      <section className="card stack" aria-labelledby="devices-title">
        <h2 id="devices-title">Devices</h2>
        <RemovedChoices headingLevel={3} />
      </section>
    );
  }
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
  const retry = (): void => {
    setList({ kind: 'loading' });
    load();
  };

  const now = useNow(TICK_MS);

  // Reload when asked, when the connection comes up (the list needs the relay),
  // and every minute while shown: other devices come and go.
  useEffect(() => {
    let live = true;
    const fetchList = (): void => {
      void devices.list().then((next) => {
        // A failed refresh keeps the list shown; only the first load shows the failure.
        if (live)
          setList((prev) => (next.kind === 'failed' && prev.kind === 'ready' ? prev : next));
      });
    };
    fetchList();
    const timer = setInterval(fetchList, REFRESH_MS);
    return () => {
      live = false;
      clearInterval(timer);
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
            <button type="button" onClick={retry}>
              Try again
            </button>
          </div>
        </>
      )}
      {list.kind === 'removed' && <RemovedChoices headingLevel={3} />}
      {list.kind === 'ready' && (
        <ul className="device-list" aria-label="Your devices">
          {list.devices.map((d) => (
            <DeviceRow
              key={d.deviceId}
              device={d}
              devices={devices}
              now={now}
              connectedHere={connected}
              onRemove={setConfirming}
              onRenamed={load}
            />
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
