import { useState, type FormEvent } from 'react';
import { useModel } from '../model-context';
import type { ProfileView } from '../../app/types';
import { useAnnouncer } from '../common/Announcer';
import { TimezonePicker } from '../common/TimezonePicker';

export function ProfileForm(props: { profile: ProfileView }) {
  const model = useModel();
  const { report } = useAnnouncer();
  const [name, setName] = useState(props.profile.name);
  const [timezone, setTimezone] = useState(props.profile.timezone);
  const changed = name.trim() !== props.profile.name || timezone !== props.profile.timezone;

  async function submit(e: FormEvent) {
    e.preventDefault();
    report(await model.setProfile({ name: name.trim(), timezone }), 'Profile saved');
  }

  return (
    <form className="card stack" onSubmit={(e) => void submit(e)} aria-labelledby="profile-title">
      <h2 id="profile-title">Profile</h2>
      <div className="field">
        <label htmlFor="profile-name">Name</label>
        <input
          id="profile-name"
          value={name}
          required
          maxLength={80}
          onChange={(e) => setName(e.target.value)}
        />
      </div>
      <TimezonePicker value={timezone} onChange={setTimezone} />
      <div>
        <button type="submit" className="primary" disabled={!changed || name.trim() === ''}>
          Save profile
        </button>
      </div>
    </form>
  );
}
