/** The counter of a limited text field: what it shows, says and announces. */
import { describe, expect, it } from 'vitest';
import { limitState } from '../../../src/ui/common/limit';

describe('limitState', () => {
  it('counts under the limit, with nothing to announce', () => {
    expect(limitState(0, 120)).toEqual({
      count: '0 / 120',
      spoken: '0 of 120 characters',
      over: 0,
      error: '',
      announce: '',
    });
    expect(limitState(119, 120).announce).toBe('');
  });

  it('announces reaching the limit, still allowed', () => {
    const at = limitState(120, 120);
    expect(at.over).toBe(0);
    expect(at.error).toBe('');
    expect(at.announce).toBe('Limit reached: 120 characters.');
  });

  it('past the limit: an error that says by how much, one announcement for the whole band', () => {
    const one = limitState(121, 120);
    expect(one.over).toBe(1);
    expect(one.error).toBe('1 character too many: shorten it to save.');
    const many = limitState(2_500, 2_000);
    expect(many.count).toBe('2,500 / 2,000');
    expect(many.error).toBe('500 characters too many: shorten it to save.');
    expect(many.announce).toBe(one.announce.replace('120', '2,000'));
    expect(limitState(130, 120).announce).toBe(one.announce);
  });
});
