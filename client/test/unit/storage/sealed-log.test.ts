import { fromHex, frameRecord, ready } from '@cairn/shared';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DocumentCipher,
  decodePlaintext,
  encodePlaintext,
  openLog,
} from '../../../src/storage/sealed-log';

const K_MASTER = fromHex('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f');

let a: DocumentCipher;
let b: DocumentCipher;

beforeAll(async () => {
  await ready();
  const ciphers = DocumentCipher.forDocuments(K_MASTER, ['a', 'b']);
  a = ciphers.get('a')!;
  b = ciphers.get('b')!;
});

const change = (n: number, fill: number): Uint8Array => new Uint8Array(n).fill(fill);

describe('record plaintext', () => {
  it('lays out changes as kind 0x01 then u32_le-prefixed changes', () => {
    const bytes = encodePlaintext({ kind: 'changes', changes: [change(2, 7), change(1, 9)] });
    expect([...bytes]).toEqual([0x01, 2, 0, 0, 0, 7, 7, 1, 0, 0, 0, 9]);
    expect(decodePlaintext(bytes)).toEqual({
      ok: true,
      value: { kind: 'changes', changes: [change(2, 7), change(1, 9)] },
    });
  });

  it('lays out a snapshot as kind 0x02 then the saved document', () => {
    const bytes = encodePlaintext({ kind: 'snapshot', snapshot: Uint8Array.of(5, 6) });
    expect([...bytes]).toEqual([0x02, 5, 6]);
    expect(decodePlaintext(bytes)).toEqual({
      ok: true,
      value: { kind: 'snapshot', snapshot: Uint8Array.of(5, 6) },
    });
  });

  it('rejects inconsistent framing, empty records and unknown kinds', () => {
    expect(decodePlaintext(Uint8Array.of(0x01, 5, 0, 0, 0, 1))).toEqual({
      ok: false,
      error: 'bad-payload',
    });
    expect(decodePlaintext(Uint8Array.of(0x01, 0, 0))).toEqual({ ok: false, error: 'bad-payload' });
    expect(decodePlaintext(Uint8Array.of(0x01))).toEqual({ ok: false, error: 'bad-payload' });
    expect(decodePlaintext(Uint8Array.of(0x01, 0, 0, 0, 0))).toEqual({
      ok: false,
      error: 'bad-payload',
    });
    expect(decodePlaintext(new Uint8Array(0))).toEqual({ ok: false, error: 'bad-payload' });
    expect(decodePlaintext(Uint8Array.of(0x03, 1))).toEqual({ ok: false, error: 'unknown-kind' });
  });
});

describe('sealed records', () => {
  it('pads before sealing: a small record is 256 bytes of plaintext plus overhead', () => {
    const sealed = a.seal({ kind: 'changes', changes: [change(10, 1)] });
    expect(sealed.length).toBe(256 + 41);
    expect(a.open(sealed)).toEqual({
      ok: true,
      value: { kind: 'changes', changes: [change(10, 1)] },
    });
  });

  it("fails authentication when moved to another document's stream", () => {
    const sealed = a.seal({ kind: 'changes', changes: [change(3, 1)] });
    expect(b.open(sealed)).toEqual({ ok: false, error: 'authentication-failed' });
  });

  it('reports a flipped bit anywhere in a record', () => {
    const sealed = a.seal({ kind: 'snapshot', snapshot: change(40, 2) });
    for (let i = 0; i < sealed.length; i += 1) {
      const bad = sealed.slice();
      bad[i]! ^= 0x04;
      const opened = a.open(bad);
      expect(opened.ok).toBe(false);
    }
  });
});

