/** The served app's browser security headers (relay/src/ops/headers.ts), on every response. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startRelay, type RunningRelay } from '../../../testkit/src/relay.js';

const dir = mkdtempSync(join(tmpdir(), 'cairn-headers-'));
writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Cairn</title>');
writeFileSync(join(dir, 'app.js'), 'export {};');
const relays: RunningRelay[] = [];
afterAll(async () => {
  for (const r of relays) await r.close();
  rmSync(dir, { recursive: true, force: true });
});

const directives = (csp: string | null): Map<string, string> =>
  new Map(
    (csp ?? '')
      .split(';')
      .map((d) => d.trim())
      .filter((d) => d !== '')
      .map((d) => {
        const [name = '', ...values] = d.split(/\s+/);
        return [name, values.join(' ')];
      }),
  );

describe('security headers', () => {
  it('serve the app, its files, the API and errors under a strict CSP', async () => {
    const r = await startRelay({ kind: 'pglite' }, { staticDir: dir });
    relays.push(r);
    for (const path of ['/', '/app.js', '/a/client/route', '/healthz', '/v1/nope']) {
      const res = await fetch(`${r.base}${path}`);
      await res.arrayBuffer();
      const csp = directives(res.headers.get('content-security-policy'));
      expect(csp.get('default-src'), path).toBe("'self'");
      expect(csp.get('script-src')).toBe("'self' 'wasm-unsafe-eval'");
      expect(csp.get('connect-src')).toBe("'self'");
      expect(csp.get('frame-ancestors')).toBe("'none'");
      expect(csp.get('object-src')).toBe("'none'");
      expect(csp.get('base-uri')).toBe("'none'");
      expect(csp.has('upgrade-insecure-requests')).toBe(false);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('strict-transport-security')).toBeNull();
    }
  });

  it('lets the operator name other relays the app may sync with', async () => {
    const r = await startRelay(
      { kind: 'pglite' },
      { staticDir: dir, connectSrc: ['https://relay.example.org', 'wss://relay.example.org'] },
    );
    relays.push(r);
    const res = await fetch(`${r.base}/`);
    await res.arrayBuffer();
    expect(directives(res.headers.get('content-security-policy')).get('connect-src')).toBe(
      "'self' https://relay.example.org wss://relay.example.org",
    );
  });
});
