/**
 * Small pure helpers for the phrase screens: splitting typed or pasted text
 * into words, filling the 12 inputs from a paste, and the confirmation quiz
 * (3 of the 12 words, at random positions, before recovery counts as on).
 */
import { RECOVERY_WORDS, bip39Wordlist, normalizePhrase } from '@cairn/shared';

export const QUIZ_WORDS = 3;

/** The words of typed or pasted text: lower case, any whitespace or numbering removed. */
export function phraseWords(text: string): string[] {
  return normalizePhrase(text.replace(/\d+[.):]?/g, ' '))
    .split(' ')
    .filter((w) => w !== '');
}

/**
 * The 12 inputs after pasting `text` into input `index`: a whole phrase fills
 * all twelve, a few words fill from `index` on. Undefined for a single word
 * (an ordinary paste into one input).
 */
export function fillFromPaste(
  current: readonly string[],
  index: number,
  text: string,
): string[] | undefined {
  const words = phraseWords(text);
  if (words.length < 2) return undefined;
  const next = Array.from({ length: RECOVERY_WORDS }, (_, i) => current[i] ?? '');
  const start = words.length >= RECOVERY_WORDS ? 0 : index;
  words.slice(0, RECOVERY_WORDS - start).forEach((w, k) => {
    next[start + k] = w;
  });
  return next;
}

/** Whether a word is in the BIP-39 English list (after normalisation). */
export function isListWord(word: string): boolean {
  return bip39Wordlist.includes(normalizePhrase(word));
}

/** `count` distinct positions in 0..11, ascending. `randomInt(n)` is uniform in 0..n-1. */
export function quizPositions(randomInt: (n: number) => number, count = QUIZ_WORDS): number[] {
  const pool = Array.from({ length: RECOVERY_WORDS }, (_, i) => i);
  const picked: number[] = [];
  for (let k = 0; k < count; k++) {
    const at = randomInt(pool.length);
    const [p] = pool.splice(at, 1);
    if (p === undefined) throw new RangeError('randomInt returned an index out of range');
    picked.push(p);
  }
  return picked.sort((a, b) => a - b);
}

/** The answers at `positions` match the phrase's words (case and spaces ignored). */
export function quizPasses(
  words: readonly string[],
  positions: readonly number[],
  answers: readonly string[],
): boolean {
  return positions.every((p, k) => {
    const want = words[p];
    return want !== undefined && normalizePhrase(answers[k] ?? '') === want;
  });
}

/** A uniform integer in 0..n-1 from the platform's CSPRNG (rejection sampling). */
export function secureRandomInt(n: number): number {
  const limit = Math.floor(0x1_0000_0000 / n) * n;
  const buf = new Uint32Array(1);
  for (;;) {
    crypto.getRandomValues(buf);
    const x = buf[0] ?? 0;
    if (x < limit) return x % n;
  }
}
