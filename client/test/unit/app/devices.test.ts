/**
 * The device list's "last seen": live for the asking device's own connection
 * and for devices the relay holds a session for, relative and ticking for the
 * others, a date once it is old.
 */
import { describe, expect, it } from 'vitest';
import { ago, seenOf } from '../../../src/app/devices';

const NOW = Date.UTC(2025, 2, 14, 12, 0, 0);
const MIN = 60_000;
const base = { current: false, lastSeenAt: null, revokedAt: null } as const;

describe('seenOf', () => {
  it('shows this device online while its own sync is connected, whatever the relay last wrote', () => {
    const me = { ...base, current: true, lastSeenAt: NOW - 5 * 60 * MIN };
    expect(seenOf(me, NOW, true)).toEqual({ text: 'Online now', online: true });
    // Not connected: the relay's time, relative.
    expect(seenOf(me, NOW, false)).toMatchObject({ text: 'Last seen 5 hours ago', online: false });
  });

  it('shows another device online while the relay says so, else when it was last seen', () => {
    const other = { ...base, lastSeenAt: NOW - 3 * MIN, online: true };
    expect(seenOf(other, NOW, false)).toEqual({ text: 'Online now', online: true });
    expect(seenOf({ ...other, online: false }, NOW, true)).toMatchObject({
      text: 'Last seen 3 minutes ago',
    });
    // A relay that does not say (no `online`) is taken as "not known to be online".
    expect(seenOf({ ...base, lastSeenAt: NOW - 20_000 }, NOW, true).text).toBe(
      'Last seen just now',
    );
    expect(seenOf(base, NOW, true).text).toBe('Not connected yet');
  });

  it('keeps time: the same answer reads later as the clock moves on', () => {
    const other = { ...base, lastSeenAt: NOW - 2 * MIN };
    expect(seenOf(other, NOW, false).text).toBe('Last seen 2 minutes ago');
    expect(seenOf(other, NOW + 60 * MIN, false).text).toBe('Last seen 1 hour ago');
    expect(seenOf(other, NOW + 26 * 60 * MIN, false).text).toBe('Last seen yesterday');
    expect(seenOf(other, NOW + 8 * 24 * 60 * MIN, false).text).toMatch(/^Last seen .*2025$/);
  });

  it('says a removed device was removed, never online', () => {
    const gone = { ...base, revokedAt: NOW - MIN, online: true, lastSeenAt: NOW };
    expect(seenOf(gone, NOW, true)).toEqual({
      text: expect.stringMatching(/^Removed /),
      online: false,
    });
  });

  it('never reads a clock skew as the future', () => {
    expect(ago(NOW + 5 * MIN, NOW)).toBe('just now');
  });
});
