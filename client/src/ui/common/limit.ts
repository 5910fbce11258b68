/**
 * Text fields with a length limit: what the counter under them says. The
 * field never cuts what is typed or pasted (no `maxLength`): past the limit
 * the text stays, the counter turns into an error and saving waits until
 * the text is shortened. Lengths are UTF-16 code units, as `maxLength` and
 * the relay's own label check count them.
 */

/** The longest profile name (onboarding and Settings → Profile). */
export const PROFILE_NAME_LIMIT = 80;

export interface LimitState {
  /** The counter as shown: "12 / 120". */
  readonly count: string;
  /** The counter as read out: "12 of 120 characters". */
  readonly spoken: string;
  /** Characters past the limit (0 within it). */
  readonly over: number;
  /** The error shown past the limit ('' within it). */
  readonly error: string;
  /**
   * What the live region says: constant within each band (under, at, over the
   * limit), so a screen reader hears it once on crossing, not at every key.
   */
  readonly announce: string;
}

const number = new Intl.NumberFormat('en');

export function limitState(length: number, max: number): LimitState {
  const over = Math.max(0, length - max);
  const chars = (n: number) => `${number.format(n)} character${n === 1 ? '' : 's'}`;
  return {
    count: `${number.format(length)} / ${number.format(max)}`,
    spoken: `${number.format(length)} of ${chars(max)}`,
    over,
    error: over === 0 ? '' : `${chars(over)} too many: shorten it to save.`,
    announce:
      over > 0
        ? `Too long: at most ${chars(max)}.`
        : length === max
          ? `Limit reached: ${chars(max)}.`
          : '',
  };
}
