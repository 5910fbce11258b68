/** Fixed test identities: deterministic keys from fixed seeds, fixed UUIDs. */
import {
  ready,
  buildRegisterRequest,
  ed25519KeyPair,
  fromHex,
  x25519KeyPair,
  type KeyPair,
  type RegisterRequest,
} from '@cairn/shared';

await ready();

export interface TestDevice {
  accountId: string;
  deviceId: string;
  signing: KeyPair;
  box: KeyPair;
  label: string;
}

const seed = (tag: number, n: number): Uint8Array =>
  fromHex(
    `${tag.toString(16).padStart(2, '0')}${n.toString(16).padStart(8, '0')}`.padEnd(64, 'a5'),
  );

const uuid = (prefix: string, n: number): string =>
  `${prefix}${n.toString(16).padStart(6, '0')}-0000-4000-8000-000000000000`;

/** Device `d` of account `a` (both small integers): same inputs, same keys. */
export function testDevice(a: number, d: number, label = `device ${a}.${d}`): TestDevice {
  return {
    accountId: uuid('aa', a),
    deviceId: uuid('dd', a * 1000 + d),
    signing: ed25519KeyPair(seed(1, a * 1000 + d)),
    box: x25519KeyPair(seed(2, a * 1000 + d)),
    label,
  };
}

export function registration(d: TestDevice): RegisterRequest {
  return buildRegisterRequest(d.accountId, d.deviceId, d.signing, d.box.publicKey, d.label);
}

/** A canonical base64 id of `n` bytes, all equal to `fill`, for readable fixtures. */
export function b64Id(n: number, fill: number): string {
  return Buffer.alloc(n, fill).toString('base64');
}

/** Sealed-record-shaped bytes (version 0x01, then filler), base64. */
export function fakeRecord(size: number, fill: number): string {
  const b = Buffer.alloc(size, fill);
  b[0] = 1;
  return b.toString('base64');
}
