/**
 * Cursors: contiguous moves, own acknowledged events, and the cover of a
 * compaction snapshot.
 */
import { describe, expect, it } from 'vitest';
import { Cursors } from '../../../src/sync/replica/cursors';

const cursors = (): Cursors => new Cursors(() => undefined);

describe('cursors', () => {
  it('moves over own acknowledged events only once the gap before them is filled', () => {
    const c = cursors();
    c.acked('s', 2);
    c.acked('s', 3);
    expect(c.get('s')).toBe(0);
    c.advance('s', 1);
    expect(c.get('s')).toBe(3);
  });

  it('covers from a snapshot cursor through the own events that follow it', () => {
    const c = cursors();
    for (const seq of [5, 3, 4, 8, 9, 7]) c.acked('s', seq);
    // Runs [3..5] and [7..9]; 6 is another device's.
    expect(c.cover('s', 2)).toBe(5);
    expect(c.cover('s', 4)).toBe(5);
    expect(c.cover('s', 6)).toBe(9);
    expect(c.cover('s', 1)).toBe(1);
    expect(c.cover('other', 2)).toBe(2);
    c.acked('s', 6);
    expect(c.cover('s', 2)).toBe(9);
  });

  it('forgets the oldest runs first, which only shortens a cover', () => {
    const c = cursors();
    for (let i = 0; i < 100; i++) c.acked('s', 10 + 2 * i);
    expect(c.cover('s', 9)).toBe(9);
    expect(c.cover('s', 207)).toBe(208);
    c.clear();
    expect(c.cover('s', 207)).toBe(207);
  });
});
