/** TRUST_PROXY and the keys per-address limits count under (addresses.ts). */
import { describe, expect, it } from 'vitest';
import { addressKey, parseTrustProxy, SocketsPerAddress } from '../../src/http/addresses.js';

describe('TRUST_PROXY', () => {
  it('is a hop count or the proxies’ addresses, never every hop', () => {
    expect(parseTrustProxy(undefined)).toBe(false);
    expect(parseTrustProxy('')).toBe(false);
    expect(parseTrustProxy('0')).toBe(false);
    expect(parseTrustProxy('1')).toBe(1);
    expect(parseTrustProxy(' 2 ')).toBe(2);
    expect(parseTrustProxy('10.0.0.1, 10.0.1.0/24,::1,fd00::/8')).toEqual([
      '10.0.0.1',
      '10.0.1.0/24',
      '::1',
      'fd00::/8',
    ]);
    expect(() => parseTrustProxy('true')).toThrow(/every X-Forwarded-For hop/);
    for (const bad of [
      '17',
      'yes',
      '10.0.0.1/33',
      '10.0.0/8',
      'fd00::/129',
      'localhost',
      '1.2.3.4/8/9',
    ]) {
      expect(() => parseTrustProxy(bad), bad).toThrow(/TRUST_PROXY/);
    }
  });
});

describe('address keys', () => {
  it('keys IPv4 by the address and IPv6 by its /64', () => {
    expect(addressKey('203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8:1:2::ffff')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:0db8:0001:0002:0000:0000:0000:0001')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('2001:db8:0:1::1')).not.toBe(addressKey('2001:db8::1'));
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressKey('64:ff9b::192.0.2.33')).toBe('64:ff9b:0:0::/64');
  });

  it('counts open sockets per key and releases each once', () => {
    const s = new SocketsPerAddress(2);
    const a = s.add('k');
    s.add('k');
    expect(s.hasRoom('k')).toBe(false);
    expect(s.hasRoom('other')).toBe(true);
    a();
    a();
    expect(s.count('k')).toBe(1);
    expect(s.hasRoom('k')).toBe(true);
  });
});
