/**
 * Recovery end to end in Node: the real relay (PGlite, real port) and the
 * client's own recovery flows (client/src/recovery/flows.ts) over fetch, with
 * harness devices for the data. Device A turns recovery on; a mistyped phrase
 * fails before any request; a valid but wrong phrase is "no backup"; the
 * right one registers a new device in the same call, whose engine then
 * bootstraps A's habits and check-ins and syncs both ways with A.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ed25519KeyPair,
  fromHex,
  generatePhrase,
  ready,
  toHex,
  x25519KeyPair,
} from '@cairn/shared';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startRelay, type RunningRelay } from '../../testkit/src/relay.js';
import type { RecoveryFetch } from '../../client/src/recovery/api';
import {
  REMOVED,
  cancelRecoveryChange,
  checkCanChange,
  disableRecovery,
  enableRecovery,
  readAccountRecovery,
  restoreFromPhrase,
  type RestoreDeps,
} from '../../client/src/recovery/flows';
import { HarnessDevice, type HarnessIdentity } from '../support/harness-device';

await ready();

const K_MASTER = fromHex('5a'.repeat(32));
const ACCOUNT = 'a7000001-0000-4000-8000-000000000000';
const PHRASE = generatePhrase(fromHex('0f1e2d3c4b5a69788796a5b4c3d2e1f0'));
const OTHER = generatePhrase(fromHex('00112233445566778899aabbccddeeff'));
const HABIT = {
  categoryId: null,
  kind: 'yesno',
  target: null,
  cron: '0 0 * * *',
  notes: '',
} as const;

const identity = (n: number, deviceId: string): HarnessIdentity => ({
  accountId: ACCOUNT,
  deviceId,
  signing: ed25519KeyPair(fromHex(n.toString(16).padStart(2, '0').repeat(32))),
  box: x25519KeyPair(fromHex((n + 100).toString(16).padStart(2, '0').repeat(32))),
  label: `device ${n}`,
});

const DELAY_MS = 500;
const realFetch: RecoveryFetch = (url, init) => fetch(url, init);

let dataDir: string;
let relay: RunningRelay;
let base = '';
const devices: HarnessDevice[] = [];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'cairn-recovery-flow-'));
  // Turning recovery off waits this long for a cancel (3 days in production).
  relay = await startRelay({ kind: 'pglite', dataDir }, { limits: { recoveryDelayMs: DELAY_MS } });
  base = relay.base;
});

afterAll(async () => {
  for (const d of devices) await d.close();
  await relay.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const restoreDeps = (n: number, fetchFn: RecoveryFetch = realFetch): RestoreDeps => {
  const id = identity(n, `d7${n.toString(16).padStart(6, '0')}-0000-4000-8000-000000000000`);
  return {
    fetch: fetchFn,
    relayUrl: base,
    device: {
      deviceId: id.deviceId,
      signing: id.signing,
      boxPublicKey: id.box.publicKey,
      label: id.label,
    },
  };
};

const deviceCount = async (): Promise<number> =>
  (await relay.app.relay.store.listDevices(ACCOUNT)).length;

describe('recovery flow against the real relay', () => {
  let a: HarnessDevice;
  const aId = identity(1, 'd7000001-0000-4000-8000-000000000000');
  let recoveryIdHex = '';
  let restoredId = '';

  it('device A syncs, writes, and turns recovery on', async () => {
    a = await HarnessDevice.open({
      relayUrl: base,
      kMaster: K_MASTER,
      identity: aId,
      registered: false,
    });
    devices.push(a);
    await a.enableSync();
    await a.waitSynced();
    expect((await a.app.setProfile({ name: 'Ada', timezone: 'Europe/Paris' })).ok).toBe(true);
    expect((await a.app.createHabit({ ...HABIT, name: 'Read' })).ok).toBe(true);
    const habit = a.app.habits()[0];
    if (habit === undefined) throw new Error('no habit');
    const today = a.app.today();
    expect((await a.app.checkIn(habit.id, today, { status: 'done', note: 'chapter 3' })).ok).toBe(
      true,
    );
    await a.waitSynced();

    const enabled = await enableRecovery(PHRASE, {
      fetch: realFetch,
      relayUrl: base,
      device: { accountId: ACCOUNT, deviceId: aId.deviceId, signing: aId.signing },
      kMaster: K_MASTER,
      now: Date.now,
    });
    if (!enabled.ok) throw new Error(enabled.error.message);
    expect(enabled.value.recoveryIdHex).toMatch(/^[0-9a-f]{64}$/);
    expect(enabled.value.pending).toBeUndefined();
    recoveryIdHex = enabled.value.recoveryIdHex;
  });

  it('a mistyped word fails on the checksum and sends nothing', async () => {
    const words = PHRASE.split(' ');
    words[5] = words[5] === 'zoo' ? 'abandon' : 'zoo';
    const spy = vi.fn(realFetch);
    const before = await deviceCount();
    const r = await restoreFromPhrase(words.join(' '), restoreDeps(2, spy));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.kind).toBe('mistyped');
    expect(!r.ok && r.error.message).toMatch(/^A word is mistyped\./);
    const unknownWord = await restoreFromPhrase(
      [...words.slice(0, 11), 'cairn'].join(' '),
      restoreDeps(2, spy),
    );
    expect(!unknownWord.ok && unknownWord.error.message).toMatch(/Word 12 is not in the word list/);
    expect(spy).not.toHaveBeenCalled();
    expect(await deviceCount()).toBe(before);
  });

  it('a valid phrase that is not the backup’s: no backup, nothing registered', async () => {
    const before = await deviceCount();
    const r = await restoreFromPhrase(OTHER, restoreDeps(3));
    expect(!r.ok && r.error.kind).toBe('no-backup');
    expect(!r.ok && r.error.message).toMatch(/^No backup for this phrase\./);
    expect(await deviceCount()).toBe(before);
  });

  it('the phrase restores on a new device, which bootstraps and syncs both ways with A', async () => {
    const deps = restoreDeps(4);
    const r = await restoreFromPhrase(`  ${PHRASE.toUpperCase()} `, deps);
    if (!r.ok) throw new Error(r.error.message);
    expect(toHex(r.value.kMaster)).toBe(toHex(K_MASTER));
    expect(r.value.accountId).toBe(ACCOUNT);
    expect(r.value.deviceId).toBe(deps.device.deviceId);
    expect((await relay.app.relay.store.getDevice(ACCOUNT, r.value.deviceId))?.label).toBe(
      'device 4',
    );

    restoredId = r.value.deviceId;
    const b = await HarnessDevice.open({
      relayUrl: base,
      kMaster: r.value.kMaster,
      identity: { ...identity(4, r.value.deviceId), accountId: r.value.accountId },
      registered: true,
    });
    devices.push(b);
    await b.enableSync();
    await b.waitFor('the restored data', () => b.app.habits().length === 1, 60_000);
    await b.waitSynced();
    expect(b.app.profile()).toEqual({ name: 'Ada', timezone: 'Europe/Paris' });
    const [habit] = b.app.habits();
    expect(habit?.name).toBe('Read');
    const due = b.app.dueOn(a.app.today()).find((c) => c.habit.id === habit?.id);
    expect(due).toMatchObject({ status: 'done', note: 'chapter 3' });

    expect((await b.app.createHabit({ ...HABIT, name: 'Walk' })).ok).toBe(true);
    await a.waitFor('B’s habit', () => a.app.habits().some((h) => h.name === 'Walk'), 60_000);
    expect((await a.app.createHabit({ ...HABIT, name: 'Stretch' })).ok).toBe(true);
    await b.waitFor('A’s habit', () => b.app.habits().some((h) => h.name === 'Stretch'), 60_000);
  });

  it('a removed device is refused before any phrase is shown, and its phrase brings it back under a new id', async () => {
    const me = identity(4, restoredId);
    const as = (who: { deviceId: string; signing: typeof me.signing }) => ({
      fetch: realFetch,
      relayUrl: base,
      device: { accountId: ACCOUNT, deviceId: who.deviceId, signing: who.signing },
      now: Date.now,
    });
    expect(await checkCanChange(as(me))).toEqual({ ok: true, value: undefined });
    expect(await relay.app.relay.store.revokeDevice(ACCOUNT, restoredId)).toBe('revoked');
    // The check says what the change itself would meet at the end: refused, for this reason.
    expect(await checkCanChange(as(me))).toEqual({
      ok: false,
      error: { kind: 'refused', message: REMOVED },
    });
    const late = await enableRecovery(OTHER, { ...as(me), kMaster: K_MASTER });
    expect(late.ok).toBe(false);
    // A device still in the account may.
    expect((await checkCanChange(as(aId))).ok).toBe(true);
    // Restoring needs no standing on the relay: the same keys join again under a new id.
    const again = restoreDeps(4);
    const newId = 'd7000044-0000-4000-8000-000000000000';
    const back = await restoreFromPhrase(PHRASE, {
      ...again,
      device: { ...again.device, deviceId: newId, label: 'Phone again' },
    });
    if (!back.ok) throw new Error(back.error.message);
    expect(toHex(back.value.kMaster)).toBe(toHex(K_MASTER));
    expect((await relay.app.relay.store.getDevice(ACCOUNT, newId))?.label).toBe('Phone again');
    expect((await checkCanChange(as({ ...me, deviceId: newId }))).ok).toBe(true);
  });

  it('turning recovery off waits for a cancel; once its time passed, the phrase restores nothing', async () => {
    const deps = {
      fetch: realFetch,
      relayUrl: base,
      device: { accountId: ACCOUNT, deviceId: aId.deviceId, signing: aId.signing },
      now: Date.now,
    };
    const off = await disableRecovery(recoveryIdHex, deps);
    if (!off.ok) throw new Error(off.error.message);
    expect(off.value.pending).toMatchObject({ op: 'delete', requestedBy: aId.deviceId });
    const seen = await readAccountRecovery(deps);
    expect(seen.ok && seen.value?.pending?.op).toBe('delete');
    // Cancelled: past the delay, the phrase still restores.
    const cancelled = await cancelRecoveryChange(deps);
    expect(cancelled.ok && cancelled.value).toBe(true);
    await new Promise((r) => setTimeout(r, DELAY_MS + 100));
    expect((await restoreFromPhrase(PHRASE, restoreDeps(5))).ok).toBe(true);
    // Not cancelled: once the delay passed, nothing.
    const again = await disableRecovery(recoveryIdHex, deps);
    expect(again.ok && again.value.pending?.op).toBe('delete');
    await new Promise((r) => setTimeout(r, DELAY_MS + 100));
    const r = await restoreFromPhrase(PHRASE, restoreDeps(6));
    expect(!r.ok && r.error.kind).toBe('no-backup');
    const none = await cancelRecoveryChange(deps);
    expect(none.ok && none.value).toBe(false);
  });
});
