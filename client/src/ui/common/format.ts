/** Display formatting only (dates are YYYY-MM-DD strings, read as calendar days). */

function utcDate(day: string): Date {
  return new Date(`${day}T12:00:00Z`);
}

export function longDate(day: string): string {
  return utcDate(day).toLocaleDateString(undefined, {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    timeZone: 'UTC',
  });
}

export function shortDate(day: string): string {
  return utcDate(day).toLocaleDateString(undefined, {
    day: 'numeric',
    month: 'short',
    timeZone: 'UTC',
  });
}

/** "Wed 4 Mar". */
export function shortDay(day: string): string {
  return utcDate(day).toLocaleDateString(undefined, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    timeZone: 'UTC',
  });
}

export function monthLabel(day: string): string {
  return utcDate(day).toLocaleDateString(undefined, { month: 'short', timeZone: 'UTC' });
}

export function percent(done: number, due: number): string {
  return due === 0 ? '–' : `${Math.round((100 * done) / due)}%`;
}

/** Today / yesterday / "3 Mar", for "changed on Phone at 09:14". */
export function dayWords(day: string, today: string): string {
  if (day === today) return '';
  const yesterday = new Date(Date.parse(`${today}T12:00:00Z`) - 86_400_000)
    .toISOString()
    .slice(0, 10);
  return day === yesterday ? 'yesterday' : `on ${shortDate(day)}`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
