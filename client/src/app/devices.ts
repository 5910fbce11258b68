/**
 * Device names as the user types them (`labelProblem`, the one check shared
 * by renaming, pairing and restoring), and how the device list says when
 * each device was last around, from the
 * relay's answer and this device's own connection: the device that asks is
 * "online now" while its sync is connected (the relay's `lastSeenAt` for it
 * is only when it connected); another is "online now" while the relay holds
 * a session for it; else a relative time that a ticking clock keeps current
 * ("Last seen 3 minutes ago"), and a date once it is a week old.
 */
import { checkLabel, labelProblemText } from '../device/label';
import type { DeviceInfo } from './features';

export { MAX_LABEL_LENGTH as LABEL_LIMIT } from '@cairn/shared';

/** Why `typed` cannot name a device, in words; undefined when it can (device/label.ts). */
export function labelProblem(typed: string): string | undefined {
  const checked = checkLabel(typed);
  return checked.ok ? undefined : labelProblemText(checked.error);
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
const date = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export interface Seen {
  /** What the row says ("Online now", "Last seen 3 minutes ago", "Removed 3 Mar 2025"). */
  readonly text: string;
  readonly online: boolean;
  /** The exact time, for a tooltip; undefined when there is none. */
  readonly exact?: string;
}

/** "3 minutes ago", "yesterday", "just now": `at` seen from `now`. */
export function ago(at: number, now: number): string {
  const past = Math.max(0, now - at);
  if (past < MINUTE) return 'just now';
  if (past < HOUR) return relative.format(-Math.floor(past / MINUTE), 'minute');
  if (past < DAY) return relative.format(-Math.floor(past / HOUR), 'hour');
  return relative.format(-Math.floor(past / DAY), 'day');
}

export function seenOf(
  device: Pick<DeviceInfo, 'current' | 'lastSeenAt' | 'revokedAt' | 'online'>,
  now: number,
  /** Whether this device's own sync is connected to the relay now. */
  connectedHere: boolean,
): Seen {
  if (device.revokedAt !== null) {
    return { text: `Removed ${date.format(device.revokedAt)}`, online: false };
  }
  if (device.current ? connectedHere : device.online === true) {
    return { text: 'Online now', online: true };
  }
  const at = device.lastSeenAt;
  if (at === null) return { text: 'Not connected yet', online: false };
  const exact = dateTime.format(at);
  if (now - at >= 7 * DAY) return { text: `Last seen ${date.format(at)}`, online: false, exact };
  return { text: `Last seen ${ago(at, now)}`, online: false, exact };
}
