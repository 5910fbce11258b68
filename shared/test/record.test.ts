/**
 * Sealed records (DESIGN §3.1–3.3): round trips, and every way a record can be
 * tampered with or misplaced is rejected with a typed error.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  RECORD_OVERHEAD,
  fromHex,
  openRecord,
  openWithRecordKey,
  ready,
  recordKey,
  sealRecord,
  sealWithRecordKey,
  streamId,
  streamKey,
  toHex,
  tryOpenRecord,
  utf8,
} from '../src/index.js';
import { codeOf } from './support/code-of.js';

const K_MASTER = fromHex('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f');
const NONCE = fromHex('404142434445464748494a4b4c4d4e4f5051525354555657');
const DOCS = ['profile', 'categories', 'templates', 'observations', 'oneOffs'];

const key32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
const nonce24 = fc.uint8Array({ minLength: 24, maxLength: 24 });
const plaintext = fc.uint8Array({ maxLength: 2048 });

beforeAll(async () => {
  await ready();
});

describe('stream ids and keys', () => {
  it('gives each document its own 32-byte stream id, the same on every call', () => {
    const ids = DOCS.map((d) => toHex(streamId(K_MASTER, d)));
    expect(new Set(ids).size).toBe(DOCS.length);
    for (const id of ids) expect(id).toHaveLength(64);
    expect(DOCS.map((d) => toHex(streamId(K_MASTER, d)))).toEqual(ids);
  });

  it('derives distinct stream and record keys', () => {
    expect(toHex(streamKey(K_MASTER))).not.toBe(toHex(recordKey(K_MASTER)));
    expect(codeOf(() => recordKey(K_MASTER.subarray(1)))).toBe('bad-length');
    expect(codeOf(() => streamId(new Uint8Array(33), 'profile'))).toBe('bad-length');
  });
});

describe('seal / open', () => {
  it('round-trips any plaintext under any key, stream and nonce', () => {
    fc.assert(
      fc.property(key32, fc.string(), plaintext, fc.option(nonce24), (k, doc, pt, nonce) => {
        const stream = streamId(k, doc);
        const record =
          nonce === null ? sealRecord(k, stream, pt) : sealRecord(k, stream, pt, nonce);
        expect(record.length).toBe(pt.length + RECORD_OVERHEAD);
        expect(record[0]).toBe(0x01);
        expect(openRecord(k, stream, record)).toEqual(pt);
      }),
    );
  });

  it('the record-key path and the K_master path produce the same bytes', () => {
    fc.assert(
      fc.property(key32, plaintext, nonce24, (k, pt, nonce) => {
        const stream = streamId(k, 'templates');
        const a = sealRecord(k, stream, pt, nonce);
        const b = sealWithRecordKey(recordKey(k), stream, pt, nonce);
        expect(toHex(a)).toBe(toHex(b));
        expect(openWithRecordKey(recordKey(k), stream, a)).toEqual(pt);
      }),
    );
  });

  it('draws a fresh random nonce when none is given', () => {
    const stream = streamId(K_MASTER, 'profile');
    const a = sealRecord(K_MASTER, stream, utf8('same'));
    const b = sealRecord(K_MASTER, stream, utf8('same'));
    expect(toHex(a.subarray(1, 25))).not.toBe(toHex(b.subarray(1, 25)));
  });

  it('rejects any single bit flip (bad-version in byte 0, authentication-failed elsewhere)', () => {
    fc.assert(
      fc.property(key32, plaintext, nonce24, fc.nat(), (k, pt, nonce, pick) => {
        const stream = streamId(k, 'observations');
        const record = sealRecord(k, stream, pt, nonce);
        const bit = pick % (record.length * 8);
        record[bit >> 3]! ^= 1 << (bit & 7);
        const expected = bit < 8 ? 'bad-version' : 'authentication-failed';
        expect(codeOf(() => openRecord(k, stream, record))).toBe(expected);
      }),
    );
  });

  it('rejects every one of the bit flips of a fixed record', () => {
    const stream = streamId(K_MASTER, 'observations');
    const record = sealRecord(K_MASTER, stream, utf8('check-in: done'), NONCE);
    const seen = new Set<string | undefined>();
    for (let bit = 0; bit < record.length * 8; bit++) {
      const flipped = Uint8Array.from(record);
      flipped[bit >> 3]! ^= 1 << (bit & 7);
      seen.add(codeOf(() => openRecord(K_MASTER, stream, flipped)));
    }
    expect([...seen].sort()).toEqual(['authentication-failed', 'bad-version']);
  });

  it('rejects a record moved to another stream', () => {
    fc.assert(
      fc.property(key32, fc.string(), fc.string(), plaintext, (k, from, to, pt) => {
        fc.pre(from !== to);
        const record = sealRecord(k, streamId(k, from), pt);
        expect(codeOf(() => openRecord(k, streamId(k, to), record))).toBe('authentication-failed');
      }),
    );
  });

  it('rejects a record opened under another K_master', () => {
    fc.assert(
      fc.property(key32, key32, plaintext, (k1, k2, pt) => {
        fc.pre(toHex(k1) !== toHex(k2));
        const stream = streamId(k1, 'profile');
        const record = sealRecord(k1, stream, pt);
        expect(codeOf(() => openRecord(k2, stream, record))).toBe('authentication-failed');
      }),
    );
  });

  it('rejects truncated and extended records', () => {
    const stream = streamId(K_MASTER, 'oneOffs');
    const record = sealRecord(K_MASTER, stream, utf8('water the plants'), NONCE);
    for (let n = 0; n < record.length; n++) {
      const code = codeOf(() => openRecord(K_MASTER, stream, record.subarray(0, n)));
      expect(code).toBe(n < RECORD_OVERHEAD ? 'bad-length' : 'authentication-failed');
    }
    const extended = Uint8Array.of(...record, 0);
    expect(codeOf(() => openRecord(K_MASTER, stream, extended))).toBe('authentication-failed');
  });

  it('refuses keys, stream ids and nonces of the wrong size with bad-length', () => {
    const stream = streamId(K_MASTER, 'profile');
    const pt = utf8('x');
    expect(codeOf(() => sealRecord(K_MASTER, stream.subarray(1), pt))).toBe('bad-length');
    expect(codeOf(() => sealRecord(K_MASTER, stream, pt, NONCE.subarray(1)))).toBe('bad-length');
    expect(codeOf(() => sealWithRecordKey(new Uint8Array(31), stream, pt))).toBe('bad-length');
    const record = sealRecord(K_MASTER, stream, pt);
    expect(codeOf(() => openWithRecordKey(new Uint8Array(33), stream, record))).toBe('bad-length');
  });

  it('tryOpenRecord returns failures as values', () => {
    const stream = streamId(K_MASTER, 'profile');
    const record = sealRecord(K_MASTER, stream, utf8('hi'), NONCE);
    expect(tryOpenRecord(K_MASTER, stream, record)).toEqual({ ok: true, value: utf8('hi') });
    record[0] = 0x02;
    const result = tryOpenRecord(K_MASTER, stream, record);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('bad-version');
  });
});
