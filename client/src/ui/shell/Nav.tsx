import type { Route } from './route';

const items: { route: Route; label: string; icon: string }[] = [
  { route: 'today', label: 'Today', icon: 'M4 12l5 5L20 6' },
  { route: 'habits', label: 'Habits', icon: 'M5 6h14M5 12h14M5 18h9' },
  { route: 'history', label: 'History', icon: 'M5 19V11M12 19V5M19 19v-6' },
  {
    route: 'settings',
    label: 'Settings',
    icon: 'M12 8a4 4 0 100 8 4 4 0 000-8zM12 2v3M12 19v3M2 12h3M19 12h3M5 5l2 2M17 17l2 2M5 19l2-2M17 7l2-2',
  },
];

export function Nav(props: { route: Route }) {
  return (
    <nav className="app-nav" aria-label="Main">
      <ul>
        {items.map((item) => (
          <li key={item.route}>
            <a
              href={`#/${item.route}`}
              aria-current={props.route === item.route ? 'page' : undefined}
            >
              <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
                <path d={item.icon} />
              </svg>
              <span>{item.label}</span>
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
