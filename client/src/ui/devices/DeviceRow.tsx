import { useRef, useState, type FormEvent } from 'react';
import { LABEL_LIMIT, labelProblem, seenOf } from '../../app/devices';
import type { DeviceInfo, DevicesControls } from '../../app/features';
import { useAnnouncer } from '../common/Announcer';
import { LabelField } from './LabelField';
import './devices.css';

const added = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

/**
 * One device of the account: its name (renamed in place, this device and the
 * others alike), "This device", when it was added and last seen (live: see
 * app/devices.ts), and "Remove…" for the others.
 */
export function DeviceRow(props: {
  device: DeviceInfo;
  devices: DevicesControls;
  now: number;
  connectedHere: boolean;
  onRemove: (device: DeviceInfo) => void;
  onRenamed: () => void;
}) {
  const { device: d, devices } = props;
  const { say } = useAnnouncer();
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(d.label);
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | undefined>(undefined);
  const renameButton = useRef<HTMLButtonElement>(null);
  const seen = seenOf(d, props.now, props.connectedHere);
  const active = d.revokedAt === null;
  const fieldId = `device-name-${d.deviceId}`;

  function open() {
    setName(d.label);
    setTried(false);
    setFailure(undefined);
    setEditing(true);
  }

  function close() {
    setEditing(false);
    // Back where the user was: the Rename button of this row.
    requestAnimationFrame(() => renameButton.current?.focus());
  }

  async function save(e: FormEvent) {
    e.preventDefault();
    setTried(true);
    if (labelProblem(name) !== undefined) return;
    if (name.trim() === d.label) {
      close();
      return;
    }
    setBusy(true);
    const done = await devices.rename(d.deviceId, name);
    setBusy(false);
    if (!done.ok) {
      setFailure(done.message);
      return;
    }
    say(`Renamed to ${name.trim()}.`);
    close();
    props.onRenamed();
  }

  return (
    <li className={active ? '' : 'device-revoked'} data-testid="device-row">
      {editing ? (
        <form
          className="stack device-rename"
          onSubmit={(e) => void save(e)}
          aria-label={`Rename ${d.label}`}
        >
          <LabelField
            id={fieldId}
            label={d.current ? 'Name of this device' : `New name for ${d.label}`}
            value={name}
            limit={LABEL_LIMIT}
            problem={labelProblem(name)}
            showProblem={tried}
            disabled={busy}
            autoFocus
            onChange={(next) => {
              setName(next);
              setFailure(undefined);
            }}
            onEscape={close}
          />
          {failure !== undefined && (
            <p className="error" role="alert">
              {failure}
            </p>
          )}
          <div className="row">
            <button type="submit" className="primary" disabled={busy}>
              {busy ? 'Saving…' : 'Save name'}
            </button>
            <button type="button" onClick={close} disabled={busy}>
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <>
          <div className="device-text">
            <span className="device-name">{d.label}</span>
            {d.current && <span className="device-badge">This device</span>}
            <br />
            <span className="muted small">
              <span
                className={seen.online ? 'device-seen device-online' : 'device-seen'}
                title={seen.exact}
              >
                {seen.text}
              </span>
              {' · '}Added {added.format(d.createdAt)}
            </span>
          </div>
          {active && (
            <div className="row device-actions">
              <button
                ref={renameButton}
                type="button"
                className="subtle"
                aria-label={`Rename ${d.label}`}
                onClick={open}
              >
                Rename
              </button>
              {!d.current && (
                <button
                  type="button"
                  className="subtle-danger"
                  aria-label={`Remove ${d.label}`}
                  onClick={() => props.onRemove(d)}
                >
                  Remove…
                </button>
              )}
            </div>
          )}
        </>
      )}
    </li>
  );
}
