import { useState, type FormEvent } from 'react';
import { useModel } from '../model-context';
import type { ProfileView } from '../../app/types';
import { useAnnouncer } from '../common/Announcer';
import { PROFILE_NAME_LIMIT } from '../common/limit';
import { useLimit } from '../common/LimitNote';
import { TimezonePicker } from '../common/TimezonePicker';

export function ProfileForm(props: { profile: ProfileView }) {
  const model = useModel();
  const { report } = useAnnouncer();
  const [name, setName] = useState(props.profile.name);
  const [timezone, setTimezone] = useState(props.profile.timezone);
  const limit = useLimit(name, PROFILE_NAME_LIMIT);
  const changed = name.trim() !== props.profile.name || timezone !== props.profile.timezone;

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!limit.ok) return;
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
          {...limit.field}
          onChange={(e) => setName(e.target.value)}
        />
        {limit.note}
      </div>
      <TimezonePicker value={timezone} onChange={setTimezone} />
      <div>
        <button
          type="submit"
          className="primary"
          disabled={!changed || name.trim() === '' || !limit.ok}
        >
          Save profile
        </button>
      </div>
    </form>
  );
}
