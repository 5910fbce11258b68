/**
 * Per-address limits through real HTTP: the pairing lookup budget (2 a
 * minute here) counted under the client's address as TRUST_PROXY decides it.
 * A client's own X-Forwarded-For picks nothing unless the hop it came through
 * is trusted; IPv6 clients share one budget per /64.
 */
import { PAIRING_LOOKUP_PATH, toBase64 } from '@cairn/shared';
import { afterAll, describe, expect, it } from 'vitest';
import type { TrustProxy } from '../../src/http/addresses.js';
import { startRelay, type RunningRelay } from '../../../testkit/src/relay.js';

const relays: RunningRelay[] = [];
afterAll(async () => {
  for (const r of relays) await r.close();
});

async function relayTrusting(trustProxy: TrustProxy): Promise<RunningRelay> {
  const r = await startRelay(
    { kind: 'pglite' },
    { trustProxy, limits: { pairingLookupsPerMinute: 2 } },
  );
  relays.push(r);
  return r;
}

/** A lookup of an unknown code claiming to come from `forwardedFor`: 404 while in budget, 429 past it. */
async function lookup(r: RunningRelay, forwardedFor?: string): Promise<number> {
  const res = await fetch(`${r.base}${PAIRING_LOOKUP_PATH}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor }),
    },
    body: JSON.stringify({ v: 1, lookupKey: toBase64(new Uint8Array(32).fill(9)) }),
  });
  await res.arrayBuffer();
  return res.status;
}

describe('client addresses', () => {
  it('ignores X-Forwarded-For when no proxy is trusted', async () => {
    const r = await relayTrusting(false);
    expect([await lookup(r, '198.51.100.1'), await lookup(r, '198.51.100.2')]).toEqual([404, 404]);
    // A third "address" of the client's own choosing is still the same client.
    expect(await lookup(r, '198.51.100.3')).toBe(429);
  });

  it('trusts one hop with TRUST_PROXY=1: the proxy’s view of the client counts', async () => {
    const r = await relayTrusting(1);
    expect([await lookup(r, '198.51.100.1'), await lookup(r, '198.51.100.1')]).toEqual([404, 404]);
    expect(await lookup(r, '198.51.100.1')).toBe(429);
    // Only the nearest hop is believed: what the client wrote before it is not.
    expect(await lookup(r, '203.0.113.9, 198.51.100.1')).toBe(429);
    expect(await lookup(r, '198.51.100.2')).toBe(404);
  });

  it('trusts only the proxies named by address', async () => {
    const named = await relayTrusting(['127.0.0.1']);
    expect(await lookup(named, '198.51.100.1')).toBe(404);
    expect(await lookup(named, '198.51.100.2')).toBe(404);
    expect(await lookup(named, '198.51.100.3')).toBe(404);
    const other = await relayTrusting(['10.0.0.1']);
    expect([await lookup(other, '198.51.100.1'), await lookup(other, '198.51.100.2')]).toEqual([
      404, 404,
    ]);
    expect(await lookup(other, '198.51.100.3')).toBe(429);
  });

  it('counts an IPv6 /64 as one address', async () => {
    const r = await relayTrusting(1);
    expect(await lookup(r, '2001:db8:1:2::1')).toBe(404);
    expect(await lookup(r, '2001:db8:1:2:ffff::9')).toBe(404);
    expect(await lookup(r, '2001:db8:1:2::abcd')).toBe(429);
    expect(await lookup(r, '2001:db8:1:3::1')).toBe(404);
  });
});
