import { fromHex, ready, sha256, toBase64 } from '@cairn/shared';
import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../../src/sync/engine/backoff';
import { windowOf } from '../../../src/sync/replica/push-window';
import { contiguousRun } from '../../../src/sync/session/relay-connection';
import { accountsUrl, normaliseRelayUrl, webSocketUrl } from '../../../src/device/relay-address';
import { eventIdOf } from '../../../src/sync/wire';

await ready();

describe('backoffDelay', () => {
  it('is 1, 2, 4, 8, 16 s, then 30 s', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 50, 5000].map(backoffDelay)).toEqual([
      1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000, 30_000,
    ]);
  });

  it('rejects a negative or fractional count (a bug)', () => {
    expect(() => backoffDelay(-1)).toThrow(RangeError);
    expect(() => backoffDelay(0.5)).toThrow(RangeError);
  });
});

describe('wire helpers', () => {
  it('names an event by the first 16 bytes of SHA-256 of its record', () => {
    const record = fromHex('01' + 'ab'.repeat(60));
    expect(eventIdOf(record)).toBe(toBase64(sha256(record).subarray(0, 16)));
    expect(eventIdOf(record)).toHaveLength(24);
    expect(eventIdOf(record)).toBe(eventIdOf(record.slice()));
  });

  it('derives the relay routes from the relay URL', () => {
    expect(normaliseRelayUrl(' https://cairn.example/ ')).toBe('https://cairn.example');
    expect(webSocketUrl('https://cairn.example')).toBe('wss://cairn.example/v1/ws');
    expect(webSocketUrl('http://localhost:8080/relay/')).toBe('ws://localhost:8080/relay/v1/ws');
    expect(accountsUrl('http://localhost:8080')).toBe('http://localhost:8080/v1/accounts');
    for (const bad of [
      'ftp://x',
      'not a url',
      'https://user:pw@x.example',
      'https://x.example/?a=1',
    ]) {
      expect(normaliseRelayUrl(bad)).toBeUndefined();
    }
  });
});

describe('receive and push planning', () => {
  const ev = (seq: number) => ({ seq, eventId: `e${seq}`, data: '' });

  it('takes the events that continue the cursor, in order, each once', () => {
    expect(contiguousRun([ev(5), ev(3), ev(4), ev(4), ev(7)], 2).map((e) => e.seq)).toEqual([
      3, 4, 5,
    ]);
    expect(contiguousRun([ev(1), ev(2)], 2)).toEqual([]);
    expect(contiguousRun([ev(5)], 3)).toEqual([]);
  });

  it('fills a push window by count and bytes, always at least one entry', () => {
    const big = 'A'.repeat(1_500_000);
    const entries = [0, 1, 2].map((key) => ({ key, streamId: 's', eventId: `e${key}`, data: big }));
    expect(windowOf(entries).map((e) => e.key)).toEqual([0]);
    const small = Array.from({ length: 300 }, (_, key) => ({
      key,
      streamId: 's',
      eventId: `e${key}`,
      data: 'AAAA',
    }));
    expect(windowOf(small)).toHaveLength(256);
  });
});
