/**
 * Cairn's side of the side-by-side: two harness devices of one account
 * (test/support/harness-device.ts: the app's own Controller, DocumentStore and
 * sync engine, over in-memory logs and Node's `ws`) on Cairn's relay in a child
 * process. Device A writes the workload's check-ins through the app's action
 * (`checkIn`: sealed, padded, appended, queued, pushed, acked after commit);
 * B holds a change once its observations document has A's heads.
 */
import * as A from '@automerge/automerge';
import { fromHex } from '@cairn/shared';
import { DAILY_CRON, addHabit } from '../../client/src/domain';
import { HarnessDevice } from '../../test/support/harness-device.js';
import { benchIdentity } from '../../testkit/src/identities.js';
import { seededDatabase, startRelay, type RelayRun } from './relay.js';
import type { DatabaseKind } from './databases.js';
import { NOW, dateOf, habitIds, habitOf } from './workload.js';
import { withTimeout } from './wait.js';

const K_MASTER = fromHex('4b'.repeat(32));
const SYNC_TIMEOUT_MS = 60_000;

export interface CairnPair {
  readonly relay: RelayRun;
  /** A fresh account with devices A and B, synced, with the workload's habits. */
  newAccount(): Promise<CairnAccount>;
  close(): Promise<void>;
}

export interface CairnAccount {
  /** A writes check-in `i` through the app; resolves after the durable append. */
  write(i: number): Promise<void>;
  /** Resolves when B's observations hold everything A has written so far. */
  caughtUp(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

function whenHolds(b: HarnessDevice, heads: A.Heads, ms: number): Promise<void> {
  const holds = (): boolean => A.hasHeads(b.store.doc('observations'), heads);
  if (holds()) return Promise.resolve();
  let off = (): void => undefined;
  return withTimeout(
    new Promise<void>((resolve) => {
      off = b.store.subscribe(() => {
        if (holds()) resolve();
      });
    }),
    ms,
    'Cairn: device B never received the last change',
  ).finally(() => off());
}

/** `accounts`: how many fresh accounts `newAccount` can hand out. */
export async function startCairnPair(kind: DatabaseKind, accounts: number): Promise<CairnPair> {
  const ids = Array.from({ length: accounts }, (_, a) => [
    benchIdentity(a, 0),
    benchIdentity(a, 1),
  ]);
  const relay = await startRelay(await seededDatabase(kind, ids.flat()));
  const open = async (a: number, d: 0 | 1): Promise<HarnessDevice> => {
    const id = ids[a]?.[d];
    if (id === undefined) throw new Error(`no identity for account ${a}`);
    const device = await HarnessDevice.open({
      relayUrl: relay.base,
      kMaster: K_MASTER,
      identity: { ...id, label: d === 0 ? 'A' : 'B' },
      registered: true,
      now: () => NOW,
    });
    await device.enableSync();
    return device;
  };
  let next = 0;
  return {
    relay,
    async newAccount() {
      const a = next++;
      const [devA, devB] = [await open(a, 0), await open(a, 1)];
      // Set-up, not timed: the habits get the workload's fixed ids (the app's action makes random ones).
      const made = await devA.store.change('templates', (d) => {
        for (const [k, id] of habitIds.entries()) {
          addHabit(d, {
            id,
            name: `Habit ${k}`,
            schedule: DAILY_CRON,
            kind: { type: 'yesno' },
            startDate: dateOf(0),
            now: NOW,
          });
        }
      });
      if (!made.ok) throw new Error(`creating the habits failed: ${made.error.message}`);
      const templates = devA.store.heads('templates');
      await devB.waitFor(
        'the habits',
        () => A.hasHeads(devB.store.doc('templates'), templates),
        SYNC_TIMEOUT_MS,
      );
      return {
        async write(i) {
          const r = await devA.app.checkIn(habitOf(i), dateOf(i), { status: 'done' });
          if (!r.ok) throw new Error(`check-in failed: ${r.message}`);
        },
        caughtUp: (ms) => whenHolds(devB, devA.store.heads('observations'), ms),
        async close() {
          await devA.close();
          await devB.close();
        },
      };
    },
    close: () => relay.stop(),
  };
}
