/**
 * docs/protocol.md cannot drift from the code: its vector blocks are
 * regenerated in memory and must equal the file. The vectors are then
 * re-verified from the document's own text with independent implementations
 * (node:crypto for SHA-256, HMAC, HKDF and PBKDF2; libsodium called directly
 * for the AEAD), so a bug shared by the generator and the core would show.
 */
import { createHash, createHmac, hkdfSync, pbkdf2Sync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as Automerge from '@automerge/automerge';
import { entropyToMnemonic } from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import sodium from 'libsodium-wrappers-sumo';
import { beforeAll, describe, expect, it } from 'vitest';
import { docPath, loadBlocks, renderDoc } from '../../scripts/protocol-vectors.js';

const doc = readFileSync(docPath, 'utf8');

/** The `label = value` lines of one vector block, continuation lines joined. */
function block(name: string): Map<string, string> {
  const open = `<!-- vectors:${name} -->`;
  const start = doc.indexOf(open);
  const end = doc.indexOf(`<!-- /vectors:${name} -->`);
  if (start < 0 || end < start) throw new Error(`no block "${name}" in the document`);
  const entries = new Map<string, string>();
  let last: string | undefined;
  for (const line of doc.slice(start + open.length, end).split('\n')) {
    const entry = /^([^\s#].*?) += (.+)$/.exec(line);
    const more = /^ +([0-9a-f]+)$/.exec(line);
    if (entry !== null) {
      last = entry[1]!;
      entries.set(last, entry[2]!);
    } else if (more !== null && last !== undefined) {
      entries.set(last, entries.get(last)! + more[1]!);
    } else {
      last = undefined;
    }
  }
  return entries;
}

function field(entries: Map<string, string>, label: string): string {
  const value = entries.get(label);
  if (value === undefined) throw new Error(`no "${label}" in the block`);
  return value;
}
const hex = (entries: Map<string, string>, label: string): Buffer => {
  const value = field(entries, label);
  expect(value).toMatch(/^(?:[0-9a-f]{2})+$/);
  return Buffer.from(value, 'hex');
};
const text = (entries: Map<string, string>, label: string): string => {
  const value: unknown = JSON.parse(field(entries, label));
  if (typeof value !== 'string') throw new Error(`"${label}" is not a string`);
  return value;
};
const num = (entries: Map<string, string>, label: string): number => {
  const value = field(entries, label);
  expect(value).toMatch(/^\d+$/);
  return Number(value);
};

const HKDF = (ikm: Buffer, info: string): Buffer =>
  Buffer.from(hkdfSync('sha256', ikm, Buffer.alloc(0), info, 32));
const HMAC = (key: Buffer, data: string): Buffer =>
  createHmac('sha256', key).update(data, 'utf8').digest();

/** Opens `version ‖ nonce ‖ ciphertext ‖ tag` with libsodium directly. */
function openSealed(key: Buffer, sealed: Buffer, aadBody: Buffer): Buffer {
  expect(sealed[0]).toBe(0x01);
  const aad = Buffer.concat([Buffer.of(0x01), aadBody]);
  return Buffer.from(
    sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
      null,
      sealed.subarray(25),
      aad,
      sealed.subarray(1, 25),
      key,
    ),
  );
}

beforeAll(async () => {
  await sodium.ready;
});

describe('docs/protocol.md', () => {
  it('holds exactly the vectors the code produces (run `npm run vectors` if not)', async () => {
    const expected = await renderDoc(doc, await loadBlocks());
    expect(doc).toBe(expected);
  });

  it('keeps the placeholder sections for the relay, pairing and recovery routes', () => {
    for (const heading of ['## Relay protocol', '## Device pairing', '## Recovery routes']) {
      expect(doc).toContain(`\n${heading}\n`);
    }
  });
});

describe('docs/protocol.md vectors, re-verified independently', () => {
  const keys = block('keys');
  const kMaster = hex(keys, 'K_master');
  const kStream = hex(keys, 'K_stream');
  const kRecord = hex(keys, 'K_record');

  it('key schedule: K_master is 00..1f and both keys are HKDF-SHA256 with an empty salt', () => {
    expect(kMaster).toEqual(Buffer.from(Array.from({ length: 32 }, (_, i) => i)));
    expect(kStream).toEqual(HKDF(kMaster, 'stream-v1'));
    expect(kRecord).toEqual(HKDF(kMaster, 'record-v1'));
  });

  it('stream ids: HMAC-SHA256 under K_stream of each document name', () => {
    const ids = block('stream-ids');
    const docs = ['profile', 'categories', 'templates', 'observations', 'oneOffs'];
    expect([...ids.keys()]).toEqual(docs.map((d) => `stream_id("${d}")`));
    for (const d of docs) expect(hex(ids, `stream_id("${d}")`)).toEqual(HMAC(kStream, d));
  });

  it('sealed record: opens under K_record with aad 0x01 ‖ stream_id', () => {
    const v = block('sealed-record');
    const stream = hex(v, 'stream_id');
    expect(stream).toEqual(HMAC(kStream, text(v, 'doc_name')));
    expect(hex(v, 'aad')).toEqual(Buffer.concat([Buffer.of(0x01), stream]));
    const record = hex(v, 'record');
    expect(record.subarray(1, 25)).toEqual(hex(v, 'nonce'));
    expect(record.length).toBe(hex(v, 'plaintext').length + 41);
    expect(openSealed(kRecord, record, stream)).toEqual(hex(v, 'plaintext'));
    // The same record does not open as if it were in another stream.
    expect(() => openSealed(kRecord, record, HMAC(kStream, 'profile'))).toThrow();
  });

  it('sealed padded record: plaintext ‖ 0x80 ‖ zeros to 256 bytes, then sealed', () => {
    const v = block('sealed-padded-record');
    const plaintext = hex(v, 'plaintext');
    const padded = hex(v, 'padded');
    expect(padded).toEqual(
      Buffer.concat([plaintext, Buffer.of(0x80), Buffer.alloc(255 - plaintext.length)]),
    );
    const stream = hex(block('sealed-record'), 'stream_id');
    expect(openSealed(kRecord, hex(v, 'record'), stream)).toEqual(padded);
  });

  it('padding: bucket sizes and the padded example', () => {
    const v = block('padding');
    const sizes = [...v.keys()].filter((k) => k.startsWith('padded_length('));
    expect(sizes.length).toBeGreaterThan(5);
    for (const label of sizes) {
      const n = Number(/\((\d+)\)/.exec(label)![1]);
      const need = n + 1;
      const expected = need <= 4096 ? 256 * Math.ceil(need / 256) : 4096 * Math.ceil(need / 4096);
      expect(num(v, label)).toBe(expected);
    }
    const plaintext = hex(v, 'plaintext');
    expect(hex(v, 'padded')).toEqual(
      Buffer.concat([plaintext, Buffer.of(0x80), Buffer.alloc(255 - plaintext.length)]),
    );
  });

  it('framed log: u32 little-endian lengths, and the cut keeps the whole frames', () => {
    const v = block('framed-log');
    const log = hex(v, 'log');
    const frames: Buffer[] = [];
    for (let at = 0; at + 4 <= log.length;) {
      const len = log.readUInt32LE(at);
      frames.push(log.subarray(at + 4, at + 4 + len));
      at += 4 + len;
    }
    expect(frames).toEqual([hex(v, 'record_1'), hex(v, 'record_2')]);
    expect(hex(v, 'record_1')).toEqual(hex(block('sealed-record'), 'record'));
    const stream = hex(block('sealed-record'), 'stream_id');
    expect(hex(v, 'record_2').subarray(1, 25)).toEqual(hex(v, 'nonce_2'));
    expect(openSealed(kRecord, hex(v, 'record_2'), stream).length).toBeGreaterThan(0);
    const cut = num(v, 'cut_length');
    const firstEnd = 4 + frames[0]!.length;
    expect(cut).toBeGreaterThan(firstEnd);
    expect(cut).toBeLessThan(log.length);
    expect(num(v, 'whole_records')).toBe(1);
    expect(num(v, 'valid_length')).toBe(firstEnd);
    expect(num(v, 'torn_bytes')).toBe(cut - firstEnd);
  });

  it('recovery: phrase, seed, keys and the 89-byte blob', () => {
    const v = block('recovery');
    const phrase = text(v, 'phrase');
    expect(phrase).toBe(entropyToMnemonic(hex(v, 'entropy'), wordlist));
    const seed = pbkdf2Sync(phrase.normalize('NFKD'), 'mnemonic', 2048, 64, 'sha512');
    expect(hex(v, 'seed')).toEqual(seed);
    const recoveryId = HKDF(seed, 'recovery-id-v1');
    const kWrap = HKDF(seed, 'recovery-wrap-v1');
    expect(hex(v, 'recovery_id')).toEqual(recoveryId);
    expect(hex(v, 'K_wrap')).toEqual(kWrap);
    expect(hex(v, 'aad')).toEqual(Buffer.concat([Buffer.of(0x01), recoveryId]));
    const accountBytes = Buffer.from(text(v, 'account_id').replaceAll('-', ''), 'hex');
    const plaintext = Buffer.concat([hex(v, 'K_master'), accountBytes]);
    expect(hex(v, 'plaintext')).toEqual(plaintext);
    const blob = hex(v, 'blob');
    expect(blob.length).toBe(89);
    expect(blob.subarray(1, 25)).toEqual(hex(v, 'nonce'));
    expect(openSealed(kWrap, blob, recoveryId)).toEqual(plaintext);
  });

  it('document data: a clock, the devices change, a check-in written with its clocks', () => {
    const v = block('document-data');
    // The clock's parts, read with a pattern and Date, not with the domain's parser.
    const clock = /^(\d{15})-(\d{4})-([0-9a-f]{16})$/.exec(text(v, 'clock'));
    expect(clock).not.toBeNull();
    expect(new Date(Number(clock?.[1])).toISOString()).toBe('2026-03-04T08:54:00.000Z');
    expect([Number(clock?.[2]), clock?.[3]]).toEqual([3, '9f86d081884c7d65']);
    // The devices change: one new map at the root's "devices", by the fixed actor, at time 0.
    const devices = Automerge.decodeChange(new Uint8Array(hex(v, 'devices_change')));
    expect(devices).toMatchObject({ actor: 'ca1edd00000000000000000000000000', seq: 1, time: 0 });
    expect(devices.deps).toHaveLength(1);
    expect(devices.ops).toEqual([
      expect.objectContaining({ action: 'makeMap', obj: '_root', key: 'devices' }),
    ]);
    // The check-in: its id from SHA-256, each field beside its clock.
    const id = createHash('sha256').update('h1|2026-03-04').digest('hex').slice(0, 32);
    expect(text(v, 'checkin_id')).toBe(id);
    const change = Automerge.decodeChange(new Uint8Array(hex(v, 'checkin_change')));
    expect(change).toMatchObject({ actor: 'a1'.repeat(16), time: 0 });
    const puts = new Map(
      change.ops.filter((op) => op.action === 'set').map((op) => [String(op.key), op.value]),
    );
    expect(change.ops.some((op) => op.action === 'makeMap' && op.key === id)).toBe(true);
    expect(Object.fromEntries(puts)).toEqual({
      templateId: 'h1',
      date: '2026-03-04',
      updatedAt: 0,
      status: 'done',
      statusClock: text(v, 'checkin_clock'),
      value: 8,
      valueClock: text(v, 'checkin_clock'),
    });
  });
});

describe('the vector generator', () => {
  const produce = (text: string) => new Map([['demo', () => text]]);

  it('replaces only the text between the markers', async () => {
    const input = 'intro\n<!-- vectors:demo -->\nold\n<!-- /vectors:demo -->\noutro\n';
    expect(await renderDoc(input, produce('new'))).toBe(
      'intro\n<!-- vectors:demo -->\n\nnew\n\n<!-- /vectors:demo -->\noutro\n',
    );
  });

  it('refuses a marker without a producer, a producer without a marker, an unclosed marker', async () => {
    await expect(renderDoc('<!-- vectors:x --><!-- /vectors:x -->', produce(''))).rejects.toThrow(
      /"x"/,
    );
    await expect(renderDoc('no markers', produce(''))).rejects.toThrow(/demo/);
    await expect(renderDoc('<!-- vectors:demo -->', produce(''))).rejects.toThrow(/never closed/);
  });
});
