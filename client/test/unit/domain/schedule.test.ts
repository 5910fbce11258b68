import { describe, expect, it } from 'vitest';
import { eachDay, isScheduledOn, scheduledDays, validateCron } from '../../../src/domain';

const allDays = (from: string, to: string): string[] => eachDay(from, to);

describe('validateCron', () => {
  it('accepts five fields and normalises spaces', () => {
    expect(validateCron('  0  0 * *   1-5 ')).toEqual({ ok: true, value: '0 0 * * 1-5' });
    expect(validateCron('0 0 29 2 *').ok).toBe(true); // fires every leap year
    expect(validateCron('0 0 * * MON,WED,FRI').ok).toBe(true);
  });

  it.each([
    ['0 0 * * * *', 'bad-cron'], // six fields
    ['0 0 * *', 'bad-cron'],
    ['@daily', 'bad-cron'],
    ['0 0 ? * *', 'bad-cron'], // croner's "?" means "now": not deterministic
    ['0 0 32 * *', 'bad-cron'],
    ['0 24 * * *', 'bad-cron'],
    ['0 0 * 13 *', 'bad-cron'],
    ['0 0 * * 8', 'bad-cron'],
    ['x y z a b', 'bad-cron'],
    ['', 'bad-cron'],
    ['0 0 30 2 *', 'cron-never-fires'],
    ['0 0 31 4,6,9,11 *', 'cron-never-fires'],
  ])('refuses %j with %s', (cron, code) => {
    const r = validateCron(cron);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe(code);
  });
});

