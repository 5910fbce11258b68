import {
  ed25519KeyPair,
  fromHex,
  ready,
  verifyRegisterRequest,
  RegisterRequest,
} from '@cairn/shared';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { Cursors } from '../../../src/sync/replica/cursors';
import { registerAccount, type FetchLike } from '../../../src/sync/session/registration';

await ready();

const ACCOUNT = 'aa000001-0000-4000-8000-000000000000';
const DEVICE = 'dd000001-0000-4000-8000-000000000000';
const identity = {
  signing: ed25519KeyPair(fromHex('21'.repeat(32))),
  boxPublicKey: fromHex('22'.repeat(32)),
  label: 'Chrome on Linux',
};

function answering(status: number, body: unknown, seen: unknown[] = []): FetchLike {
  return (url, init) => {
    seen.push({ url, body: JSON.parse(init.body) as unknown });
    return Promise.resolve({ status, json: () => Promise.resolve(body) });
  };
}

describe('registerAccount', () => {
  it('posts a signed registration to /v1/accounts and accepts 201 and 200', async () => {
    const seen: { url: string; body: unknown }[] = [];
    const created = await registerAccount(
      answering(201, { accountId: ACCOUNT, deviceId: DEVICE, created: true }, seen),
      'http://relay.test/',
      ACCOUNT,
      DEVICE,
      identity,
    );
    expect(created).toEqual({ ok: true, value: undefined });
    expect(seen[0]?.url).toBe('http://relay.test/v1/accounts');
    const body = v.parse(RegisterRequest, seen[0]?.body);
    expect(verifyRegisterRequest(body)).toBe(true);
    expect(body.label).toBe('Chrome on Linux');
    const again = await registerAccount(
      answering(200, { accountId: ACCOUNT, deviceId: DEVICE, created: false }),
      'http://relay.test',
      ACCOUNT,
      DEVICE,
      identity,
    );
    expect(again.ok).toBe(true);
  });

  it('retries on no network, rate limits and relay failures; refuses a taken id', async () => {
    const offline: FetchLike = () => Promise.reject(new TypeError('Failed to fetch'));
    const run = (f: FetchLike) =>
      registerAccount(f, 'http://relay.test', ACCOUNT, DEVICE, identity);
    expect(await run(offline)).toMatchObject({ ok: false, error: { kind: 'retry' } });
    expect(
      await run(
        answering(429, {
          type: 'error',
          code: 'rate-limited',
          message: 'slow',
          retryAfterMs: 5000,
        }),
      ),
    ).toMatchObject({ ok: false, error: { kind: 'retry', retryAfterMs: 5000 } });
    expect(
      await run(answering(503, { type: 'error', code: 'unavailable', message: 'db' })),
    ).toMatchObject({
      ok: false,
      error: { kind: 'retry' },
    });
    expect(
      await run(answering(409, { type: 'error', code: 'exists', message: 'taken' })),
    ).toMatchObject({
      ok: false,
      error: { kind: 'refused', reason: 'exists' },
    });
    expect(await run(answering(404, 'not json'))).toMatchObject({
      ok: false,
      error: { kind: 'refused', reason: 'rejected', message: 'HTTP 404' },
    });
  });
});

describe('Cursors', () => {
  it('moves forward only, over own acknowledged events that follow, and batches persistence', () => {
    const writes: Map<string, number>[] = [];
    const pending: (() => ReadonlyMap<string, number>)[] = [];
    const cursors = new Cursors((batch) => pending.push(batch));
    cursors.advance('s', 3);
    cursors.advance('s', 2);
    expect(cursors.get('s')).toBe(3);
    cursors.acked('s', 6); // a gap at 4 and 5: waits
    expect(cursors.get('s')).toBe(3);
    cursors.acked('s', 4);
    expect(cursors.get('s')).toBe(4);
    cursors.advance('s', 5); // another device's event 5 applied: 6 is own, so 6
    expect(cursors.get('s')).toBe(6);
    cursors.advance('t', 1);
    // One background write was scheduled for all of these moves.
    expect(pending).toHaveLength(1);
    for (const p of pending) writes.push(new Map(p()));
    expect(writes).toEqual([
      new Map([
        ['s', 6],
        ['t', 1],
      ]),
    ]);
    cursors.load(
      new Map([
        ['s', 2],
        ['u', 9],
      ]),
    );
    expect([cursors.get('s'), cursors.get('u')]).toEqual([6, 9]);
  });
});
