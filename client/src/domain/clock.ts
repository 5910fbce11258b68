/**
 * Hybrid logical clocks (Kulkarni et al., 2014): the time stamp each edited
 * field carries, so that "the later edit wins" means the same on every device
 * (lww.ts says how a field is read).
 *
 * A clock is a fixed-width string, so comparing two clocks is comparing
 * strings:
 *
 *   clock = wall(15 decimal digits, ms since the epoch) "-" counter(4 decimal digits) "-" node(16 hex)
 *   e.g.    001772614440000-0000-9f86d081884c7d65
 *
 * `node` names the device (a stable tag, see the app's device options); the
 * profile document maps it to the device's label ("changed on Phone").
 *
 * Issuing a clock: `wall` is the larger of the device's own time and the
 * largest clock it has issued or been shown (the clocks of the value being
 * overwritten); `counter` counts edits within one millisecond of `wall`. So an
 * edit made after a device has seen another edit always carries a larger clock,
 * even if that device's time is minutes behind; two edits made on devices that
 * had not seen each other's are ordered by their devices' times, and by the
 * node when even those are equal. No clock is ever the same on two devices.
 *
 * The empty string is the clock of a value written before clocks existed: it
 * is older than every clock.
 */

export type Hlc = string;

const WALL_DIGITS = 15;
const COUNTER_DIGITS = 4;
const COUNTER_MAX = 10 ** COUNTER_DIGITS - 1;
const HLC_RE = /^(\d{15})-(\d{4})-([0-9a-f]{16})$/;
const NODE_RE = /^[0-9a-f]{16}$/;

/** The node written by callers that name no device (tests, imports of old files). */
export const UNKNOWN_NODE = '0000000000000000';

export function isNode(node: string): boolean {
  return NODE_RE.test(node);
}

export function formatHlc(wall: number, counter: number, node: string): Hlc {
  if (!Number.isSafeInteger(wall) || wall < 0) throw new Error(`bad clock time ${wall}`);
  if (!Number.isInteger(counter) || counter < 0 || counter > COUNTER_MAX) {
    throw new Error(`bad clock counter ${counter}`);
  }
  if (!isNode(node)) throw new Error(`bad clock node ${node}`);
  return `${String(wall).padStart(WALL_DIGITS, '0')}-${String(counter).padStart(COUNTER_DIGITS, '0')}-${node}`;
}

export interface ParsedHlc {
  /** ms since the epoch. */
  wall: number;
  counter: number;
  node: string;
}

/** The parts of a clock, or undefined for '' and anything not written by formatHlc. */
export function parseHlc(clock: string): ParsedHlc | undefined {
  const m = HLC_RE.exec(clock);
  if (!m) return undefined;
  return { wall: Number(m[1]), counter: Number(m[2]), node: m[3] ?? '' };
}

/** The larger of two clocks ('' is the smallest). */
export function maxHlc(a: Hlc, b: Hlc): Hlc {
  return a >= b ? a : b;
}

/** Where a mutator gets the clock for the fields it writes. */
export interface ClockSource {
  /** A clock larger than `after` and than every clock this source issued before. */
  next(after?: Hlc): Hlc;
}

/**
 * A device's clock: `now` reads the device's time (ms); `node` names the
 * device. Keep one per device for as long as the app runs.
 */
export class HybridClock implements ClockSource {
  private wall = 0;
  private counter = -1;

  constructor(
    readonly node: string,
    private readonly now: () => number,
  ) {
    if (!isNode(node)) throw new Error(`bad clock node ${node}`);
  }

  /** Takes in a clock seen elsewhere, so the next one issued is larger. */
  observe(clock: Hlc): void {
    const seen = parseHlc(clock);
    if (seen === undefined) return;
    if (seen.wall > this.wall || (seen.wall === this.wall && seen.counter > this.counter)) {
      this.wall = seen.wall;
      this.counter = seen.counter;
    }
  }

  next(after: Hlc = ''): Hlc {
    this.observe(after);
    const physical = Math.max(0, Math.floor(this.now()));
    if (physical > this.wall) {
      this.wall = physical;
      this.counter = 0;
    } else if (this.counter >= COUNTER_MAX) {
      this.wall += 1;
      this.counter = 0;
    } else {
      this.counter += 1;
    }
    const issued = formatHlc(this.wall, this.counter, this.node);
    // Same wall and counter as `after` but a smaller node: step once more.
    return issued > after ? issued : this.next(issued);
  }
}

/**
 * The clock source of a mutator called without one (tests, and callers that
 * only have a time): clocks at `now`, on the unknown node.
 */
export function clockAt(now: number): ClockSource {
  return new HybridClock(UNKNOWN_NODE, () => now);
}
