/**
 * Benchmark devices: deterministic identities (keys from fixed seeds, fixed
 * UUIDs), registered straight into a relay store before the relay starts, so
 * a benchmark of 10k devices does not spend its time on HTTP registration.
 */
import { ed25519KeyPair, toBase64, x25519KeyPair, type KeyPair } from '@cairn/shared';
import type { NewDevice, RelayStore } from '../../relay/src/store/types.js';

export interface BenchIdentity {
  readonly accountId: string;
  readonly deviceId: string;
  readonly signing: KeyPair;
  readonly box: KeyPair;
  /** The seeds of the two key pairs (a browser page derives them again). */
  readonly signingSeed: Uint8Array;
  readonly boxSeed: Uint8Array;
}

function seed(tag: number, n: number): Uint8Array {
  const s = new Uint8Array(32).fill(0xa5);
  s[0] = tag;
  new DataView(s.buffer).setUint32(1, n);
  return s;
}

const uuid = (prefix: string, n: number): string =>
  `${prefix}${n.toString(16).padStart(6, '0')}-0000-4000-8000-000000000000`;

/** Device `d` (0-based) of account `a` (0-based). Call `ready()` from @cairn/shared first. */
export function benchIdentity(a: number, d: number): BenchIdentity {
  const n = a * 1000 + d;
  const signingSeed = seed(1, n);
  const boxSeed = seed(2, n);
  return {
    accountId: uuid('ac', a),
    deviceId: uuid('de', n),
    signing: ed25519KeyPair(signingSeed),
    box: x25519KeyPair(boxSeed),
    signingSeed,
    boxSeed,
  };
}

/** `accounts` accounts of `perAccount` devices each, account-major. */
export function benchIdentities(accounts: number, perAccount: number): BenchIdentity[] {
  const out: BenchIdentity[] = [];
  for (let a = 0; a < accounts; a++)
    for (let d = 0; d < perAccount; d++) out.push(benchIdentity(a, d));
  return out;
}

function newDevice(id: BenchIdentity): NewDevice {
  return {
    deviceId: id.deviceId,
    signingKey: toBase64(id.signing.publicKey),
    boxKey: toBase64(id.box.publicKey),
    label: `bench ${id.deviceId.slice(2, 8)}`,
  };
}

/** Registers every identity (first of an account creates it); `parallel` transactions at a time. */
export async function registerAll(
  store: RelayStore,
  ids: readonly BenchIdentity[],
  parallel = 8,
): Promise<void> {
  const byAccount = new Map<string, BenchIdentity[]>();
  for (const id of ids) byAccount.set(id.accountId, [...(byAccount.get(id.accountId) ?? []), id]);
  const accounts = [...byAccount.values()];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < accounts.length) {
      const devices = accounts[next++] ?? [];
      for (const [i, id] of devices.entries()) {
        const outcome =
          i === 0
            ? await store.registerAccount(id.accountId, newDevice(id))
            : await store.addDevice(id.accountId, newDevice(id));
        if (outcome !== 'created' && outcome !== 'same') {
          throw new Error(`registering ${id.deviceId}: ${outcome}`);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
}
