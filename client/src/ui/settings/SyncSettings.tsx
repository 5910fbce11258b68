import { useState, type FormEvent } from 'react';
import { useModel, useSyncState } from '../model-context';
import type { SyncControls } from '../../app/types';
import { useAnnouncer } from '../common/Announcer';
import { syncLabel } from '../shell/SyncStatus';

/** Settings → Sync: the opt-in. Saving returns at once; connecting happens in the background. */
export function SyncSettings() {
  const sync = useModel().sync;
  return sync === undefined ? null : <SyncForm sync={sync} />;
}

function SyncForm(props: { sync: SyncControls }) {
  const { sync } = props;
  const { report } = useAnnouncer();
  const state = useSyncState();
  const saved = sync.settings();
  const [enabled, setEnabled] = useState(saved.enabled);
  const [relayUrl, setRelayUrl] = useState(saved.relayUrl);
  const changed = enabled !== saved.enabled || (enabled && relayUrl.trim() !== saved.relayUrl);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const done = await sync.setEnabled(enabled, relayUrl.trim());
    report(done, enabled ? 'Sync turned on' : 'Sync turned off');
  }

  return (
    <form className="card stack" onSubmit={(e) => void submit(e)} aria-labelledby="sync-title">
      <h2 id="sync-title">Sync</h2>
      <p className="muted">
        Keep your other devices up to date through a relay. Everything is sealed on this device
        before it leaves; the relay stores only encrypted events.
      </p>
      <label className="row">
        <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />
        Sync with a relay
      </label>
      {enabled && (
        <div className="field">
          <label htmlFor="sync-relay">Relay address</label>
          <input
            id="sync-relay"
            type="url"
            value={relayUrl}
            required
            autoComplete="off"
            onChange={(e) => setRelayUrl(e.target.value)}
          />
        </div>
      )}
      <p className="muted">
        Status: {syncLabel(state)}
        {state.kind === 'refused' && (
          <>
            <br />
            <span role="alert">{state.message}</span>
          </>
        )}
      </p>
      <div>
        <button type="submit" className="primary" disabled={!changed}>
          Save sync settings
        </button>
      </div>
    </form>
  );
}
