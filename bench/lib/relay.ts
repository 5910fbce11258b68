/**
 * Starting Cairn's relay for a benchmark: a fresh database with the devices
 * registered, then the relay as a child process (bench/servers/relay.ts) with
 * the rate limits a load test needs lifted (a benchmark measures capacity; the
 * limits protect a production relay from one device, and are on by default).
 */
import { toBase64 } from '@cairn/shared';
import type { RelayLimitsConfig } from '../../relay/src/config.js';
import { openStore } from '../../relay/src/store/index.js';
import type { NewDevice, RelayStore } from '../../relay/src/store/types.js';
import { spawnServer, portInfo, type ServerProcess, type SpawnOptions } from './child.js';
import { freshDatabase, type DatabaseKind, type RelayDatabase } from './databases.js';
import { type Identity } from '../../testkit/src/identities.js';

export const LOAD_TEST_LIMITS: Partial<RelayLimitsConfig> = {
  pushRate: 1_000_000,
  pushBurst: 1_000_000,
  connectPerMinute: 1_000_000,
  registerPerMinute: 1_000_000,
  quotaBytes: 2 ** 40,
  // Thousands of benchmark devices connect from one address.
  maxSocketsPerIp: 1_000_000,
};

export interface RelayRun {
  readonly base: string;
  readonly wsUrl: string;
  readonly server: ServerProcess<{ port: number }>;
  readonly database: RelayDatabase;
  stop(): Promise<void>;
}

export interface RelayOptions extends SpawnOptions {
  limits?: Partial<RelayLimitsConfig>;
  staticDir?: string;
  benchPageDir?: string;
}

/** A new database holding `devices`, ready for `startRelay`. */
export async function seededDatabase(
  kind: DatabaseKind,
  devices: readonly Identity[],
): Promise<RelayDatabase> {
  const database = await freshDatabase(kind);
  const store = await openStore(database);
  try {
    await registerAll(store, devices, kind === 'postgres' ? 8 : 1);
  } finally {
    await store.close();
  }
  return database;
}

export async function startRelay(
  database: RelayDatabase,
  options: RelayOptions = {},
): Promise<RelayRun> {
  const config = {
    database,
    limits: { ...LOAD_TEST_LIMITS, ...options.limits },
    ...(options.staticDir === undefined ? {} : { staticDir: options.staticDir }),
    ...(options.benchPageDir === undefined ? {} : { benchPageDir: options.benchPageDir }),
  };
  const server = await spawnServer('bench/servers/relay.ts', portInfo, {
    ...options,
    env: { ...options.env, BENCH_RELAY: JSON.stringify(config) },
  });
  const base = `http://127.0.0.1:${server.info.port}`;
  return {
    base,
    wsUrl: `ws://127.0.0.1:${server.info.port}/v1/ws`,
    server,
    database,
    stop: () => server.stop(),
  };
}

function newDevice(id: Identity): NewDevice {
  return {
    deviceId: id.deviceId,
    signingKey: toBase64(id.signing.publicKey),
    boxKey: toBase64(id.box.publicKey),
    label: id.label,
  };
}

/** Registers every identity (first of an account creates it); `parallel` transactions at a time. */
export async function registerAll(
  store: RelayStore,
  ids: readonly Identity[],
  parallel = 8,
): Promise<void> {
  const byAccount = new Map<string, Identity[]>();
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
