/**
 * Per-IP budget for pairing lookups (the HTTP lookup and the WebSocket join
 * draw from one budget): `perMinute` tokens refilled evenly over a minute, at
 * most `perMinute` saved up. In memory, per process: each relay process
 * enforces it for the connections it serves.
 */
export class LookupLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly ratePerMs: number;

  constructor(private readonly perMinute: number) {
    this.ratePerMs = perMinute / 60_000;
  }

  /** Takes one token for `ip`: 0 when granted, else the milliseconds until one is. */
  take(ip: string, now: number): number {
    const b = this.buckets.get(ip) ?? { tokens: this.perMinute, at: now };
    b.tokens = Math.min(this.perMinute, b.tokens + (now - b.at) * this.ratePerMs);
    b.at = now;
    this.buckets.set(ip, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - b.tokens) / this.ratePerMs);
  }

  /** Forgets the addresses whose budget has refilled (they look like new ones). */
  prune(now: number): void {
    for (const [ip, b] of this.buckets) {
      if (b.tokens + (now - b.at) * this.ratePerMs >= this.perMinute) this.buckets.delete(ip);
    }
  }

  get size(): number {
    return this.buckets.size;
  }
}