describe('scheduledDays / isScheduledOn', () => {
  it('weekly patterns', () => {
    // 2026-11-02 is a Monday
    expect(scheduledDays('0 0 * * 1,3,5', '2026-11-02', '2026-11-08', 'UTC')).toEqual([
      '2026-11-02',
      '2026-11-04',
      '2026-11-06',
    ]);
    expect(scheduledDays('0 0 * * 1-5', '2026-11-02', '2026-11-08', 'Europe/London')).toHaveLength(
      5,
    );
    expect(scheduledDays('0 0 * * 0,7', '2026-11-02', '2026-11-08', 'UTC')).toEqual(['2026-11-08']);
  });

  it('day of month and day of week combine with OR, as in Vixie cron', () => {
    expect(scheduledDays('0 0 1 * 1', '2026-06-01', '2026-06-30', 'UTC')).toEqual([
      '2026-06-01', // the 1st, and a Monday
      '2026-06-08',
      '2026-06-15',
      '2026-06-22',
      '2026-06-29',
    ]);
  });

  it('crosses year ends', () => {
    expect(scheduledDays('0 0 * * *', '2026-12-30', '2027-01-02', 'Asia/Tokyo')).toEqual(
      allDays('2026-12-30', '2027-01-02'),
    );
    expect(scheduledDays('0 0 * * *', '2026-12-30', '2026-12-29', 'UTC')).toEqual([]);
  });

  describe('month ends', () => {
    it('the 31st is not scheduled in a 30-day month, and does not spill into the next', () => {
      expect(scheduledDays('0 0 31 * *', '2026-04-01', '2026-04-30', 'UTC')).toEqual([]);
      expect(isScheduledOn('0 0 31 * *', '2026-04-30', 'UTC')).toBe(false);
      expect(isScheduledOn('0 0 31 * *', '2026-05-01', 'UTC')).toBe(false);
      expect(isScheduledOn('0 0 31 * *', '2026-05-31', 'UTC')).toBe(true);
      expect(scheduledDays('0 0 31 * *', '2026-01-01', '2026-12-31', 'Europe/Paris')).toEqual([
        '2026-01-31',
        '2026-03-31',
        '2026-05-31',
        '2026-07-31',
        '2026-08-31',
        '2026-10-31',
        '2026-12-31',
      ]);
    });

    it('30th and 29th skip February', () => {
      expect(scheduledDays('0 0 30 * *', '2026-02-01', '2026-03-31', 'UTC')).toEqual([
        '2026-03-30',
      ]);
      expect(scheduledDays('0 0 29 * *', '2027-02-01', '2027-02-28', 'UTC')).toEqual([]);
    });
  });

  describe('leap days', () => {
    it('29 February only in leap years', () => {
      expect(isScheduledOn('0 0 29 2 *', '2028-02-29', 'America/New_York')).toBe(true);
      expect(scheduledDays('0 0 29 2 *', '2026-01-01', '2027-12-31', 'UTC')).toEqual([]);
      expect(scheduledDays('0 0 29 2 *', '2024-01-01', '2032-12-31', 'UTC')).toEqual([
        '2024-02-29',
        '2028-02-29',
        '2032-02-29',
      ]);
      expect(scheduledDays('0 0 * * *', '2028-02-27', '2028-03-01', 'UTC')).toEqual([
        '2028-02-27',
        '2028-02-28',
        '2028-02-29',
        '2028-03-01',
      ]);
      // 2100 is not a leap year
      expect(scheduledDays('0 0 29 2 *', '2100-01-01', '2100-12-31', 'UTC')).toEqual([]);
    });
  });

  describe('DST', () => {
    it('America/New_York: every day of March and November 2026, each once (23 and 25 hour days)', () => {
      for (const cron of ['0 0 * * *', '0 9 * * *', '30 1 * * *', '59 23 * * *']) {
        expect(scheduledDays(cron, '2026-03-01', '2026-03-31', 'America/New_York')).toEqual(
          allDays('2026-03-01', '2026-03-31'),
        );
        expect(scheduledDays(cron, '2026-11-01', '2026-11-30', 'America/New_York')).toEqual(
          allDays('2026-11-01', '2026-11-30'),
        );
      }
    });

    it('a fixed time that the spring-forward skips still schedules its day', () => {
      // 02:30 does not exist on 2026-03-08 in New York; croner runs it at 03:00.
      expect(isScheduledOn('30 2 * * *', '2026-03-08', 'America/New_York')).toBe(true);
      // 01:30 happens twice on 2026-11-01: still one day.
      expect(scheduledDays('30 1 * * *', '2026-10-31', '2026-11-02', 'America/New_York')).toEqual([
        '2026-10-31',
        '2026-11-01',
        '2026-11-02',
      ]);
    });

    it('an interval pattern entirely inside the skipped hour does not fire that day (croner rule)', () => {
      expect(isScheduledOn('*/30 2 * * *', '2026-03-08', 'America/New_York')).toBe(false);
      expect(isScheduledOn('*/30 2 * * *', '2026-03-07', 'America/New_York')).toBe(true);
      expect(isScheduledOn('*/30 2 * * *', '2026-03-09', 'America/New_York')).toBe(true);
      // every minute of every day still schedules the short day
      expect(isScheduledOn('* * * * *', '2026-03-08', 'America/New_York')).toBe(true);
    });

    it('Europe/London: 2026-03-29 (01:00 skipped) and 2026-10-25 (01:00 twice)', () => {
      for (const cron of ['0 0 * * *', '0 1 * * *', '30 1 * * *', '0 12 * * 0']) {
        expect(isScheduledOn(cron, '2026-03-29', 'Europe/London')).toBe(true);
        expect(isScheduledOn(cron, '2026-10-25', 'Europe/London')).toBe(true);
      }
      expect(scheduledDays('0 1 * * *', '2026-10-24', '2026-10-26', 'Europe/London')).toHaveLength(
        3,
      );
    });

    it('America/Santiago: midnight skipped (2026-09-06) and repeated hour before midnight (2026-04-05)', () => {
      expect(isScheduledOn('0 0 * * *', '2026-09-06', 'America/Santiago')).toBe(true);
      expect(scheduledDays('0 0 * * *', '2026-09-01', '2026-09-30', 'America/Santiago')).toEqual(
        allDays('2026-09-01', '2026-09-30'),
      );
      expect(scheduledDays('30 23 * * *', '2026-04-01', '2026-04-30', 'America/Santiago')).toEqual(
        allDays('2026-04-01', '2026-04-30'),
      );
      expect(
        scheduledDays('*/15 23 * * *', '2026-04-03', '2026-04-06', 'America/Santiago'),
      ).toEqual(allDays('2026-04-03', '2026-04-06'));
      expect(isScheduledOn('0 0 * * 0', '2026-09-06', 'America/Santiago')).toBe(true); // a Sunday
    });

    it('Asia/Beirut: midnight skipped on 2022-03-27', () => {
      expect(isScheduledOn('0 0 * * *', '2022-03-27', 'Asia/Beirut')).toBe(true);
      expect(scheduledDays('0 0 * * *', '2022-03-25', '2022-03-29', 'Asia/Beirut')).toHaveLength(5);
    });

    it('a day that never happened is never scheduled (Samoa skipped 2011-12-30)', () => {
      expect(scheduledDays('0 0 * * *', '2011-12-28', '2012-01-01', 'Pacific/Apia')).toEqual([
        '2011-12-28',
        '2011-12-29',
        '2011-12-31',
        '2012-01-01',
      ]);
    });
  });

  it('time zone changes do not change which days a day-level schedule picks', () => {
    const zones = [
      'UTC',
      'Pacific/Auckland',
      'America/Los_Angeles',
      'Asia/Kolkata',
      'Europe/London',
    ];
    const sets = zones.map((tz) => scheduledDays('0 0 * * 1,3,5', '2026-01-01', '2026-12-31', tz));
    for (const s of sets) expect(s).toEqual(sets[0]);
    expect(sets[0]).toHaveLength(156);
  });

  it('an invalid cron schedules nothing; an unknown zone is a bug', () => {
    expect(scheduledDays('not a cron', '2026-01-01', '2026-01-31', 'UTC')).toEqual([]);
    expect(isScheduledOn('0 0 30 2 *', '2026-02-28', 'UTC')).toBe(false);
    expect(() => scheduledDays('0 0 * * *', '2026-01-01', '2026-01-31', 'Mars/Olympus')).toThrow();
  });
});
