/**
 * Client addresses, as the per-address limits see them.
 *
 * `TRUST_PROXY` says which `X-Forwarded-For` hops to believe: a hop count
 * ("1": the one proxy in front of the relay) or the proxies' own addresses
 * and CIDR ranges ("10.0.0.1, 10.0.1.0/24"). Never every hop: then the
 * client's own header would pick its address, and every per-address limit
 * would be void. `true` is refused at startup for that reason.
 *
 * An IPv6 client usually holds a whole /64 (it can use any address in it),
 * so IPv6 addresses are keyed by their /64; an IPv4-mapped IPv6 address is
 * keyed as the IPv4 address it is.
 */
import { isIP } from 'node:net';

export type TrustProxy = false | number | string[];

/**
 * Fastify's `trustProxy` for a setting. A hop count becomes "trust the
 * nearest n hops" (Fastify itself now treats a bare number as trusting none):
 * right only when the relay is reachable through its proxies alone, since a
 * client that reaches it directly could then name its own address; the
 * proxies' addresses hold either way.
 */
export function fastifyTrustProxy(
  t: TrustProxy,
): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (t === false) return false;
  if (typeof t === 'number') return (_address, hop) => hop < t;
  return t;
}

/** Parses `TRUST_PROXY`; unset or empty: trust no proxy. Throws on anything unclear. */
export function parseTrustProxy(raw: string | undefined): TrustProxy {
  const value = raw?.trim() ?? '';
  if (value === '' || value === '0' || value === 'false') return false;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (!Number.isSafeInteger(hops) || hops > 16) {
      throw new Error(`TRUST_PROXY: a hop count is 0 to 16, got ${value}`);
    }
    return hops;
  }
  if (value === 'true') {
    throw new Error(
      'TRUST_PROXY=true would trust every X-Forwarded-For hop, so any client could pick its own address: ' +
        'give the number of proxies in front of the relay (e.g. 1) or their addresses (e.g. 10.0.0.1,10.0.1.0/24)',
    );
  }
  const list = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const entry of list) {
    const [address, bits, extra] = entry.split('/');
    const family = isIP(address ?? '');
    const maxBits = family === 4 ? 32 : 128;
    const okBits =
      bits === undefined || (/^\d+$/.test(bits) && Number(bits) >= 0 && Number(bits) <= maxBits);
    if (family === 0 || !okBits || extra !== undefined) {
      throw new Error(`TRUST_PROXY: ${JSON.stringify(entry)} is not an IP address or CIDR range`);
    }
  }
  return list;
}

/**
 * The key per-address limits count under: the IPv4 address, or the /64 of an
 * IPv6 address (as `2001:db8:1:2::/64`).
 */
export function addressKey(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped?.[1] !== undefined) return mapped[1];
  if (isIP(ip) !== 6) return ip;
  const groups = expandIpv6(ip);
  if (groups === undefined) return ip;
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}

/** The eight 16-bit groups of an IPv6 address (zone and embedded IPv4 handled), or undefined. */
function expandIpv6(ip: string): number[] | undefined {
  let s = ip.split('%')[0] ?? '';
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(s);
  if (v4 !== null) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    s = `${s.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] === '' || halves[0] === undefined ? [] : halves[0].split(':');
  const tail = halves.length === 2 && halves[1] !== '' ? (halves[1] ?? '').split(':') : [];
  const fill = halves.length === 2 ? 8 - head.length - tail.length : 0;
  const all = [...head, ...Array<string>(Math.max(0, fill)).fill('0'), ...tail];
  if (all.length !== 8) return undefined;
  const groups = all.map((g) => parseInt(g, 16));
  return groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : undefined;
}

/** Open sockets per address key, against a cap (`maxSocketsPerIp`). */
export class SocketsPerAddress {
  private readonly open = new Map<string, number>();

  constructor(private readonly max: number) {}

  /** Whether one more socket from `key` fits. */
  hasRoom(key: string): boolean {
    return (this.open.get(key) ?? 0) < this.max;
  }

  /** Counts a socket in; returns the release (idempotent). */
  add(key: string): () => void {
    this.open.set(key, (this.open.get(key) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const n = (this.open.get(key) ?? 1) - 1;
      if (n <= 0) this.open.delete(key);
      else this.open.set(key, n);
    };
  }

  count(key: string): number {
    return this.open.get(key) ?? 0;
  }
}
