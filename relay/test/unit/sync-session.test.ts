/**
 * The relay's socket-free `Session`, driven directly: frames in through
 * `onFrame`, frames out through a recording outbox, and on the other end the
 * shared `RelayProtocolClient` the app runs. No socket and no HTTP: a real
 * store (PGlite in memory), the real hub and committer.
 */
import {
  CLOSE_CODES,
  MAX_LABEL_LENGTH,
  PROTOCOL_VERSION,
  RelayProtocolClient,
  fromBase64,
  signAuth,
  toBase64,
  type ErrorMessage,
} from '@cairn/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Committer } from '../../src/sync/committer.js';
import { resolveLimits } from '../../src/config.js';
import { Hub } from '../../src/sync/hub.js';
import type { Outbox } from '../../src/http/socket-wiring.js';
import { createMetrics } from '../../src/ops/metrics.js';
import { QueuedBytes, Session, type SessionDeps } from '../../src/sync/session.js';
import { openStore, type RelayStore } from '../../src/store/index.js';
import { b64Id, fakeRecord, identity, type Identity } from '../../../testkit/src/identities.js';

const A1 = identity(300, 1);
const STRANGER = identity(301, 1);

let store: RelayStore;
let deps: SessionDeps;

beforeAll(async () => {
  store = await openStore({ kind: 'pglite' });
  const device = (d: Identity) => ({
    deviceId: d.deviceId,
    signingKey: toBase64(d.signing.publicKey),
    boxKey: toBase64(d.box.publicKey),
    label: d.label,
  });
  expect(await store.registerAccount(A1.accountId, device(A1))).toBe('created');
  const limits = resolveLimits();
  const metrics = createMetrics();
  const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
  deps = {
    store,
    committer: new Committer(store, metrics, {
      maxBatchRows: limits.maxBatchRows,
      maxBatchBytes: limits.maxBatchBytes,
      quotaBytes: limits.quotaBytes,
      maxStreams: limits.maxStreams,
      onCommitted: () => undefined,
      onError: (e) => {
        throw e;
      },
    }),
    hub: new Hub(),
    limits,
    metrics,
    buckets: new Map(),
    queued: new QueuedBytes(limits.maxQueuedBytesTotal),
    log: silent,
    now: () => Date.now(),
  };
});

afterAll(async () => {
  await store.close();
});

interface Driven {
  session: Session;
  client: RelayProtocolClient;
  sent: string[];
  errors: ErrorMessage[];
  closedWith: { code: number; reason: string } | undefined;
}

/** A session whose outbox feeds a protocol client, and whose client feeds the session. */
function drive(): Driven {
  const challenge = new Uint8Array(32).fill(7);
  const errors: ErrorMessage[] = [];
  const d: Driven = {
    sent: [],
    errors,
    closedWith: undefined,
    client: new RelayProtocolClient((text) => void d.session.onFrame(text), {
      onError: (e) => errors.push(e),
    }),
    session: undefined as unknown as Session,
  };
  const out: Outbox = {
    send(frame) {
      d.sent.push(frame);
      d.client.receive(frame);
    },
    close(code, reason) {
      d.closedWith ??= { code, reason };
      d.client.closed(code, reason);
    },
  };
  d.session = new Session(deps, out, challenge);
  out.send(d.session.helloFrame());
  return d;
}

const parse = (frame: string | undefined): Record<string, unknown> =>
  JSON.parse(frame ?? '{}') as Record<string, unknown>;