describe('openLog', () => {
  const log = (...records: Uint8Array[]): Uint8Array => {
    const frames = records.map(frameRecord);
    const out = new Uint8Array(frames.reduce((n, f) => n + f.length, 0));
    let at = 0;
    for (const f of frames) {
      out.set(f, at);
      at += f.length;
    }
    return out;
  };
  const records = (n: number): Uint8Array[] =>
    Array.from({ length: n }, (_, i) =>
      a.seal({ kind: 'changes', changes: [change(5 + i, i + 1)] }),
    );

  it('opens every record and reports a torn tail at each offset of the last frame', () => {
    const rs = records(4);
    const whole = log(...rs);
    const lastStart = whole.length - 4 - rs[3]!.length;
    for (let cut = lastStart; cut < whole.length; cut += 1) {
      const opened = openLog(a, whole.subarray(0, cut));
      expect(opened.records.map((r) => r.index)).toEqual([0, 1, 2]);
      expect(opened.validLength).toBe(lastStart);
      expect(opened.tornBytes).toBe(cut - lastStart);
      expect(opened.problems).toEqual([]);
    }
    expect(openLog(a, whole).records).toHaveLength(4);
  });

  it('skips a record with a flipped bit and reads the rest', () => {
    const rs = records(5);
    const bytes = log(...rs);
    const start = 2 * 4 + rs[0]!.length + rs[1]!.length;
    bytes[start + 4 + 100]! ^= 0x80;
    const opened = openLog(a, bytes);
    expect(opened.problems).toEqual([{ doc: 'a', index: 2, code: 'authentication-failed' }]);
    expect(opened.records.map((r) => r.index)).toEqual([0, 1, 3, 4]);
    expect(opened.tornBytes).toBe(0);
  });

  it('resumes after a damaged frame header mid-log instead of cutting the log there', () => {
    const rs = records(5);
    const bytes = log(...rs);
    const start = 2 * 4 + rs[0]!.length + rs[1]!.length;
    bytes[start + 2]! ^= 0x10;
    const opened = openLog(a, bytes);
    expect(opened.problems).toEqual([{ doc: 'a', index: 2, code: 'bad-frame' }]);
    expect(opened.records.map((r) => r.index)).toEqual([0, 1, 3, 4]);
    expect(opened.tornBytes).toBe(0);
    expect(opened.validLength).toBe(bytes.length);
  });
});

describe('openLog under random damage', () => {
  it('keeps every record a flipped bit did not touch, and reports the damage', () => {
    const rs = Array.from({ length: 8 }, (_, i) =>
      a.seal({ kind: 'changes', changes: [change(20 + 300 * (i % 3), i + 1)] }),
    );
    const frames = rs.map(frameRecord);
    const starts: number[] = [];
    let total = 0;
    for (const f of frames) {
      starts.push(total);
      total += f.length;
    }
    const whole = new Uint8Array(total);
    frames.forEach((f, i) => whole.set(f, starts[i]!));
    const fill = (r: { payload: { kind: string; changes?: readonly Uint8Array[] } }) =>
      r.payload.changes?.[0]?.[0];
    fc.assert(
      fc.property(fc.integer({ min: 0, max: total * 8 - 1 }), (bit) => {
        const bytes = whole.slice();
        const pos = bit >> 3;
        bytes[pos]! ^= 1 << (bit & 7);
        const hit = starts.findLastIndex((s) => s <= pos);
        const opened = openLog(a, bytes);
        const fills = opened.records.map(fill);
        const expected = rs.map((_, i) => i + 1).filter((_, i) => i !== hit);
        expect(fills).toEqual(expected);
        expect(opened.problems.length > 0 || opened.tornBytes > 0).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('costs a bounded number of seal checks when no record opens (a wrong key)', () => {
    const rs = Array.from({ length: 300 }, (_, i) =>
      b.seal({ kind: 'changes', changes: [change(8, i)] }),
    );
    const bytes = new Uint8Array(rs.reduce((n, r) => n + 4 + r.length, 0));
    let at = 0;
    for (const r of rs) {
      bytes.set(frameRecord(r), at);
      at += 4 + r.length;
    }
    const t = performance.now();
    const opened = openLog(a, bytes);
    expect(performance.now() - t).toBeLessThan(2000);
    expect(opened.records).toEqual([]);
    expect(opened.problems).toHaveLength(300);
    expect(opened.problems.every((p) => p.code === 'authentication-failed')).toBe(true);
    expect(opened.tornBytes).toBe(0);
  });
});
