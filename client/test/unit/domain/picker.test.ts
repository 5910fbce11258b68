import { describe, expect, it } from 'vitest';
import {
  cronToPick,
  describeSchedule,
  ordinal,
  pickToCron,
  unitOf,
  type SchedulePick,
} from '../../../src/domain';

describe('pickToCron / cronToPick', () => {
  it.each<[SchedulePick, string]>([
    [{ type: 'daily' }, '0 0 * * *'],
    [{ type: 'weekdays' }, '0 0 * * 1-5'],
    [{ type: 'days', days: [5, 1, 3] }, '0 0 * * 1,3,5'],
    [{ type: 'days', days: [0, 6] }, '0 0 * * 0,6'],
    [{ type: 'monthDay', day: 1 }, '0 0 1 * *'],
    [{ type: 'monthDay', day: 31 }, '0 0 31 * *'],
    [{ type: 'monthDay', day: 'last' }, '0 0 L * *'],
  ])('%j ↔ %s', (pick, cron) => {
    expect(pickToCron(pick)).toEqual({ ok: true, value: cron });
    const back = cronToPick(cron);
    if (pick.type === 'days') {
      expect(back).toEqual({
        type: 'days',
        days: [...pick.days].sort((a, b) => ((a + 6) % 7) - ((b + 6) % 7)),
      });
    } else {
      expect(back).toEqual(pick);
    }
  });

  it('normalises: all seven days is daily, Mon–Fri is weekdays', () => {
    expect(pickToCron({ type: 'days', days: [0, 1, 2, 3, 4, 5, 6] })).toEqual({
      ok: true,
      value: '0 0 * * *',
    });
    expect(pickToCron({ type: 'days', days: [1, 2, 3, 4, 5] })).toEqual({
      ok: true,
      value: '0 0 * * 1-5',
    });
  });

  it('refuses empty or out-of-range picks', () => {
    expect(pickToCron({ type: 'days', days: [] }).ok).toBe(false);
    expect(pickToCron({ type: 'monthDay', day: 0 }).ok).toBe(false);
    expect(pickToCron({ type: 'monthDay', day: 32 }).ok).toBe(false);
    expect(pickToCron({ type: 'monthDay', day: 1.5 }).ok).toBe(false);
  });

  it('reads crons written by hand', () => {
    expect(cronToPick('30 7 * * MON-FRI')).toEqual({ type: 'weekdays' });
    expect(cronToPick('0 0 * * 0-6')).toEqual({ type: 'daily' });
    expect(cronToPick('15 6 * * sat,sun')).toEqual({ type: 'days', days: [6, 0] });
    expect(cronToPick('0 0 15 * *')).toEqual({ type: 'monthDay', day: 15 });
  });

  it('is undefined for anything the picker cannot write', () => {
    for (const cron of [
      '0 0 1,15 * *',
      '0 0 1 1 *',
      '0 0 * 1-6 1',
      '*/5 * * * *',
      '0 0 1,L * *',
      '0 0 * * 5#2',
      '0 0 1 * 1',
      'nonsense',
    ]) {
      expect(cronToPick(cron), cron).toBeUndefined();
    }
  });
});

describe('describeSchedule', () => {
  it.each([
    ['0 0 * * *', 'Every day'],
    ['0 0 * * 1-5', 'Weekdays'],
    ['0 0 * * 1,3,5', 'Mon, Wed and Fri'],
    ['0 0 * * 2,4', 'Tue and Thu'],
    ['0 0 * * 0,6', 'Weekends'],
    ['0 0 * * 1', 'Every Monday'],
    ['0 0 * * 0,1,2,3,4,5,6', 'Every day'],
    ['0 0 1 * *', 'On the 1st of each month'],
    ['0 0 15 * *', 'On the 15th of each month'],
    ['0 0 2 * *', 'On the 2nd of each month'],
    ['0 0 23 * *', 'On the 23rd of each month'],
    ['0 0 1,15 * *', 'On the 1st and 15th of each month'],
    ['0 0 1 1,7 *', 'On the 1st of Jan and Jul'],
    ['0 0 * 12 *', 'Every day in Dec'],
    ['0 0 * 6-8 6,0', 'Weekends in Jun, Jul and Aug'],
    // The last day of the month is a picker setting now (issue 13).
    ['0 0 L * *', 'On the last day of each month'],
    ['0 0 L 2 *', 'On the last day of Feb'],
    ['0 0 1,L * *', 'Custom schedule (0 0 1,L * *)'],
    ['0 0 31 * *', 'On the 31st of each month (months without a 31st are skipped)'],
    ['0 0 30 * *', 'On the 30th of each month (February is skipped)'],
    ['0 0 29 * *', 'On the 29th of each month (February is skipped except in leap years)'],
    ['0 0 31 1,7 *', 'On the 31st of Jan and Jul'],
    ['0 0 1 * 1', 'Custom schedule (0 0 1 * 1)'],
    ['0 0 * * 5#2', 'Custom schedule (0 0 * * 5#2)'],
    ['bad', 'Invalid schedule'],
  ])('%s → %s', (cron, sentence) => {
    expect(describeSchedule(cron)).toBe(sentence);
  });

  it('ordinals', () => {
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 31].map(ordinal)).toEqual([
      '1st',
      '2nd',
      '3rd',
      '4th',
      '11th',
      '12th',
      '13th',
      '21st',
      '22nd',
      '23rd',
      '31st',
    ]);
  });
});

describe('unitOf', () => {
  it.each([
    ['0 0 * * *', 'day'],
    ['0 0 * * 0-6', 'day'],
    ['0 0 * * 1-5', 'weekday'],
    ['0 0 * * 1,3,5', 'session'],
    ['0 0 * * 0', 'week'],
    ['0 0 1 * *', 'month'],
    ['0 0 31 * *', 'month'],
    ['0 0 L * *', 'month'],
    ['0 0 25 12 *', 'year'],
    ['0 0 1,15 * *', 'session'],
    ['0 0 * 6-8 *', 'session'],
    ['0 0 * * 5#2', 'session'],
    ['nonsense', 'session'],
  ])('%s counts in %s', (cron, unit) => {
    expect(unitOf(cron)).toBe(unit);
  });
});
