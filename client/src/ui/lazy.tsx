/**
 * The screens that Today does not need, each built as a chunk of its own and
 * fetched the first time it is shown: History (charts), Habits, Settings
 * (devices and their QR codes, the recovery phrase, export and import), and
 * onboarding's two other ways in (joining by pairing, with the QR scanner;
 * restoring from a phrase, with the word list). The first load carries Today
 * and onboarding only; the service worker precaches the rest once the app is
 * open, so every screen still opens offline after the first visit.
 *
 * Each is shown through `Loaded` (ui/common), which also waits for the app
 * to open behind a first visit's onboarding.
 */
import { lazy } from 'react';

export const HistoryView = lazy(() =>
  import('./history/HistoryView').then((m) => ({ default: m.HistoryView })),
);
export const HabitsView = lazy(() =>
  import('./habits/HabitsView').then((m) => ({ default: m.HabitsView })),
);
export const SettingsView = lazy(() =>
  import('./settings/SettingsView').then((m) => ({ default: m.SettingsView })),
);
export const JoinDevice = lazy(() =>
  import('./devices/JoinDevice').then((m) => ({ default: m.JoinDevice })),
);
export const RestoreFromPhrase = lazy(() =>
  import('./recovery/RestoreFromPhrase').then((m) => ({ default: m.RestoreFromPhrase })),
);

export { Loaded, OpeningProvider } from './common/Loaded';