describe('Session (socket-free)', () => {
  it('opens with hello: the protocol version, its challenge and the limits', () => {
    const { sent } = drive();
    const hello = parse(sent[0]);
    expect(hello).toMatchObject({ type: 'hello', v: PROTOCOL_VERSION });
    expect(fromBase64(String(hello['challenge']))).toEqual(new Uint8Array(32).fill(7));
    expect(hello['limits']).toMatchObject({ maxEventBytes: deps.limits.maxEventBytes });
  });

  it('takes nothing but auth before ready: an error, then 4402, then silence', async () => {
    const d = drive();
    await d.session.onFrame(JSON.stringify({ type: 'ping', id: 1 }));
    expect(parse(d.sent[1])).toMatchObject({ type: 'error', code: 'not-authenticated', ref: 1 });
    expect(d.closedWith?.code).toBe(CLOSE_CODES.notAuthenticated);
    await d.session.onFrame(JSON.stringify({ type: 'ping', id: 2 }));
    expect(d.sent).toHaveLength(2);
  });

  it('refuses a signature that is not the device key: auth-failed, 4401', async () => {
    const d = drive();
    const challenge = String(parse(d.sent[0])['challenge']);
    await d.session.onFrame(
      JSON.stringify({
        type: 'auth',
        v: PROTOCOL_VERSION,
        accountId: A1.accountId,
        deviceId: A1.deviceId,
        signature: signAuth(STRANGER.signing.secretKey, challenge, A1.accountId, A1.deviceId),
      }),
    );
    expect(parse(d.sent[1])).toMatchObject({ type: 'error', code: 'auth-failed' });
    expect(d.closedWith?.code).toBe(CLOSE_CODES.authFailed);
    expect(d.session.isReady).toBe(false);
  });

  it('authenticates a registered device, then takes a push and serves it back on pull', async () => {
    const d = drive();
    const ready = await d.client.authenticate({
      accountId: A1.accountId,
      deviceId: A1.deviceId,
      signingSecretKey: A1.signing.secretKey,
    });
    expect(ready.ok).toBe(true);
    expect(d.session.isReady).toBe(true);
    expect(d.session.deviceId).toBe(A1.deviceId);

    const stream = b64Id(32, 0x31);
    const data = fakeRecord(64, 0x42);
    const ack = await d.client.push(stream, b64Id(16, 0x01), data);
    expect(ack.ok && ack.value.seq).toBe(1);
    const again = await d.client.push(stream, b64Id(16, 0x01), data);
    expect(again.ok && again.value.seq).toBe(1);

    const page = await d.client.pull(stream, 0);
    expect(page.ok).toBe(true);
    if (page.ok) {
      expect(page.value.events.map((e) => [e.seq, e.eventId, e.data])).toEqual([
        [1, b64Id(16, 0x01), data],
      ]);
    }
    expect(d.errors).toEqual([]);
    d.session.onClosed();
  });

  it('answers a second auth after ready with an error, and stays open', async () => {
    const d = drive();
    const creds = {
      accountId: A1.accountId,
      deviceId: A1.deviceId,
      signingSecretKey: A1.signing.secretKey,
    };
    expect((await d.client.authenticate(creds)).ok).toBe(true);
    const before = d.sent.length;
    await d.session.onFrame(
      JSON.stringify({
        type: 'auth',
        v: PROTOCOL_VERSION,
        accountId: A1.accountId,
        deviceId: A1.deviceId,
        signature: toBase64(new Uint8Array(64)),
      }),
    );
    expect(parse(d.sent[before])).toMatchObject({ type: 'error', code: 'not-authenticated' });
    expect(d.closedWith).toBeUndefined();
    d.session.onClosed();
  });

  it('lists devices with live presence: a connected device is online and seen now', async () => {
    const A2 = identity(300, 2);
    const a1 = drive();
    const as = (d: Identity) => ({
      accountId: d.accountId,
      deviceId: d.deviceId,
      signingSecretKey: d.signing.secretKey,
    });
    expect((await a1.client.authenticate(as(A1))).ok).toBe(true);
    const added = await a1.client.addDevice({
      deviceId: A2.deviceId,
      signingKey: toBase64(A2.signing.publicKey),
      boxKey: toBase64(A2.box.publicKey),
      label: 'Phone',
    });
    expect(added.ok).toBe(true);

    const before = Date.now();
    const first = await a1.client.devices();
    if (!first.ok) throw new Error('devices refused');
    const byId = (list: typeof first.value.devices, id: string) =>
      list.find((d) => d.deviceId === id);
    expect(byId(first.value.devices, A1.deviceId)).toMatchObject({ current: true, online: true });
    expect(byId(first.value.devices, A1.deviceId)?.lastSeenAt).toBeGreaterThanOrEqual(before);
    // Never connected: offline, never seen.
    expect(byId(first.value.devices, A2.deviceId)).toMatchObject({
      current: false,
      online: false,
      lastSeenAt: null,
    });

    const a2 = drive();
    expect((await a2.client.authenticate(as(A2))).ok).toBe(true);
    const second = await a1.client.devices();
    if (!second.ok) throw new Error('devices refused');
    expect(byId(second.value.devices, A2.deviceId)).toMatchObject({ online: true });
    expect(byId(second.value.devices, A2.deviceId)?.lastSeenAt).toBeGreaterThanOrEqual(before);

    a2.session.onClosed();
    const third = await a1.client.devices();
    if (!third.ok) throw new Error('devices refused');
    expect(byId(third.value.devices, A2.deviceId)).toMatchObject({ online: false });
    a1.session.onClosed();
  });

  it('relabels a device of the account at the label limit; one over is refused and changes nothing', async () => {
    const d = drive();
    expect(
      (
        await d.client.authenticate({
          accountId: A1.accountId,
          deviceId: A1.deviceId,
          signingSecretKey: A1.signing.secretKey,
        })
      ).ok,
    ).toBe(true);
    const label = (n: number) => 'é'.repeat(n);
    const labelOf = async () => {
      const list = await d.client.devices();
      if (!list.ok) throw new Error('devices refused');
      return list.value.devices.find((x) => x.deviceId === A1.deviceId)?.label;
    };
    expect((await d.client.relabel(A1.deviceId, label(MAX_LABEL_LENGTH - 1))).ok).toBe(true);
    expect(await labelOf()).toBe(label(MAX_LABEL_LENGTH - 1));
    expect((await d.client.relabel(A1.deviceId, label(MAX_LABEL_LENGTH))).ok).toBe(true);
    expect(await labelOf()).toBe(label(MAX_LABEL_LENGTH));
    const over = await d.client.relabel(A1.deviceId, label(MAX_LABEL_LENGTH + 1));
    expect(over.ok).toBe(false);
    expect(await labelOf()).toBe(label(MAX_LABEL_LENGTH));
    d.session.onClosed();
  });
});
