/**
 * Recovery phrase escrow (DESIGN §3.6): round trip, and each way a restore can
 * go wrong ends in its own typed error.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  RECOVERY_BLOB_BYTES,
  bip39Wordlist,
  checkPhrase,
  fromHex,
  generatePhrase,
  openRecoveryBlob,
  openRecoveryBlobWithKeys,
  ready,
  recoveryKeys,
  sealRecoveryBlob,
  sealRecoveryBlobWithKeys,
  toHex,
} from '../src/index.js';
import { codeOf } from './support/code-of.js';

const ENTROPY = fromHex('000102030405060708090a0b0c0d0e0f');
const K_MASTER = fromHex('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f');
const NONCE = fromHex('606162636465666768696a6b6c6d6e6f7071727374757677');
const ACCOUNT = '6f1c2a0e-4b7d-4c1e-9a3f-2d5e8b7c9a10';

let phrase = '';
let blob: Uint8Array = new Uint8Array(0);

beforeAll(async () => {
  await ready();
  phrase = generatePhrase(ENTROPY);
  blob = sealRecoveryBlob(phrase, K_MASTER, ACCOUNT, NONCE);
});

describe('recovery blob', () => {
  it('is 89 bytes and opens back to K_master and the account id', () => {
    expect(phrase.split(' ')).toHaveLength(12);
    expect(blob).toHaveLength(RECOVERY_BLOB_BYTES);
    expect(RECOVERY_BLOB_BYTES).toBe(89);
    expect(blob[0]).toBe(0x01);
    expect(toHex(blob.subarray(1, 25))).toBe(toHex(NONCE));
    const opened = openRecoveryBlob(phrase, blob);
    expect(toHex(opened.kMaster)).toBe(toHex(K_MASTER));
    expect(opened.accountId).toBe(ACCOUNT);
  });

  it('round-trips any K_master and account id under a random phrase', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uuid(),
        (entropy, kMaster, accountId) => {
          const keys = recoveryKeys(generatePhrase(entropy));
          const opened = openRecoveryBlobWithKeys(
            keys,
            sealRecoveryBlobWithKeys(keys, kMaster, accountId),
          );
          expect(opened).toEqual({ kMaster, accountId });
        },
      ),
      { numRuns: 20 },
    );
  });

  it('accepts the phrase typed in capitals with stray spaces', () => {
    const sloppy = `  ${phrase.toUpperCase().split(' ').join('   ')} `;
    expect(openRecoveryBlob(sloppy, blob).accountId).toBe(ACCOUNT);
  });

  it('derives recovery_id and K_wrap that differ from each other and between phrases', () => {
    const a = recoveryKeys(phrase);
    const b = recoveryKeys(generatePhrase(new Uint8Array(16)));
    expect(toHex(a.recoveryId)).not.toBe(toHex(a.kWrap));
    expect(toHex(a.recoveryId)).not.toBe(toHex(b.recoveryId));
  });
});

describe('recovery errors', () => {
  it('a changed word fails the checksum: bad-checksum', () => {
    const words = phrase.split(' ');
    words[3] = words[3] === 'zoo' ? 'abandon' : 'zoo';
    expect(codeOf(() => checkPhrase(words.join(' ')))).toBe('bad-checksum');
    expect(codeOf(() => openRecoveryBlob(words.join(' '), blob))).toBe('bad-checksum');
  });

  it('a word not in the list, or the wrong number of words: bad-checksum', () => {
    const words = phrase.split(' ');
    expect(codeOf(() => openRecoveryBlob([...words.slice(0, 11), 'cairn'].join(' '), blob))).toBe(
      'bad-checksum',
    );
    expect(codeOf(() => openRecoveryBlob(words.slice(0, 11).join(' '), blob))).toBe('bad-checksum');
    expect(codeOf(() => openRecoveryBlob('', blob))).toBe('bad-checksum');
  });

  it('the checksum is checked before any key is derived: recoveryKeys and sealing refuse a typo', () => {
    const words = phrase.split(' ');
    words[0] = words[0] === 'zoo' ? 'abandon' : 'zoo';
    expect(codeOf(() => recoveryKeys(words.join(' ')))).toBe('bad-checksum');
    expect(codeOf(() => sealRecoveryBlob(words.join(' '), K_MASTER, ACCOUNT))).toBe('bad-checksum');
  });

  it('a typo that still passes the checksum fails on the AEAD tag: wrong-phrase', () => {
    // One word in 16 keeps the 4-bit checksum valid; §3.6 says the tag catches those.
    const words = phrase.split(' ');
    const typo = bip39Wordlist
      .filter((w) => w !== words[4])
      .map((w) => [...words.slice(0, 4), w, ...words.slice(5)].join(' '))
      .find((p) => codeOf(() => checkPhrase(p)) === undefined);
    if (typo === undefined) throw new Error('no checksum-valid substitution found');
    expect(codeOf(() => openRecoveryBlob(typo, blob))).toBe('wrong-phrase');
  });

  it('its errors never repeat the words typed', () => {
    const words = phrase.split(' ');
    const wrong = [...words.slice(0, 11), words[11] === 'zoo' ? 'abandon' : 'zoo'].join(' ');
    const other = generatePhrase(fromHex('ffeeddccbbaa99887766554433221100'));
    for (const [p, f] of [
      [wrong, () => openRecoveryBlob(wrong, blob)],
      [other, () => openRecoveryBlob(other, blob)],
      ['cairn ' + words.slice(1).join(' '), () => checkPhrase('cairn ' + words.slice(1).join(' '))],
    ] as const) {
      let message = '';
      try {
        f();
      } catch (e) {
        message = e instanceof Error ? e.message : '';
      }
      expect(message).not.toBe('');
      for (const w of new Set(p.split(' '))) {
        if (w.length >= 4) expect(message).not.toMatch(new RegExp(`\\b${w}\\b`));
      }
    }
  });

  it('another valid phrase: wrong-phrase', () => {
    const other = generatePhrase(fromHex('ffeeddccbbaa99887766554433221100'));
    expect(codeOf(() => checkPhrase(other))).toBeUndefined();
    expect(codeOf(() => openRecoveryBlob(other, blob))).toBe('wrong-phrase');
  });

  it('a tampered blob: wrong-phrase (the tag cannot tell the two apart)', () => {
    const tampered = Uint8Array.from(blob);
    tampered[50]! ^= 0x01;
    expect(codeOf(() => openRecoveryBlob(phrase, tampered))).toBe('wrong-phrase');
  });

  it('a blob of the wrong length: bad-length; an unknown version: bad-version', () => {
    expect(codeOf(() => openRecoveryBlob(phrase, blob.subarray(0, 88)))).toBe('bad-length');
    expect(codeOf(() => openRecoveryBlob(phrase, Uint8Array.of(...blob, 0)))).toBe('bad-length');
    expect(codeOf(() => openRecoveryBlob(phrase, new Uint8Array(0)))).toBe('bad-length');
    const v2 = Uint8Array.from(blob);
    v2[0] = 0x02;
    expect(codeOf(() => openRecoveryBlob(phrase, v2))).toBe('bad-version');
  });

  it('sealing refuses malformed inputs with typed errors', () => {
    expect(codeOf(() => sealRecoveryBlob(phrase, K_MASTER.subarray(1), ACCOUNT))).toBe(
      'bad-length',
    );
    expect(codeOf(() => sealRecoveryBlob(phrase, K_MASTER, ACCOUNT, NONCE.subarray(1)))).toBe(
      'bad-length',
    );
    expect(codeOf(() => sealRecoveryBlob(phrase, K_MASTER, ACCOUNT.toUpperCase()))).toBe(
      'bad-account-id',
    );
    expect(codeOf(() => generatePhrase(new Uint8Array(32)))).toBe('bad-length');
  });
});
