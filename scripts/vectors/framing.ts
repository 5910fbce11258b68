/**
 * Vectors for DESIGN §3.4: a log of two framed records, and what a reader
 * keeps when the log is cut inside the second frame.
 */
import {
  concat,
  frameRecord,
  parseFrames,
  ready,
  sealRecord,
  streamId,
  utf8,
} from '../../shared/src/index.js';
import { vectorBlock } from './_format.js';
import {
  K_MASTER,
  RECORD_DOC,
  RECORD_NONCE,
  RECORD_TEXT,
  SECOND_NONCE,
  SECOND_TEXT,
} from './_fixtures.js';

export const blocks = {
  async 'framed-log'() {
    await ready();
    const stream = streamId(K_MASTER, RECORD_DOC);
    const first = sealRecord(K_MASTER, stream, utf8(RECORD_TEXT), RECORD_NONCE);
    const second = sealRecord(K_MASTER, stream, utf8(SECOND_TEXT), SECOND_NONCE);
    const log = concat(frameRecord(first), frameRecord(second));
    const cut = log.length - 10;
    const parsed = parseFrames(log.subarray(0, cut));
    return vectorBlock([
      `record_1 is the sealed record above; record_2 seals ${JSON.stringify(SECOND_TEXT)}`,
      'on the same stream with nonce_2',
      ['nonce_2', SECOND_NONCE],
      ['record_1', first],
      ['record_2', second],
      ['log', log],
      'the same log cut 10 bytes before its end (a crash during the second append)',
      ['cut_length', cut],
      ['whole_records', parsed.records.length],
      ['valid_length', parsed.validLength],
      ['torn_bytes', parsed.tornBytes],
    ]);
  },
};
