import { useEffect, useRef } from 'react';
import { useModel } from './model-context';
import { HabitsView, HistoryView, Loaded, SettingsView } from './lazy';
import { Onboarding } from './onboarding/Onboarding';
import { RemovedBanner } from './devices/RemovedBanner';
import { RecoveryChangeBanner } from './recovery/RecoveryChange';
import { RecoveryReminder } from './recovery/RecoveryReminder';
import { Header } from './shell/Header';
import { Nav } from './shell/Nav';
import { ProblemsBanner } from './shell/ProblemsBanner';
import { useRoute, type Route } from './shell/route';
import { TodayView } from './today/TodayView';

const views: Record<Route, React.ComponentType> = {
  today: TodayView,
  habits: HabitsView,
  history: HistoryView,
  settings: SettingsView,
};

export function App() {
  const model = useModel();
  const route = useRoute(model.shell);
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);
  useEffect(() => {
    // Move focus to the new screen so keyboard and screen-reader users land on it.
    if (first.current) first.current = false;
    else main.current?.focus();
  }, [route]);
  if (model.profile() === null) {
    return (
      <>
        <ProblemsBanner />
        <Onboarding />
      </>
    );
  }
  const View = views[route];
  return (
    <div className="app">
      <a
        className="skip-link"
        href="#main"
        onClick={(e) => {
          e.preventDefault();
          main.current?.focus();
        }}
      >
        Skip to content
      </a>
      <Header />
      <Nav route={route} />
      <ProblemsBanner />
      <RemovedBanner />
      <RecoveryReminder />
      <RecoveryChangeBanner />
      <main id="main" ref={main} tabIndex={-1} className="app-main">
        <Loaded>
          <View />
        </Loaded>
      </main>
    </div>
  );
}
