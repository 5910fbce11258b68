/**
 * The recovery routes' bytes (protocol/recovery.ts): the restore key beside
 * the §3.6 keys, the three signed payloads and their builders, and the body
 * schemas' checks on sizes and ids.
 */
import * as v from 'valibot';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  PROTOCOL_VERSION,
  RecoveryGetResponse,
  RecoveryIdParams,
  RecoveryPutRequest,
  RecoveryRestoreRequest,
  RecoveryStatusRequest,
  buildRecoveryDelete,
  buildRecoveryPut,
  buildRecoveryRestore,
  buildRecoveryStatus,
  ed25519KeyPair,
  ed25519Verify,
  fromBase64,
  fromHex,
  generatePhrase,
  hkdf,
  isRecoveryIdHex,
  ready,
  recoveryCredentials,
  recoveryDeletePayload,
  recoveryKeys,
  recoveryPath,
  recoveryPutPayload,
  recoveryRestorePath,
  recoveryRestorePayload,
  recoveryStatusPayload,
  recoverySeed,
  sealRecoveryBlob,
  sha256,
  toBase64,
  toHex,
  utf8,
  x25519KeyPair,
} from '../src/index.js';
import { codeOf } from './support/code-of.js';

const K_MASTER = fromHex('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f');
const ACCOUNT = '6f1c2a0e-4b7d-4c1e-9a3f-2d5e8b7c9a10';
const DEVICE = '0d1e2f30-4152-4637-8899-aabbccddeeff';
const SIGNED_AT = 1_767_225_600_000;
let phrase = '';

beforeAll(async () => {
  await ready();
  phrase = generatePhrase(fromHex('000102030405060708090a0b0c0d0e0f'));
});

describe('recoveryCredentials', () => {
  it('gives the §3.6 keys and a restore key from HKDF(seed, "recovery-auth-v1")', () => {
    const creds = recoveryCredentials(phrase);
    const keys = recoveryKeys(phrase);
    expect(toHex(creds.recoveryId)).toBe(toHex(keys.recoveryId));
    expect(toHex(creds.kWrap)).toBe(toHex(keys.kWrap));
    const expected = ed25519KeyPair(hkdf(recoverySeed(phrase), 'recovery-auth-v1', 32));
    expect(toHex(creds.restoreKey.publicKey)).toBe(toHex(expected.publicKey));
    expect(toHex(creds.restoreKey.publicKey)).not.toBe(toHex(creds.recoveryId));
    expect(toHex(recoveryCredentials(` ${phrase.toUpperCase()}`).restoreKey.publicKey)).toBe(
      toHex(expected.publicKey),
    );
  });

  it('refuses a mistyped phrase: bad-checksum', () => {
    const words = phrase.split(' ');
    words[2] = words[2] === 'zoo' ? 'abandon' : 'zoo';
    expect(codeOf(() => recoveryCredentials(words.join(' ')))).toBe('bad-checksum');
  });
});

