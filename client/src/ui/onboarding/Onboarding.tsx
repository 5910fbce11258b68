import { useState, type FormEvent } from 'react';
import { useModel } from '../model-context';
import { useAnnouncer } from '../common/Announcer';
import { PROFILE_NAME_LIMIT } from '../common/limit';
import { useLimit } from '../common/LimitNote';
import { TimezonePicker, browserTimezone } from '../common/TimezonePicker';
import { JoinProgress, useJoining } from '../devices/JoinEntry';
import { RestoreProgress } from '../recovery/RestoreProgress';
import { useRecovery } from '../recovery/useRecovery';
import { JoinDevice, Loaded, RestoreFromPhrase } from '../lazy';

export function Onboarding() {
  const model = useModel();
  const { report } = useAnnouncer();
  const [name, setName] = useState('');
  const [timezone, setTimezone] = useState(browserTimezone);
  const recovery = useRecovery();
  const [restoring, setRestoring] = useState(false);
  // Or join an account by pairing with another device (client/src/ui/devices).
  const joined = useJoining();
  const [pairing, setPairing] = useState(false);
  const limit = useLimit(name, PROFILE_NAME_LIMIT);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!limit.ok) return;
    report(await model.setProfile({ name: name.trim(), timezone }));
  }

  // A fresh install may instead come back from a recovery phrase (client/src/ui/recovery).
  if (recovery.view.restoring || restoring) {
    return (
      <main className="onboarding" id="main">
        {recovery.view.restoring ? (
          <RestoreProgress />
        ) : (
          <Loaded>
            <RestoreFromPhrase onCancel={() => setRestoring(false)} />
          </Loaded>
        )}
      </main>
    );
  }

  if (joined || pairing) {
    return (
      <main className="onboarding" id="main">
        {joined ? (
          <JoinProgress />
        ) : (
          <Loaded>
            <JoinDevice onCancel={() => setPairing(false)} />
          </Loaded>
        )}
      </main>
    );
  }

  return (
    <main className="onboarding" id="main">
      <img src="/icons/icon.svg" alt="" width="64" height="64" />
      <h1>Welcome to Cairn</h1>
      <p className="lede">
        A private habit tracker. Everything you enter stays on this device; there is no account to
        create.
      </p>
      <form className="card stack" onSubmit={(e) => void submit(e)}>
        <div className="field">
          <label htmlFor="onboarding-name">Your name</label>
          <input
            id="onboarding-name"
            value={name}
            required
            autoComplete="given-name"
            {...limit.field}
            onChange={(e) => setName(e.target.value)}
          />
          {limit.note}
        </div>
        <TimezonePicker value={timezone} onChange={setTimezone} />
        <button type="submit" className="primary" disabled={name.trim() === '' || !limit.ok}>
          Start
        </button>
      </form>
      <button type="button" className="link" onClick={() => setPairing(true)}>
        I already use Cairn on another device
      </button>
      {recovery.controls !== undefined && (
        <button type="button" className="link" onClick={() => setRestoring(true)}>
          Restore from a recovery phrase
        </button>
      )}
    </main>
  );
}
