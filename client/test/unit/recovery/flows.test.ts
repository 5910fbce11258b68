/**
 * The restore flow's answers, with a scripted relay: the checksum is checked
 * before any request, each relay answer maps to its own failure, and a blob
 * that is not the phrase's, or names another account, is refused.
 */
import {
  RecoveryPutRequest,
  buildRecoveryPut,
  ed25519KeyPair,
  fromBase64,
  fromHex,
  generatePhrase,
  ready,
  recoveryCredentials,
  sealRecoveryBlobWithKeys,
  toBase64,
  toHex,
  x25519KeyPair,
} from '@cairn/shared';
import * as v from 'valibot';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { RecoveryFetch } from '../../../src/recovery/api';
import {
  checkTypedPhrase,
  enableRecovery,
  restoreFromPhrase,
  type RestoreDeps,
} from '../../../src/recovery/flows';

const ACCOUNT = '6f1c2a0e-4b7d-4c1e-9a3f-2d5e8b7c9a10';
const K_MASTER = fromHex('11'.repeat(32));
const DEVICE_ID = '0d1e2f30-4152-4637-8899-aabbccddeeff';
let phrase = '';

beforeAll(async () => {
  await ready();
  phrase = generatePhrase(fromHex('000102030405060708090a0b0c0d0e0f'));
});

type Reply = { status: number; body?: unknown };

function relay(reply: Reply | ((url: string, body: unknown) => Reply)) {
  return vi.fn<RecoveryFetch>(async (url, init) => {
    const r = typeof reply === 'function' ? reply(url, JSON.parse(init.body)) : reply;
    return {
      status: r.status,
      json: async () => {
        if (r.body === undefined) throw new SyntaxError('no body');
        return r.body;
      },
    };
  });
}

const deps = (fetchFn: RecoveryFetch): RestoreDeps => ({
  fetch: fetchFn,
  relayUrl: 'https://relay.example/',
  device: {
    deviceId: DEVICE_ID,
    signing: ed25519KeyPair(fromHex('a0'.repeat(32))),
    boxPublicKey: x25519KeyPair(fromHex('b0'.repeat(32))).publicKey,
    label: 'Test',
  },
});

const blobOf = (p: string, account = ACCOUNT): string =>
  toBase64(sealRecoveryBlobWithKeys(recoveryCredentials(p), K_MASTER, account));

describe('checkTypedPhrase', () => {
  it('names what is wrong: count, an unknown word, or the checksum', () => {
    const words = phrase.split(' ');
    const c1 = checkTypedPhrase(words.slice(0, 11).join(' '));
    expect(!c1.ok && c1.error.message).toBe(
      'A word is mistyped. A recovery phrase has 12 words; this has 11.',
    );
    const c2 = checkTypedPhrase([...words.slice(0, 3), 'cairn', ...words.slice(4)].join(' '));
    expect(!c2.ok && c2.error.message).toBe('A word is mistyped. Word 4 is not in the word list.');
    words[3] = words[3] === 'zoo' ? 'abandon' : 'zoo';
    const c3 = checkTypedPhrase(words.join(' '));
    expect(!c3.ok && c3.error.kind).toBe('mistyped');
    expect(!c3.ok && c3.error.message).toMatch(/^A word is mistyped\. Every word is in the list/);
    expect(checkTypedPhrase(phrase).ok).toBe(true);
  });
});

