import { useEffect, useRef, useSyncExternalStore } from 'react';
import type { OfferHandle } from '../../app/features';
import { QrCode } from './QrCode';
import { Sas } from './Sas';

/** A clock that ticks once a second while something watches it (the countdown). */
let clock = Date.now();
function subscribeClock(onTick: () => void): () => void {
  const tick = (): void => {
    clock = Date.now();
    onTick();
  };
  tick();
  const timer = setInterval(tick, 1000);
  return () => clearInterval(timer);
}
const readClock = (): number => clock;

function countdown(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/**
 * Runs a pairing session once, and cancels it when the screen really goes
 * away (not on React's development-mode remount, hence the deferred cancel).
 */
export function useOnce(session: { run(): Promise<void>; cancel(): void }): void {
  const started = useRef(false);
  const cancelling = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => {
    clearTimeout(cancelling.current);
    if (!started.current) {
      started.current = true;
      void session.run();
    }
    return () => {
      cancelling.current = setTimeout(() => session.cancel(), 0);
    };
  }, [session]);
}

/**
 * Device A's side of "Add a device": the QR code and the typed code with a
 * countdown, then the six digits to compare and the two answers. `K_master`
 * leaves this device only on "They match".
 */
export function AddDevice(props: { session: OfferHandle; onClose: (added: boolean) => void }) {
  const { session } = props;
  const view = useSyncExternalStore(session.subscribe, session.get);
  useOnce(session);
  const now = useSyncExternalStore(subscribeClock, readClock);
  const { onClose } = props;

  switch (view.stage) {
    case 'connecting':
      return (
        <section className="card stack" aria-labelledby="add-title" aria-busy="true">
          <h2 id="add-title">Add a device</h2>
          <p className="muted">Preparing a pairing code…</p>
        </section>
      );
    case 'waiting':
      return (
        <section className="card stack" aria-labelledby="add-title">
          <h2 id="add-title">Add a device</h2>
          <p>
            On the new device, open Cairn and choose{' '}
            <strong>I already use Cairn on another device</strong>. Then scan this QR code, or type
            the code below.
          </p>
          <QrCode text={view.qr} label="QR code for pairing a new device" />
          <p className="pair-code" aria-label="Pairing code" data-testid="pairing-code">
            {view.code}
          </p>
          <p className="muted" role="timer" aria-live="off">
            Expires in {countdown(view.expiresAt - now)}
          </p>
          <div>
            <button type="button" onClick={() => onClose(false)}>
              Cancel
            </button>
          </div>
        </section>
      );
    case 'confirming':
      return (
        <section className="card stack" aria-labelledby="add-title">
          <h2 id="add-title">Compare the digits</h2>
          <p>
            <strong>{view.label}</strong> wants to join. Does it show exactly these digits?
          </p>
          <Sas digits={view.sas} />
          <p className="muted">Only if they match will this device send it the key to your data.</p>
          <div className="row">
            <button type="button" className="primary" onClick={() => session.confirm()}>
              They match
            </button>
            <button type="button" className="danger" onClick={() => session.mismatch()}>
              They don’t match
            </button>
          </div>
        </section>
      );
    case 'sending':
      return (
        <section className="card stack" aria-labelledby="add-title" aria-busy="true">
          <h2 id="add-title">Adding {view.label}…</h2>
          <Sas digits={view.sas} />
        </section>
      );
    case 'done':
      return (
        <section className="card stack" aria-labelledby="add-title">
          <h2 id="add-title">Device added</h2>
          <p role="status">
            <strong>{view.label}</strong> was added to your devices. It is getting your data now.
          </p>
          <div>
            <button type="button" className="primary" onClick={() => onClose(true)}>
              Done
            </button>
          </div>
        </section>
      );
    case 'ended':
      return (
        <section className="card stack" aria-labelledby="add-title">
          <h2 id="add-title">The device was not added</h2>
          <p role="alert">{view.message}</p>
          <div>
            <button type="button" onClick={() => onClose(false)}>
              Close
            </button>
          </div>
        </section>
      );
  }
}
