/**
 * Vectors for what a sealed record holds (the plaintext layout written by
 * client/src/storage/sealed-log.ts) and the event id a record travels under.
 * The change is the deterministic first change of the `profile` document, so
 * the vector is the same on every machine.
 */
import { genesisChange } from '../../client/src/domain/documents.js';
import { encodePlaintext } from '../../client/src/storage/sealed-log.js';
import { pad, ready, sealRecord, sha256, streamId } from '../../shared/src/index.js';
import { vectorBlock } from './_format.js';
import { K_MASTER, RECORD_NONCE } from './_fixtures.js';

export const blocks = {
  async 'record-contents'() {
    await ready();
    const change = genesisChange('profile');
    const plaintext = encodePlaintext({ kind: 'changes', changes: [change] });
    const stream = streamId(K_MASTER, 'profile');
    const record = sealRecord(K_MASTER, stream, pad(plaintext), RECORD_NONCE);
    return vectorBlock([
      'K_master as above; the first change of the "profile" document, as one kind 0x01 record',
      ['change', change],
      ['plaintext', plaintext],
      ['record', record],
      ['event_id', sha256(record).subarray(0, 16)],
    ]);
  },
};
