import { generatePhrase, ready } from '@cairn/shared';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  fillFromPaste,
  isListWord,
  phraseWords,
  quizPasses,
  quizPositions,
  secureRandomInt,
} from '../../../src/recovery/phrase';

let words: string[] = [];
beforeAll(async () => {
  await ready();
  words = generatePhrase(new Uint8Array(16).fill(7)).split(' ');
});

const empty = (): string[] => Array<string>(12).fill('');

describe('phrase input', () => {
  it('reads words from sloppy or numbered text', () => {
    expect(phraseWords('  Abandon\tAMOUNT\n liar ')).toEqual(['abandon', 'amount', 'liar']);
    expect(phraseWords('1. abandon 2) amount 3: liar 10 zoo')).toEqual([
      'abandon',
      'amount',
      'liar',
      'zoo',
    ]);
    expect(phraseWords('')).toEqual([]);
  });

  it('a whole phrase pasted into any input fills all twelve', () => {
    expect(fillFromPaste(empty(), 7, words.join(' '))).toEqual(words);
    expect(fillFromPaste(empty(), 0, words.map((w, i) => `${i + 1}. ${w}`).join('\n'))).toEqual(
      words,
    );
  });

  it('a few words fill from the input pasted into; a single word is left to the input', () => {
    const current = empty();
    current[0] = 'keep';
    expect(fillFromPaste(current, 10, 'alpha beta gamma')).toEqual([
      'keep',
      ...Array<string>(9).fill(''),
      'alpha',
      'beta',
    ]);
    expect(fillFromPaste(current, 3, 'abandon')).toBeUndefined();
  });

  it('knows the list', () => {
    expect(isListWord('Abandon ')).toBe(true);
    expect(isListWord('cairn')).toBe(false);
  });
});

describe('quiz', () => {
  it('picks 3 distinct positions in 0..11, ascending', () => {
    const seq = [11, 0, 5];
    // Pool 0..11: index 11 → 11; pool 0..10: index 0 → 0; pool 1..10: index 5 → 6.
    expect(quizPositions((n) => seq.shift()! % n)).toEqual([0, 6, 11]);
    for (let i = 0; i < 200; i++) {
      const p = quizPositions(secureRandomInt);
      expect(new Set(p).size).toBe(3);
      expect(p.every((x) => x >= 0 && x < 12)).toBe(true);
      expect([...p].sort((x, y) => x - y)).toEqual(p);
    }
  });

  it('passes only the right words at the asked positions', () => {
    const positions = [1, 4, 9];
    const right = positions.map((p) => words[p]!);
    expect(quizPasses(words, positions, right)).toBe(true);
    expect(
      quizPasses(
        words,
        positions,
        right.map((w) => ` ${w.toUpperCase()} `),
      ),
    ).toBe(true);
    expect(quizPasses(words, positions, [right[0]!, right[1]!, 'zoo'])).toBe(words[9] === 'zoo');
    expect(quizPasses(words, positions, [right[0]!, right[1]!])).toBe(false);
  });

  it('draws uniform integers below n', () => {
    const counts = [0, 0, 0];
    for (let i = 0; i < 3000; i++) counts[secureRandomInt(3)]! += 1;
    for (const c of counts) expect(c).toBeGreaterThan(800);
  });
});
