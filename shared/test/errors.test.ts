/**
 * Every error code of the crypto core (records, padding, recovery, identity,
 * account ids) is reachable through the public API and arrives as a
 * `CairnError` carrying that code. Codes of the pairing and relay-protocol
 * modules are tested beside those modules.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CairnError,
  attempt,
  bytesToUuid,
  ed25519KeyPair,
  fromHex,
  generatePhrase,
  openRecord,
  openRecoveryBlob,
  ready,
  sealRecord,
  sealRecoveryBlob,
  streamId,
  unpad,
  uuidToBytes,
  x25519,
  x25519KeyPair,
  type CairnErrorCode,
} from '../src/index.js';

const K_MASTER = fromHex('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f');
const ACCOUNT = '6f1c2a0e-4b7d-4c1e-9a3f-2d5e8b7c9a10';

function sealed(): { stream: Uint8Array; record: Uint8Array } {
  const stream = streamId(K_MASTER, 'profile');
  return { stream, record: sealRecord(K_MASTER, stream, Uint8Array.of(1, 2, 3)) };
}

/**
 * Codes the API does not raise: a torn log tail is reported as a value
 * (`parseFrames(...).tornBytes`), and `ed25519Verify` answers a boolean.
 */
const NOT_RAISED_YET = 'not raised by any function yet';

const triggers = {
  'bad-version': () => {
    const { stream, record } = sealed();
    record[0] = 0x02;
    return openRecord(K_MASTER, stream, record);
  },
  'bad-length': () => openRecord(K_MASTER, streamId(K_MASTER, 'profile'), new Uint8Array(40)),
  'authentication-failed': () => {
    const { stream, record } = sealed();
    record[record.length - 1]! ^= 1;
    return openRecord(K_MASTER, stream, record);
  },
  'torn-frame': NOT_RAISED_YET,
  'bad-padding': () => unpad(new Uint8Array(256)),
  'bad-checksum': () => openRecoveryBlob('abandon '.repeat(12).trim(), new Uint8Array(89)),
  'wrong-phrase': () => {
    const blob = sealRecoveryBlob(generatePhrase(new Uint8Array(16)), K_MASTER, ACCOUNT);
    return openRecoveryBlob(generatePhrase(new Uint8Array(16).fill(1)), blob);
  },
  'bad-account-id': () => uuidToBytes('not-a-uuid'),
  'low-order-point': () => x25519(x25519KeyPair(K_MASTER).secretKey, new Uint8Array(32)),
  'bad-signature': NOT_RAISED_YET,
} satisfies Partial<Record<CairnErrorCode, (() => unknown) | typeof NOT_RAISED_YET>>;

beforeAll(async () => {
  await ready();
});

describe('typed errors', () => {
  for (const [code, trigger] of Object.entries(triggers)) {
    if (trigger === NOT_RAISED_YET) continue;
    it(`${code} is raised as a CairnError with that code`, () => {
      let caught: unknown;
      try {
        trigger();
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(CairnError);
      expect(caught).toMatchObject({ name: 'CairnError', code });
    });
  }

  it('lists exactly the codes no function raises yet', () => {
    const idle = Object.entries(triggers).filter(([, t]) => t === NOT_RAISED_YET);
    expect(idle.map(([code]) => code).sort()).toEqual(['bad-signature', 'torn-frame']);
  });

  it('more triggers: bad-length and bad-account-id from other modules', () => {
    expect(() => ed25519KeyPair(new Uint8Array(31))).toThrow(
      expect.objectContaining({ code: 'bad-length' }),
    );
    expect(() => bytesToUuid(new Uint8Array(15))).toThrow(
      expect.objectContaining({ code: 'bad-account-id' }),
    );
  });

  it('attempt turns a CairnError into a value and rethrows anything else', () => {
    expect(attempt(() => 42)).toEqual({ ok: true, value: 42 });
    const failed = attempt(() => unpad(new Uint8Array(3)));
    expect(failed.ok).toBe(false);
    if (!failed.ok) expect(failed.error.code).toBe('bad-padding');
    expect(() =>
      attempt(() => {
        throw new TypeError('a bug');
      }),
    ).toThrow(TypeError);
  });
});
