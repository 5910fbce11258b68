/**
 * Vectors for DESIGN §3.1–3.3: the key schedule, the stream id of each
 * document, and sealed records (one plain, one padded first as in §3.7).
 */
import {
  concat,
  pad,
  ready,
  recordKey,
  sealRecord,
  streamId,
  streamKey,
  utf8,
} from '../../shared/src/index.js';
import { vectorBlock } from './_format.js';
import {
  DOC_NAMES,
  K_MASTER,
  PADDED_TEXT,
  RECORD_DOC,
  RECORD_NONCE,
  RECORD_TEXT,
} from './_fixtures.js';

export const blocks = {
  async keys() {
    await ready();
    return vectorBlock([
      ['K_master', K_MASTER],
      ['K_stream', streamKey(K_MASTER)],
      ['K_record', recordKey(K_MASTER)],
    ]);
  },

  async 'stream-ids'() {
    await ready();
    return vectorBlock(
      DOC_NAMES.map((doc) => [`stream_id("${doc}")`, streamId(K_MASTER, doc)] as const),
    );
  },

  async 'sealed-record'() {
    await ready();
    const stream = streamId(K_MASTER, RECORD_DOC);
    const plaintext = utf8(RECORD_TEXT);
    return vectorBlock([
      `K_master and K_record as above; plaintext is the UTF-8 text ${JSON.stringify(RECORD_TEXT)}`,
      ['doc_name', RECORD_DOC],
      ['stream_id', stream],
      ['nonce', RECORD_NONCE],
      ['aad', concat(Uint8Array.of(0x01), stream)],
      ['plaintext', plaintext],
      ['record', sealRecord(K_MASTER, stream, plaintext, RECORD_NONCE)],
    ]);
  },

  async 'sealed-padded-record'() {
    await ready();
    const stream = streamId(K_MASTER, RECORD_DOC);
    const plaintext = utf8(PADDED_TEXT);
    const padded = pad(plaintext);
    return vectorBlock([
      `the same stream and nonce; plaintext is the UTF-8 text ${JSON.stringify(PADDED_TEXT)}`,
      ['plaintext', plaintext],
      ['padded', padded],
      ['record', sealRecord(K_MASTER, stream, padded, RECORD_NONCE)],
    ]);
  },
};
