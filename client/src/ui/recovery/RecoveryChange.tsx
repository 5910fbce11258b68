import { useState } from 'react';
import type { PendingChange, RecoveryControls } from '../../app/features';
import { useAnnouncer } from '../common/Announcer';
import { useRecovery } from './useRecovery';
import './recovery.css';

const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** What a pending change will do, in the words of the device that reads it. */
export function pendingText(p: PendingChange): string {
  const at = when.format(p.effectiveAt);
  if (p.byThisDevice) {
    return p.op === 'delete'
      ? `You asked to turn off recovery. It turns off on ${at}; until then your 12 words still work.`
      : `Your new phrase takes over on ${at}. Until then your old phrase still works.`;
  }
  return p.op === 'delete'
    ? `Another of your devices asked to turn off recovery. Your 12 words stop working on ${at} unless you cancel.`
    : `Another of your devices asked to replace your recovery phrase. Your 12 words stop working on ${at} unless you cancel.`;
}

/** The pending change with its Cancel button (Settings, and the banner on other devices). */
export function PendingChangeNotice(props: {
  controls: RecoveryControls;
  pending: PendingChange;
  role?: 'status' | 'alert';
}) {
  const { controls, pending } = props;
  const { report } = useAnnouncer();
  const [busy, setBusy] = useState(false);
  async function cancel() {
    setBusy(true);
    const done = await controls.cancelChange();
    setBusy(false);
    report(done, 'The change was cancelled. Your recovery phrase stays as it was.');
  }
  return (
    <div className="stack pending-change" data-testid="recovery-change">
      <p role={props.role ?? 'status'}>{pendingText(pending)}</p>
      {!pending.byThisDevice && (
        <p className="muted small">
          If this was not you, cancel it, then remove the device you do not recognise in Devices.
        </p>
      )}
      <div>
        <button type="button" disabled={busy} onClick={() => void cancel()}>
          {busy ? 'Cancelling…' : 'Cancel this change'}
        </button>
      </div>
    </div>
  );
}

/**
 * On every device but the one that asked: a change to the recovery backup is
 * coming, with the way to stop it. A stolen device cannot remove the way back
 * without every other device saying so first.
 */
export function RecoveryChangeBanner() {
  const { controls, view } = useRecovery();
  if (controls === undefined || view.pending === null || view.pending.byThisDevice) return null;
  return (
    <aside className="banner banner-warning" aria-label="Recovery change">
      <PendingChangeNotice controls={controls} pending={view.pending} role="alert" />
    </aside>
  );
}
