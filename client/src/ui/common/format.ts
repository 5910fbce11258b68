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

export function monthLabel(day: string): string {
  return utcDate(day).toLocaleDateString(undefined, { month: 'short', timeZone: 'UTC' });
}

export function percent(done: number, due: number): string {
  return due === 0 ? '–' : `${Math.round((100 * done) / due)}%`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
