/**
 * Fixed identities: device `d` of account `a` always gets the same keys and the
 * same UUIDs, so fixtures stay readable and every run is byte-identical.
 *
 * Seed formula (32 bytes): `prefix ‖ tag ‖ n` then `pad` repeated, with `tag` one byte
 * (1 = Ed25519 signing, 2 = X25519 box), `n = a·1000 + d` four bytes big-endian.
 * Account id `${account}${a:6 hex}-0000-4000-8000-${tail}`, device id likewise with
 * `device` and `n`.
 *
 * Each suite keeps its own scheme, so the fault suites' devices never collide with
 * the relay suites' in one database, and every fixed hex of the past stays valid.
 */
import {
  buildRegisterRequest,
  ed25519KeyPair,
  fromHex,
  ready,
  x25519KeyPair,
  type KeyPair,
  type RegisterRequest,
} from '@cairn/shared';

await ready();

export interface Identity {
  readonly accountId: string;
  readonly deviceId: string;
  readonly signing: KeyPair;
  readonly box: KeyPair;
  readonly label: string;
  /** The seeds of the two key pairs (a browser page derives the keys again from them). */
  readonly signingSeed: Uint8Array;
  readonly boxSeed: Uint8Array;
}

export interface IdentityScheme {
  /** Hex bytes before the tag (none, or `fa` for the fault suites). */
  readonly seedPrefix: string;
  /** The hex byte the seed is padded with. */
  readonly pad: string;
  /** UUID prefixes (two hex digits) of the account and the device. */
  readonly account: string;
  readonly device: string;
  /** The UUID's last group (12 hex digits). */
  readonly tail: string;
  readonly label: (a: number, d: number, deviceId: string) => string;
}

/** The relay suites' identities (and the default). */
export const RELAY_IDS: IdentityScheme = {
  seedPrefix: '',
  pad: 'a5',
  account: 'aa',
  device: 'dd',
  tail: '000000000000',
  label: (a, d) => `device ${a}.${d}`,
};

/** The fault suites' identities. */
export const FAULT_IDS: IdentityScheme = {
  seedPrefix: 'fa',
  pad: '5a',
  account: 'fa',
  device: 'fd',
  tail: '00000000fa17',
  label: (a, d) => `fault device ${a}.${d}`,
};

/** The benchmarks' identities (registered straight into a relay store). */
export const BENCH_IDS: IdentityScheme = {
  seedPrefix: '',
  pad: 'a5',
  account: 'ac',
  device: 'de',
  tail: '000000000000',
  label: (_a, _d, deviceId) => `bench ${deviceId.slice(2, 8)}`,
};

const hex = (n: number, digits: number): string => n.toString(16).padStart(digits, '0');

function seed(scheme: IdentityScheme, tag: number, n: number): Uint8Array {
  return fromHex(`${scheme.seedPrefix}${hex(tag, 2)}${hex(n, 8)}`.padEnd(64, scheme.pad));
}

const uuid = (prefix: string, n: number, tail: string): string =>
  `${prefix}${hex(n, 6)}-0000-4000-8000-${tail}`;

/** Device `d` of account `a` (small integers, `d` < 1000): same inputs, same keys. */
export function identity(
  a: number,
  d: number,
  { scheme = RELAY_IDS, label }: { scheme?: IdentityScheme; label?: string } = {},
): Identity {
  const n = a * 1000 + d;
  const signingSeed = seed(scheme, 1, n);
  const boxSeed = seed(scheme, 2, n);
  const deviceId = uuid(scheme.device, n, scheme.tail);
  return {
    accountId: uuid(scheme.account, a, scheme.tail),
    deviceId,
    signing: ed25519KeyPair(signingSeed),
    box: x25519KeyPair(boxSeed),
    label: label ?? scheme.label(a, d, deviceId),
    signingSeed,
    boxSeed,
  };
}

/** `accounts` accounts of `perAccount` devices each, account-major. */
export function identities(
  accounts: number,
  perAccount: number,
  scheme: IdentityScheme = RELAY_IDS,
): Identity[] {
  const out: Identity[] = [];
  for (let a = 0; a < accounts; a++)
    for (let d = 0; d < perAccount; d++) out.push(identity(a, d, { scheme }));
  return out;
}

/** The body of `POST /v1/accounts` that registers `id` as its account's first device. */
export function registration(id: Identity): RegisterRequest {
  return buildRegisterRequest(id.accountId, id.deviceId, id.signing, id.box.publicKey, id.label);
}

/** A canonical base64 id of `n` bytes, all equal to `fill`, for readable fixtures. */
export function b64Id(n: number, fill: number): string {
  return Buffer.alloc(n, fill).toString('base64');
}

/** Sealed-record-shaped bytes (version 0x01, then filler), base64: the relay sees only bytes. */
export function fakeRecord(size: number, fill = 0x5a): string {
  const b = Buffer.alloc(size, fill);
  b[0] = 1;
  return b.toString('base64');
}

/** A base64 id of `bytes` bytes: `n` big-endian in the last 4 bytes, `tag` before it. */
export function wireId(bytes: number, tag: number, n: number): string {
  const b = Buffer.alloc(bytes, tag);
  b.writeUInt32BE(n >>> 0, bytes - 4);
  return b.toString('base64');
}

/** Device `d` of account `a` in the fault suites' scheme. */
export const faultIdentity = (a: number, d: number): Identity =>
  identity(a, d, { scheme: FAULT_IDS });

/** Device `d` of account `a` in the benchmarks' scheme. */
export const benchIdentity = (a: number, d: number): Identity =>
  identity(a, d, { scheme: BENCH_IDS });

/** `accounts` accounts of `perAccount` devices each in the benchmarks' scheme, account-major. */
export const benchIdentities = (accounts: number, perAccount: number): Identity[] =>
  identities(accounts, perAccount, BENCH_IDS);
