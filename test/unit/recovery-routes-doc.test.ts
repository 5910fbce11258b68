/**
 * The "Recovery routes" vectors of docs/protocol.md, re-derived from the
 * document's own text with node:crypto alone (PBKDF2, HKDF, SHA-256,
 * Ed25519), so a mistake shared by the code and its generator would show.
 * (test/unit/protocol-doc.test.ts checks the block equals the generator's.)
 */
import { createHash, createPrivateKey, hkdfSync, pbkdf2Sync, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { docPath } from '../../scripts/protocol-vectors.js';

const doc = readFileSync(docPath, 'utf8');

function block(name: string): Map<string, string> {
  const open = `<!-- vectors:${name} -->`;
  const start = doc.indexOf(open);
  const end = doc.indexOf(`<!-- /vectors:${name} -->`);
  if (start < 0 || end < start) throw new Error(`no block "${name}" in the document`);
  const entries = new Map<string, string>();
  let last: string | undefined;
  for (const line of doc.slice(start + open.length, end).split('\n')) {
    const entry = /^([^\s#`].*?) += (.+)$/.exec(line);
    const more = /^ +([0-9a-f]+)$/.exec(line);
    if (entry?.[1] !== undefined && entry[2] !== undefined) {
      last = entry[1];
      entries.set(last, entry[2]);
    } else if (more?.[1] !== undefined && last !== undefined) {
      entries.set(last, `${entries.get(last) ?? ''}${more[1]}`);
    } else {
      last = undefined;
    }
  }
  return entries;
}

const v = block('recovery-routes');
const field = (label: string): string => {
  const value = v.get(label);
  if (value === undefined) throw new Error(`no "${label}" in the block`);
  return value;
};
const hex = (label: string): Buffer => Buffer.from(field(label), 'hex');
const text = (label: string): string => {
  const value: unknown = JSON.parse(field(label));
  if (typeof value !== 'string') throw new Error(`"${label}" is not a string`);
  return value;
};
const uuid = (label: string): Buffer => Buffer.from(text(label).replace(/-/g, ''), 'hex');
const hkdf = (ikm: Buffer, info: string): Buffer =>
  Buffer.from(hkdfSync('sha256', ikm, Buffer.alloc(0), info, 32));

/** An Ed25519 private key object from its 32-byte RFC 8032 seed (PKCS#8 wrapping). */
function ed25519(seed: Buffer) {
  const pkcs8 = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
  return createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
}
const publicRaw = (seed: Buffer): Buffer => {
  const jwk = ed25519(seed).export({ format: 'jwk' });
  if (typeof jwk.x !== 'string') throw new Error('no public key');
  return Buffer.from(jwk.x, 'base64url');
};
const u64 = (n: number): Buffer => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
};

describe('docs/protocol.md "Recovery routes" vectors, re-derived', () => {
  const seed = pbkdf2Sync(text('phrase').normalize('NFKD'), 'mnemonic', 2048, 64, 'sha512');

  it('recovery_id and the restore key come from the seed', () => {
    expect(hkdf(seed, 'recovery-id-v1').toString('hex')).toBe(field('recovery_id'));
    const restoreSeed = hkdf(seed, 'recovery-auth-v1');
    expect(restoreSeed.toString('hex')).toBe(field('restore_seed'));
    expect(publicRaw(restoreSeed).toString('hex')).toBe(field('restore_key'));
    expect(field('recovery_path')).toBe(`"/v1/recovery/${field('recovery_id')}"`);
  });

  it('the put, delete, status and cancel payloads and their device signatures', () => {
    const device = hex('device_seed');
    expect(publicRaw(device).toString('hex')).toBe(field('device_key'));
    const signedAt = Number(field('signed_at'));
    const put = Buffer.concat([
      Buffer.from('cairn-recovery-put-v1\0'),
      hex('recovery_id'),
      hex('sha256_blob'),
      hex('restore_key'),
      uuid('account_id'),
      uuid('device_id'),
      u64(signedAt),
    ]);
    expect(put.toString('hex')).toBe(field('put_payload'));
    expect(sign(null, put, ed25519(device)).toString('hex')).toBe(field('put_signature'));
    const del = Buffer.concat([
      Buffer.from('cairn-recovery-delete-v1\0'),
      hex('recovery_id'),
      uuid('account_id'),
      uuid('device_id'),
      u64(signedAt + 1),
    ]);
    expect(del.toString('hex')).toBe(field('delete_payload'));
    expect(sign(null, del, ed25519(device)).toString('hex')).toBe(field('delete_signature'));
    const status = Buffer.concat([
      Buffer.from('cairn-recovery-status-v1\0'),
      uuid('account_id'),
      uuid('device_id'),
      u64(signedAt),
    ]);
    expect(status.toString('hex')).toBe(field('status_payload'));
    expect(sign(null, status, ed25519(device)).toString('hex')).toBe(field('status_signature'));
    const cancel = Buffer.concat([
      Buffer.from('cairn-recovery-cancel-v1\0'),
      uuid('account_id'),
      uuid('device_id'),
      u64(signedAt + 2),
    ]);
    expect(cancel.toString('hex')).toBe(field('cancel_payload'));
    expect(sign(null, cancel, ed25519(device)).toString('hex')).toBe(field('cancel_signature'));
  });

  it('the restore payload and its signature by the restore key', () => {
    const restore = Buffer.concat([
      Buffer.from('cairn-recovery-restore-v1\0'),
      hex('recovery_id'),
      uuid('new_device_id'),
      hex('new_signing_key'),
      hex('new_box_key'),
      Buffer.from(text('new_label'), 'utf8'),
    ]);
    expect(restore.toString('hex')).toBe(field('restore_payload'));
    const signature = sign(null, restore, ed25519(hex('restore_seed')));
    expect(signature.toString('hex')).toBe(field('restore_signature'));
  });

  it('sha256_blob is the hash of the "Recovery phrase escrow" blob', () => {
    const escrow = doc.slice(doc.indexOf('<!-- vectors:recovery -->'));
    const lines = escrow.slice(escrow.indexOf('blob        = ')).split('\n');
    let blobHex = (lines[0] ?? '').replace('blob        = ', '');
    for (const line of lines.slice(1)) {
      const more = /^ +([0-9a-f]+)$/.exec(line);
      if (more?.[1] === undefined) break;
      blobHex += more[1];
    }
    expect(blobHex).toHaveLength(178);
    expect(createHash('sha256').update(Buffer.from(blobHex, 'hex')).digest('hex')).toBe(
      field('sha256_blob'),
    );
  });
});
