import { SyncStatus } from './SyncStatus';

export function Header() {
  return (
    <header className="app-header">
      <a className="brand" href="#/today">
        <img src="/icons/icon.svg" alt="" width="28" height="28" />
        <span>Cairn</span>
      </a>
      <SyncStatus />
    </header>
  );
}
