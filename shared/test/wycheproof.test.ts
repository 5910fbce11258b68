/**
 * Every applicable Wycheproof case (C2SP/wycheproof, testvectors_v1), read in
 * place from the vector folder beside the checkout; skipped when it is absent.
 *
 * What is asserted, per file:
 * - xchacha20_poly1305: `valid` cases encrypt to ct ‖ tag and decrypt back;
 *   `invalid` cases are rejected: a modified tag with `authentication-failed`,
 *   a nonce that is not 24 bytes with `bad-length` (on both encrypt and decrypt).
 * - hkdf_sha256: `valid` cases give okm (with the given salt; an empty salt is
 *   the RFC default); `invalid` ones ask for more than 255·32 bytes and throw a
 *   RangeError (a caller's bug: Cairn's lengths are constants).
 * - hmac_sha256: the tag, truncated to the group's tagSize, equals the case's
 *   tag exactly when the case is `valid`.
 * - x25519: libsodium's policy, which is Cairn's: a case whose shared secret is
 *   all zero (every low-order public key, canonical or not) is rejected with
 *   `low-order-point`; every other case, including the `acceptable` ones with a
 *   non-canonical public key (u ≥ 2^255 − 19, or the top bit set), must yield the
 *   listed shared secret: the top bit is ignored and u is reduced mod p, as
 *   RFC 7748 §5 specifies.
 */
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CairnError,
  aeadDecrypt,
  aeadEncrypt,
  concat,
  fromHex,
  hkdf,
  hmacSha256,
  ready,
  toHex,
  x25519,
} from '../src/index.js';
import { Hex, hasVectors, readVectors } from './support/vectors.js';

const Result = v.picklist(['valid', 'invalid', 'acceptable']);
const testFile = <G extends v.GenericSchema>(group: G) =>
  v.object({ numberOfTests: v.number(), testGroups: v.array(group) });

const AeadFile = testFile(
  v.object({
    ivSize: v.number(),
    keySize: v.number(),
    tagSize: v.number(),
    tests: v.array(
      v.object({
        tcId: v.number(),
        flags: v.array(v.string()),
        key: Hex,
        iv: Hex,
        aad: Hex,
        msg: Hex,
        ct: Hex,
        tag: Hex,
        result: Result,
      }),
    ),
  }),
);
const HkdfFile = testFile(
  v.object({
    tests: v.array(
      v.object({
        tcId: v.number(),
        ikm: Hex,
        salt: Hex,
        info: Hex,
        size: v.number(),
        okm: Hex,
        result: Result,
      }),
    ),
  }),
);
const MacFile = testFile(
  v.object({
    tagSize: v.number(),
    tests: v.array(v.object({ tcId: v.number(), key: Hex, msg: Hex, tag: Hex, result: Result })),
  }),
);
const XdhFile = testFile(
  v.object({
    curve: v.literal('curve25519'),
    tests: v.array(
      v.object({
        tcId: v.number(),
        flags: v.array(v.string()),
        public: Hex,
        private: Hex,
        shared: Hex,
        result: Result,
      }),
    ),
  }),
);

/** The code of the CairnError `f` throws, 'ok' if it returns; other throws are bugs. */
function outcome(f: () => unknown): string {
  try {
    f();
    return 'ok';
  } catch (e) {
    if (e instanceof CairnError) return e.code;
    throw e;
  }
}

const casesRun: Record<string, number> = {};
const failures = (file: string) => {
  const list: string[] = [];
  return {
    list,
    check(tcId: number, passed: boolean, what: string) {
      casesRun[file] = (casesRun[file] ?? 0) + 1;
      if (!passed) list.push(`tcId ${tcId}: ${what}`);
    },
  };
};

beforeAll(async () => {
  await ready();
});

afterAll(() => {
  if (Object.keys(casesRun).length === 0) return;
  const lines = Object.entries(casesRun).map(([file, n]) => `  ${file}: ${n} cases`);
  console.log(`Wycheproof cases run:\n${lines.join('\n')}`);
});

