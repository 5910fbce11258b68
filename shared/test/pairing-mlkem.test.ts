/**
 * ML-KEM-768 as pairing uses it (shared/src/pairing/kem.ts), against
 * Wycheproof (C2SP/wycheproof testvectors_v1), read in place from the vector
 * folder beside the checkout and skipped when it is absent.
 *
 * - mlkem_768_test.json: key generation from the 64-byte seed gives `ek`, and
 *   decapsulating `c` gives `K` — including the implicit-rejection cases
 *   (random or bit-flipped ciphertexts, which must yield the listed pseudorandom
 *   K, not an error). `invalid` cases (a seed or ciphertext of the wrong
 *   length) fail with `bad-length` or `kem-failed`.
 * - mlkem_768_encaps_test.json: encapsulating with message `m` gives `c` and
 *   `K`; an encapsulation key that fails the FIPS 203 modulus check, or has the
 *   wrong length, is `kem-failed` — the error B reports for such an offer.
 */
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { fromHex, mlkemDecapsulate, mlkemEncapsulate, mlkemKeyPair, toHex } from '../src/index.js';
import { isCairnError } from './pairing-fixtures.js';
import { Hex, hasVectors, readVectors } from './support/vectors.js';

const Result = v.picklist(['valid', 'invalid', 'acceptable']);

const DecapsFile = v.object({
  testGroups: v.array(
    v.object({
      parameterSet: v.literal('ML-KEM-768'),
      tests: v.array(
        v.object({
          tcId: v.number(),
          comment: v.optional(v.string()),
          seed: Hex,
          ek: v.optional(Hex),
          c: Hex,
          K: Hex,
          result: Result,
        }),
      ),
    }),
  ),
});

const EncapsFile = v.object({
  testGroups: v.array(
    v.object({
      parameterSet: v.literal('ML-KEM-768'),
      tests: v.array(
        v.object({
          tcId: v.number(),
          comment: v.optional(v.string()),
          ek: Hex,
          m: Hex,
          c: Hex,
          K: Hex,
          result: Result,
        }),
      ),
    }),
  ),
});

const DECAPS = 'wycheproof/mlkem_768_test.json';
const ENCAPS = 'wycheproof/mlkem_768_encaps_test.json';

const failsWith = (f: () => unknown, codes: string[]): boolean => {
  try {
    f();
    return false;
  } catch (e) {
    return codes.some((code) => isCairnError(e, code));
  }
};

describe.skipIf(!hasVectors(DECAPS))('ML-KEM-768 key generation and decapsulation', () => {
  it('matches every Wycheproof case', () => {
    const tests = readVectors(DECAPS, DecapsFile).testGroups.flatMap((g) => g.tests);
    expect(tests.length).toBe(193);
    let valid = 0;
    let rejectedImplicitly = 0;
    for (const t of tests) {
      const label = `tcId ${t.tcId} ${t.comment ?? ''}`;
      if (t.result === 'valid') {
        const keys = mlkemKeyPair(fromHex(t.seed));
        if (t.ek !== undefined) expect(toHex(keys.publicKey), label).toBe(t.ek);
        expect(toHex(mlkemDecapsulate(fromHex(t.c), keys.secretKey)), label).toBe(t.K);
        valid++;
        if (/random|flipped/i.test(t.comment ?? '')) rejectedImplicitly++;
      } else {
        const attemptIt = () =>
          mlkemDecapsulate(fromHex(t.c), mlkemKeyPair(fromHex(t.seed)).secretKey);
        expect(failsWith(attemptIt, ['bad-length', 'kem-failed']), label).toBe(true);
      }
    }
    expect(valid).toBe(153);
    expect(rejectedImplicitly).toBeGreaterThan(0);
  });
});

describe.skipIf(!hasVectors(ENCAPS))('ML-KEM-768 encapsulation', () => {
  it('matches every Wycheproof case; bad keys are kem-failed', () => {
    const tests = readVectors(ENCAPS, EncapsFile).testGroups.flatMap((g) => g.tests);
    expect(tests.length).toBe(265);
    let invalid = 0;
    for (const t of tests) {
      const label = `tcId ${t.tcId} ${t.comment ?? ''}`;
      const run = () => mlkemEncapsulate(fromHex(t.ek), fromHex(t.m));
      if (t.result === 'valid') {
        const { cipherText, sharedSecret } = run();
        expect(toHex(cipherText), label).toBe(t.c);
        expect(toHex(sharedSecret), label).toBe(t.K);
      } else {
        expect(failsWith(run, ['kem-failed']), label).toBe(true);
        invalid++;
      }
    }
    expect(invalid).toBe(132);
  });
});