describe('restoreFromPhrase', () => {
  it('sends nothing for a mistyped phrase', async () => {
    const f = relay({ status: 500 });
    const words = phrase.split(' ');
    words[0] = 'zoo';
    const r = await restoreFromPhrase(words.join(' '), deps(f));
    expect(!r.ok && r.error.kind).toBe('mistyped');
    expect(f).not.toHaveBeenCalled();
  });

  it('posts a signed restore to the phrase’s path and opens the answer', async () => {
    const f = relay((url, body) => {
      expect(url).toMatch(/^https:\/\/relay\.example\/v1\/recovery\/[0-9a-f]{64}\/restore$/);
      expect(body).toMatchObject({ v: 1, deviceId: DEVICE_ID, label: 'Test' });
      return {
        status: 201,
        body: { accountId: ACCOUNT, deviceId: DEVICE_ID, blob: blobOf(phrase), created: true },
      };
    });
    const r = await restoreFromPhrase(phrase, deps(f));
    expect(r.ok && r.value.accountId).toBe(ACCOUNT);
    expect(r.ok && r.value.kMaster).toEqual(K_MASTER);
    expect(f).toHaveBeenCalledTimes(1);
  });

  it('maps 404 to "no backup", 429 to a wait, no network to offline', async () => {
    const notFound = { type: 'error', code: 'not-found', message: 'no backup' };
    const r1 = await restoreFromPhrase(phrase, deps(relay({ status: 404, body: notFound })));
    expect(!r1.ok && r1.error).toMatchObject({ kind: 'no-backup' });
    expect(!r1.ok && r1.error.message).toMatch(/^No backup for this phrase\./);
    const limited = { type: 'error', code: 'rate-limited', message: 'slow', retryAfterMs: 42_000 };
    const r2 = await restoreFromPhrase(phrase, deps(relay({ status: 429, body: limited })));
    expect(!r2.ok && r2.error).toMatchObject({ kind: 'rate-limited', retryAfterMs: 42_000 });
    expect(!r2.ok && r2.error.message).toMatch(/42 seconds/);
    const down = vi.fn<RecoveryFetch>(async () => {
      throw new TypeError('Failed to fetch');
    });
    const r3 = await restoreFromPhrase(phrase, deps(down));
    expect(!r3.ok && r3.error.kind).toBe('offline');
  });

  it('refuses a blob that does not open, or an account the blob does not hold', async () => {
    const other = generatePhrase(fromHex('ff'.repeat(16)));
    const wrongBlob = relay({
      status: 201,
      body: { accountId: ACCOUNT, deviceId: DEVICE_ID, blob: blobOf(other), created: true },
    });
    const r1 = await restoreFromPhrase(phrase, deps(wrongBlob));
    expect(!r1.ok && r1.error.kind).toBe('failed');
    const otherAccount = 'aa000001-0000-4000-8000-000000000000';
    const lying = relay({
      status: 201,
      body: { accountId: otherAccount, deviceId: DEVICE_ID, blob: blobOf(phrase), created: true },
    });
    const r2 = await restoreFromPhrase(phrase, deps(lying));
    expect(!r2.ok && r2.error.kind).toBe('failed');
    const garbled = relay({ status: 201, body: { accountId: ACCOUNT } });
    const r3 = await restoreFromPhrase(phrase, deps(garbled));
    expect(!r3.ok && r3.error.kind).toBe('failed');
  });
});

describe('enableRecovery', () => {
  it('PUTs the signed blob the shared builder would, and answers the recovery id', async () => {
    const signing = ed25519KeyPair(fromHex('a0'.repeat(32)));
    const device = { accountId: ACCOUNT, deviceId: DEVICE_ID, signing };
    let sent: unknown;
    const f = relay((url, body) => {
      expect(url).toMatch(/\/v1\/recovery\/[0-9a-f]{64}$/);
      sent = body;
      return { status: 204 };
    });
    const r = await enableRecovery(phrase, {
      fetch: f,
      relayUrl: 'https://relay.example',
      device,
      kMaster: K_MASTER,
      now: () => 1_767_225_600_000,
    });
    const creds = recoveryCredentials(phrase);
    expect(r.ok && r.value).toEqual({ recoveryIdHex: toHex(creds.recoveryId) });
    expect(sent).toMatchObject({ accountId: ACCOUNT, signedAt: 1_767_225_600_000 });
    const body = v.parse(RecoveryPutRequest, sent);
    const expected = buildRecoveryPut(
      device,
      creds.recoveryId,
      fromBase64(body.blob)!,
      creds.restoreKey.publicKey,
      1_767_225_600_000,
    );
    expect(sent).toEqual(expected);
  });
});
