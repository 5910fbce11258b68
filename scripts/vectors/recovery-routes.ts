/**
 * Vectors for the recovery routes (docs/protocol.md "Recovery routes"): the
 * restore key derived from the §3.6 vector phrase, and the five signed
 * payloads with their Ed25519 signatures (deterministic, RFC 8032).
 */
import {
  ed25519KeyPair,
  ed25519Sign,
  fromHex,
  generatePhrase,
  hkdf,
  ready,
  recoveryCredentials,
  recoveryCancelPayload,
  recoveryDeletePayload,
  recoveryPutPayload,
  recoveryRestorePayload,
  recoveryStatusPayload,
  recoverySeed,
  sealRecoveryBlob,
  sha256,
  toHex,
  x25519KeyPair,
} from '../../shared/src/index.js';
import { vectorBlock } from './_format.js';
import { ACCOUNT_ID, K_MASTER, RECOVERY_ENTROPY, RECOVERY_NONCE } from './_fixtures.js';

const DEVICE_ID = '0d1e2f30-4152-4637-8899-aabbccddeeff';
const DEVICE_SEED = fromHex('a0'.repeat(32));
const NEW_DEVICE_ID = '1a2b3c4d-5e6f-4a0b-9c1d-2e3f40516273';
const NEW_SIGNING_SEED = fromHex('b0'.repeat(32));
const NEW_BOX_SECRET = fromHex('c0'.repeat(32));
const NEW_LABEL = 'Restored phone';
const SIGNED_AT = 1_767_225_600_000; // 2026-01-01T00:00:00Z

export const blocks = {
  async 'recovery-routes'() {
    await ready();
    const phrase = generatePhrase(RECOVERY_ENTROPY);
    const creds = recoveryCredentials(phrase);
    const recoveryId = creds.recoveryId;
    const blob = sealRecoveryBlob(phrase, K_MASTER, ACCOUNT_ID, RECOVERY_NONCE);
    const device = ed25519KeyPair(DEVICE_SEED);
    const put = recoveryPutPayload({
      recoveryId,
      blob,
      restoreKey: creds.restoreKey.publicKey,
      accountId: ACCOUNT_ID,
      deviceId: DEVICE_ID,
      signedAt: SIGNED_AT,
    });
    const del = recoveryDeletePayload({
      recoveryId,
      accountId: ACCOUNT_ID,
      deviceId: DEVICE_ID,
      signedAt: SIGNED_AT + 1,
    });
    const status = recoveryStatusPayload({
      accountId: ACCOUNT_ID,
      deviceId: DEVICE_ID,
      signedAt: SIGNED_AT,
    });
    const cancel = recoveryCancelPayload({
      accountId: ACCOUNT_ID,
      deviceId: DEVICE_ID,
      signedAt: SIGNED_AT + 2,
    });
    const signing = ed25519KeyPair(NEW_SIGNING_SEED);
    const box = x25519KeyPair(NEW_BOX_SECRET);
    const restore = recoveryRestorePayload({
      recoveryId,
      deviceId: NEW_DEVICE_ID,
      signingKey: signing.publicKey,
      boxKey: box.publicKey,
      label: NEW_LABEL,
    });
    return vectorBlock([
      'the phrase, recovery_id and blob of the "Recovery phrase escrow" vectors',
      ['phrase', phrase],
      ['recovery_id', recoveryId],
      ['restore_seed', hkdf(recoverySeed(phrase), 'recovery-auth-v1', 32)],
      ['restore_key', creds.restoreKey.publicKey],
      ['sha256_blob', sha256(blob)],
      'PUT, signed by the device whose Ed25519 seed is device_seed',
      ['account_id', ACCOUNT_ID],
      ['device_id', DEVICE_ID],
      ['device_seed', DEVICE_SEED],
      ['device_key', device.publicKey],
      ['signed_at', SIGNED_AT],
      ['put_payload', put],
      ['put_signature', ed25519Sign(device.secretKey, put)],
      'DELETE, one millisecond later, same device',
      ['delete_payload', del],
      ['delete_signature', ed25519Sign(device.secretKey, del)],
      'status, signed by the same device at signed_at',
      ['status_payload', status],
      ['status_signature', ed25519Sign(device.secretKey, status)],
      'cancel of the pending change, two milliseconds after signed_at, same device',
      ['cancel_payload', cancel],
      ['cancel_signature', ed25519Sign(device.secretKey, cancel)],
      'restore of a new device, signed by the restore key',
      ['new_device_id', NEW_DEVICE_ID],
      ['new_signing_key', signing.publicKey],
      ['new_box_key', box.publicKey],
      ['new_label', NEW_LABEL],
      ['restore_payload', restore],
      ['restore_signature', ed25519Sign(creds.restoreKey.secretKey, restore)],
      ['recovery_path', `/v1/recovery/${toHex(recoveryId)}`],
    ]);
  },
};
