/** Vectors for DESIGN §3.6: a phrase from fixed entropy, its keys, and an escrow blob. */
import {
  concat,
  generatePhrase,
  ready,
  recoveryKeys,
  recoverySeed,
  sealRecoveryBlob,
  uuidToBytes,
} from '../../shared/src/index.js';
import { vectorBlock } from './_format.js';
import { ACCOUNT_ID, K_MASTER, RECOVERY_ENTROPY, RECOVERY_NONCE } from './_fixtures.js';

export const blocks = {
  async recovery() {
    await ready();
    const phrase = generatePhrase(RECOVERY_ENTROPY);
    const { recoveryId, kWrap } = recoveryKeys(phrase);
    return vectorBlock([
      ['entropy', RECOVERY_ENTROPY],
      ['phrase', phrase],
      ['seed', recoverySeed(phrase)],
      ['recovery_id', recoveryId],
      ['K_wrap', kWrap],
      ['K_master', K_MASTER],
      ['account_id', ACCOUNT_ID],
      ['nonce', RECOVERY_NONCE],
      ['plaintext', concat(K_MASTER, uuidToBytes(ACCOUNT_ID))],
      ['aad', concat(Uint8Array.of(0x01), recoveryId)],
      ['blob', sealRecoveryBlob(phrase, K_MASTER, ACCOUNT_ID, RECOVERY_NONCE)],
    ]);
  },
};