const XCHACHA = 'wycheproof/xchacha20_poly1305_test.json';
describe.skipIf(!hasVectors(XCHACHA))(XCHACHA, () => {
  it('valid cases seal and open; invalid ones are rejected with a typed error', () => {
    const file = readVectors(XCHACHA, AeadFile);
    const f = failures(XCHACHA);
    for (const group of file.testGroups) {
      for (const t of group.tests) {
        const [key, iv, aad, msg] = [fromHex(t.key), fromHex(t.iv), fromHex(t.aad), fromHex(t.msg)];
        const sealed = concat(fromHex(t.ct), fromHex(t.tag));
        if (t.result === 'valid') {
          const enc = toHex(aeadEncrypt(key, iv, msg, aad));
          const dec = toHex(aeadDecrypt(key, iv, sealed, aad));
          f.check(t.tcId, enc === t.ct + t.tag && dec === t.msg, `valid: got ${enc} / ${dec}`);
        } else if (group.ivSize !== 192) {
          const enc = outcome(() => aeadEncrypt(key, iv, msg, aad));
          const dec = outcome(() => aeadDecrypt(key, iv, sealed, aad));
          f.check(t.tcId, enc === 'bad-length' && dec === 'bad-length', `nonce: ${enc} / ${dec}`);
        } else {
          const dec = outcome(() => aeadDecrypt(key, iv, sealed, aad));
          f.check(t.tcId, dec === 'authentication-failed', `invalid opened: ${dec}`);
        }
      }
    }
    expect(f.list).toEqual([]);
    expect(casesRun[XCHACHA]).toBe(file.numberOfTests);
  });
});

const HKDF = 'wycheproof/hkdf_sha256_test.json';
describe.skipIf(!hasVectors(HKDF))(HKDF, () => {
  it('valid cases give okm; too-long outputs are refused', () => {
    const file = readVectors(HKDF, HkdfFile);
    const f = failures(HKDF);
    for (const group of file.testGroups) {
      for (const t of group.tests) {
        const derive = () => hkdf(fromHex(t.ikm), fromHex(t.info), t.size, fromHex(t.salt));
        if (t.result === 'valid') {
          const okm = toHex(derive());
          f.check(t.tcId, okm === t.okm, `got ${okm}`);
        } else {
          f.check(t.tcId, t.size > 255 * 32 && throwsRangeError(derive), 'not refused');
        }
      }
    }
    expect(f.list).toEqual([]);
    expect(casesRun[HKDF]).toBe(file.numberOfTests);
  });
});

function throwsRangeError(f: () => unknown): boolean {
  try {
    f();
    return false;
  } catch (e) {
    return e instanceof RangeError;
  }
}

const HMAC = 'wycheproof/hmac_sha256_test.json';
describe.skipIf(!hasVectors(HMAC))(HMAC, () => {
  it('the truncated tag matches exactly for valid cases', () => {
    const file = readVectors(HMAC, MacFile);
    const f = failures(HMAC);
    for (const group of file.testGroups) {
      for (const t of group.tests) {
        const tag = toHex(
          hmacSha256(fromHex(t.key), fromHex(t.msg)).subarray(0, group.tagSize / 8),
        );
        f.check(t.tcId, (tag === t.tag) === (t.result === 'valid'), `${t.result}: got ${tag}`);
      }
    }
    expect(f.list).toEqual([]);
    expect(casesRun[HMAC]).toBe(file.numberOfTests);
  });
});

const X25519 = 'wycheproof/x25519_test.json';
describe.skipIf(!hasVectors(X25519))(X25519, () => {
  it('all-zero results are rejected as low-order; every other case matches', () => {
    const file = readVectors(X25519, XdhFile);
    const f = failures(X25519);
    let rejected = 0;
    for (const group of file.testGroups) {
      for (const t of group.tests) {
        const run = () => x25519(fromHex(t.private), fromHex(t.public));
        if (/^(00)+$/.test(t.shared)) {
          rejected++;
          const got = outcome(run);
          f.check(t.tcId, got === 'low-order-point', `zero secret: ${got}`);
        } else {
          // No case in the file is `invalid`; `acceptable` ones hold a secret libsodium computes.
          let got: string;
          try {
            got = toHex(run());
          } catch (e) {
            if (!(e instanceof CairnError)) throw e;
            got = `refused: ${e.code}`;
          }
          f.check(t.tcId, got === t.shared, got);
        }
      }
    }
    expect(f.list).toEqual([]);
    // The file flags 31 cases ZeroSharedSecret (README of the vector folder).
    const flagged = file.testGroups.flatMap((g) =>
      g.tests.filter((t) => t.flags.includes('ZeroSharedSecret')),
    );
    expect(rejected).toBe(flagged.length);
    expect(rejected).toBeGreaterThan(0);
    console.log(`x25519: ${rejected} all-zero cases rejected as low-order-point`);
    expect(casesRun[X25519]).toBe(file.numberOfTests);
  });
});
