import { useState, type FormEvent } from 'react';
import { useModel } from '../../app/context';
import { useAnnouncer } from '../common/Announcer';
import { TimezonePicker, browserTimezone } from '../common/TimezonePicker';

export function Onboarding() {
  const model = useModel();
  const { report } = useAnnouncer();
  const [name, setName] = useState('');
  const [timezone, setTimezone] = useState(browserTimezone);

  async function submit(e: FormEvent) {
    e.preventDefault();
    report(await model.setProfile({ name: name.trim(), timezone }));
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
            maxLength={80}
            autoComplete="given-name"
            onChange={(e) => setName(e.target.value)}
          />
        </div>
        <TimezonePicker value={timezone} onChange={setTimezone} />
        <button type="submit" className="primary" disabled={name.trim() === ''}>
          Start
        </button>
      </form>
    </main>
  );
}
