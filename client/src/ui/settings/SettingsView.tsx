import { useModel } from '../model-context';
import { ExportImport } from './ExportImport';
import { ProfileForm } from './ProfileForm';
import { RecoverySettings } from '../recovery/RecoverySettings';
import { SyncSettings } from './SyncSettings';
import { DevicesPanel } from '../devices/DevicesPanel';
import { WipeData } from './WipeData';

export function SettingsView() {
  const model = useModel();
  const profile = model.profile();
  return (
    <div className="stack">
      <div className="view-head">
        <h1>Settings</h1>
      </div>
      {profile !== null && <ProfileForm profile={profile} />}
      <SyncSettings />
      <DevicesPanel />
      <RecoverySettings />
      <ExportImport />
      <WipeData />
    </div>
  );
}
