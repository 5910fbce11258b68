/**
 * HTTPS served by the relay itself (relay/src/tls.ts, RELAY_TLS_CERT and
 * RELAY_TLS_KEY): the files are checked at start with a clear message that
 * never holds key material, the process exits non-zero on a bad setting, and
 * with a good one it serves HTTPS and WSS. Certificates are throwaway ones
 * made with openssl (test/support/certificate.ts).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { buildRelay } from '../../src/app.js';
import { TLS_CERT_VAR, TLS_KEY_VAR, tlsFromEnv } from '../../src/tls.js';
import { throwawayCertificate } from '../../../test/support/certificate.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const a = throwawayCertificate();
const b = throwawayCertificate();
const scratch = mkdtempSync(join(tmpdir(), 'cairn-tls-bad-'));
afterAll(() => {
  a.remove();
  b.remove();
  rmSync(scratch, { recursive: true, force: true });
});

/** The base64 body of a PEM key: what must never be printed. */
const keyBody = (pem: string): string[] =>
  pem
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('-----'))
    .map((l) => l.slice(0, 24));

const problem = (env: NodeJS.ProcessEnv): string => {
  const r = tlsFromEnv(env);
  if (r.ok) throw new Error('expected a problem');
  return r.error.message;
};

describe('reading the certificate and key', () => {
  it('neither variable: plain HTTP; both good: the files', () => {
    expect(tlsFromEnv({})).toEqual({ ok: true, value: undefined });
    expect(tlsFromEnv({ [TLS_CERT_VAR]: '', [TLS_KEY_VAR]: '' })).toEqual({
      ok: true,
      value: undefined,
    });
    const r = tlsFromEnv({ [TLS_CERT_VAR]: a.certPath, [TLS_KEY_VAR]: a.keyPath });
    expect(r.ok && r.value?.cert.toString()).toBe(a.cert);
  });

  it('one without the other is refused, naming both', () => {
    expect(problem({ [TLS_CERT_VAR]: a.certPath })).toBe(
      'RELAY_TLS_CERT is set but RELAY_TLS_KEY is not: HTTPS needs both',
    );
    expect(problem({ [TLS_KEY_VAR]: a.keyPath })).toBe(
      'RELAY_TLS_KEY is set but RELAY_TLS_CERT is not: HTTPS needs both',
    );
  });

  it('a missing file, a folder or a file that is not PEM is named with its variable', () => {
    const missing = join(scratch, 'nope.pem');
    expect(problem({ [TLS_CERT_VAR]: a.certPath, [TLS_KEY_VAR]: missing })).toBe(
      `RELAY_TLS_KEY: cannot read ${JSON.stringify(missing)} (no such file)`,
    );
    expect(problem({ [TLS_CERT_VAR]: scratch, [TLS_KEY_VAR]: a.keyPath })).toBe(
      `RELAY_TLS_CERT: cannot read ${JSON.stringify(scratch)} (it is a folder, not a file)`,
    );
    const der = join(scratch, 'key.der');
    writeFileSync(der, Buffer.from(keyBody(a.key).join(''), 'base64'));
    expect(problem({ [TLS_CERT_VAR]: a.certPath, [TLS_KEY_VAR]: der })).toBe(
      `RELAY_TLS_KEY: ${JSON.stringify(der)} is not a PEM file`,
    );
  });

  it('a key that does not match the certificate, or a broken key, is refused without its bytes', () => {
    const mismatch = problem({ [TLS_CERT_VAR]: a.certPath, [TLS_KEY_VAR]: b.keyPath });
    expect(mismatch).toMatch(
      /^RELAY_TLS_CERT, RELAY_TLS_KEY: .* are not a usable certificate and key \(.+\)$/,
    );
    const broken = join(scratch, 'broken.pem');
    const lines = a.key.split('\n');
    writeFileSync(
      broken,
      [lines[0], 'AAAA' + (lines[1] ?? '').slice(4), ...lines.slice(2)].join('\n'),
    );
    const garbled = problem({ [TLS_CERT_VAR]: a.certPath, [TLS_KEY_VAR]: broken });
    for (const message of [mismatch, garbled]) {
      expect(message).not.toContain('PRIVATE KEY');
      for (const piece of [...keyBody(a.key), ...keyBody(b.key)])
        expect(message).not.toContain(piece);
    }
  });
});

/** Runs relay/src/main.ts with `env` until it exits or prints its address. */
function runMain(env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'relay/src/main.ts'], {
      cwd: root,
      env: {
        ...process.env,
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        RELAY_DATA_DIR: join(scratch, 'data'),
        DATABASE_URL: '',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const seen = (d: Buffer): void => {
      out += d.toString();
      if (/Cairn is running at/.test(out)) child.kill('SIGTERM');
    };
    child.stdout.on('data', seen);
    child.stderr.on('data', seen);
    child.once('exit', (code) => resolve({ code, out }));
  });
}

describe('the relay process', () => {
  it('exits non-zero with a clear message when a file is missing, printing no key', async () => {
    const missing = join(scratch, 'missing-cert.pem');
    const r = await runMain({ [TLS_CERT_VAR]: missing, [TLS_KEY_VAR]: a.keyPath });
    expect(r.code).toBe(1);
    expect(r.out.trim()).toBe(
      `Cairn cannot start: RELAY_TLS_CERT: cannot read ${JSON.stringify(missing)} (no such file)`,
    );
    const wrong = await runMain({ [TLS_CERT_VAR]: a.certPath, [TLS_KEY_VAR]: b.keyPath });
    expect(wrong.code).toBe(1);
    expect(wrong.out).toMatch(/^Cairn cannot start: RELAY_TLS_CERT, RELAY_TLS_KEY: /);
    for (const piece of keyBody(b.key)) expect(wrong.out).not.toContain(piece);
  });

  it('with both, says it serves https', async () => {
    const r = await runMain({ [TLS_CERT_VAR]: a.certPath, [TLS_KEY_VAR]: a.keyPath });
    expect(r.out).toMatch(/Cairn is running at https:\/\/127\.0\.0\.1:\d+\//);
  });
});

describe('serving over TLS', () => {
  it('answers HTTPS and WSS with the certificate, and a client that does not trust it is refused', async () => {
    const files = tlsFromEnv({ [TLS_CERT_VAR]: a.certPath, [TLS_KEY_VAR]: a.keyPath });
    if (!files.ok || files.value === undefined) throw new Error('no files');
    const app = await buildRelay({ database: { kind: 'pglite' }, https: files.value });
    try {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const address = app.server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      const status = (ca?: string): Promise<number | string> =>
        new Promise((resolve) => {
          get(
            {
              host: '127.0.0.1',
              port,
              path: '/healthz',
              servername: 'localhost',
              ...(ca ? { ca } : {}),
            },
            (res) => {
              res.resume();
              resolve(res.statusCode ?? 0);
            },
          ).on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
        });
      expect(await status(a.cert)).toBe(200);
      expect(await status()).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
      // The sync socket upgrades over TLS and speaks the protocol: its first frame is `hello`.
      const ws = new WebSocket(`wss://localhost:${port}/v1/ws`, { ca: a.cert });
      const first = await new Promise<string>((resolve, reject) => {
        ws.once('message', (data: Buffer) => resolve(data.toString()));
        ws.once('error', reject);
      });
      expect(JSON.parse(first)).toMatchObject({ type: 'hello' });
      ws.close();
    } finally {
      await app.close();
    }
  });
});