describe('signed payloads', () => {
  it('lay out put, delete and restore as documented', () => {
    const { recoveryId } = recoveryKeys(phrase);
    const blob = sealRecoveryBlob(phrase, K_MASTER, ACCOUNT);
    const restoreKey = recoveryCredentials(phrase).restoreKey.publicKey;
    const put = recoveryPutPayload({
      recoveryId,
      blob,
      restoreKey,
      accountId: ACCOUNT,
      deviceId: DEVICE,
      signedAt: SIGNED_AT,
    });
    const prefix = utf8('cairn-recovery-put-v1\0');
    expect(put).toHaveLength(prefix.length + 32 + 32 + 32 + 16 + 16 + 8);
    expect(toHex(put.subarray(0, prefix.length))).toBe(toHex(prefix));
    expect(toHex(put.subarray(prefix.length, prefix.length + 32))).toBe(toHex(recoveryId));
    expect(toHex(put.subarray(prefix.length + 32, prefix.length + 64))).toBe(toHex(sha256(blob)));
    expect(toHex(put.subarray(-8))).toBe('0000019b76daa800');

    const del = recoveryDeletePayload({
      recoveryId,
      accountId: ACCOUNT,
      deviceId: DEVICE,
      signedAt: 1,
    });
    expect(toHex(del.subarray(0, 25))).toBe(toHex(utf8('cairn-recovery-delete-v1\0')));
    expect(toHex(del.subarray(-8))).toBe('0000000000000001');

    const restore = recoveryRestorePayload({
      recoveryId,
      deviceId: DEVICE,
      signingKey: new Uint8Array(32).fill(1),
      boxKey: new Uint8Array(32).fill(2),
      label: 'é',
    });
    expect(restore).toHaveLength(26 + 32 + 16 + 32 + 32 + 2);
    expect(() =>
      recoveryDeletePayload({ recoveryId, accountId: ACCOUNT, deviceId: DEVICE, signedAt: -1 }),
    ).toThrow(RangeError);
  });

  it('builds bodies whose signatures verify, and only over their own payload', () => {
    const creds = recoveryCredentials(phrase);
    const blob = sealRecoveryBlob(phrase, K_MASTER, ACCOUNT);
    const signing = ed25519KeyPair(fromHex('a0'.repeat(32)));
    const device = { accountId: ACCOUNT, deviceId: DEVICE, signing };
    const put = buildRecoveryPut(
      device,
      creds.recoveryId,
      blob,
      creds.restoreKey.publicKey,
      SIGNED_AT,
    );
    expect(v.parse(RecoveryPutRequest, put)).toEqual(put);
    expect(put.v).toBe(PROTOCOL_VERSION);
    const payload = recoveryPutPayload({
      recoveryId: creds.recoveryId,
      blob,
      restoreKey: creds.restoreKey.publicKey,
      accountId: ACCOUNT,
      deviceId: DEVICE,
      signedAt: SIGNED_AT,
    });
    const sig = fromBase64(put.signature)!;
    expect(ed25519Verify(signing.publicKey, payload, sig)).toBe(true);
    const later = recoveryPutPayload({
      recoveryId: creds.recoveryId,
      blob,
      restoreKey: creds.restoreKey.publicKey,
      accountId: ACCOUNT,
      deviceId: DEVICE,
      signedAt: SIGNED_AT + 1,
    });
    expect(ed25519Verify(signing.publicKey, later, sig)).toBe(false);

    const del = buildRecoveryDelete(device, creds.recoveryId, SIGNED_AT);
    const delPayload = recoveryDeletePayload({
      recoveryId: creds.recoveryId,
      accountId: ACCOUNT,
      deviceId: DEVICE,
      signedAt: SIGNED_AT,
    });
    expect(ed25519Verify(signing.publicKey, delPayload, fromBase64(del.signature)!)).toBe(true);

    const box = x25519KeyPair(fromHex('c0'.repeat(32)));
    const newDevice = {
      deviceId: DEVICE,
      signingKey: signing.publicKey,
      boxKey: box.publicKey,
      label: 'Phone',
    };
    const restore = buildRecoveryRestore(creds.restoreKey, creds.recoveryId, newDevice);
    expect(v.parse(RecoveryRestoreRequest, restore)).toEqual(restore);
    const restorePayload = recoveryRestorePayload({ recoveryId: creds.recoveryId, ...newDevice });
    expect(
      ed25519Verify(creds.restoreKey.publicKey, restorePayload, fromBase64(restore.signature)!),
    ).toBe(true);
    const status = buildRecoveryStatus(device, SIGNED_AT);
    const statusPayload = recoveryStatusPayload({
      accountId: ACCOUNT,
      deviceId: DEVICE,
      signedAt: SIGNED_AT,
    });
    expect(toHex(statusPayload.subarray(0, 25))).toBe(toHex(utf8('cairn-recovery-status-v1\0')));
    expect(statusPayload).toHaveLength(25 + 16 + 16 + 8);
    expect(v.parse(RecoveryStatusRequest, status)).toEqual(status);
    expect(ed25519Verify(signing.publicKey, statusPayload, fromBase64(status.signature)!)).toBe(
      true,
    );
    expect(ed25519Verify(signing.publicKey, delPayload, fromBase64(status.signature)!)).toBe(false);
    // The device's key cannot stand in for the restore key.
    expect(ed25519Verify(signing.publicKey, restorePayload, fromBase64(restore.signature)!)).toBe(
      false,
    );
  });
});

describe('schemas and paths', () => {
  it('accept 89-byte blobs only, and recovery ids as 64 lowercase hex digits', () => {
    const blob = sealRecoveryBlob(phrase, K_MASTER, ACCOUNT);
    expect(v.is(RecoveryGetResponse, { blob: toBase64(blob) })).toBe(true);
    expect(v.is(RecoveryGetResponse, { blob: toBase64(blob.subarray(1)) })).toBe(false);
    expect(v.is(RecoveryGetResponse, { blob: toBase64(new Uint8Array([...blob, 0])) })).toBe(false);
    const id = toHex(recoveryKeys(phrase).recoveryId);
    expect(isRecoveryIdHex(id)).toBe(true);
    expect(v.is(RecoveryIdParams, { recoveryId: id })).toBe(true);
    expect(v.is(RecoveryIdParams, { recoveryId: id.toUpperCase() })).toBe(false);
    expect(v.is(RecoveryIdParams, { recoveryId: id.slice(1) })).toBe(false);
    expect(recoveryPath(id)).toBe(`/v1/recovery/${id}`);
    expect(recoveryRestorePath(id)).toBe(`/v1/recovery/${id}/restore`);
  });
});
