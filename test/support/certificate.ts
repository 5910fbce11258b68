/**
 * A throwaway TLS certificate for tests: a fresh P-256 key and a self-signed
 * certificate for `localhost` and 127.0.0.1, valid for two days, made with
 * Debian's `openssl` in a temporary folder. `spki` is the base64 SHA-256 of
 * the certificate's public key, the form Chromium's
 * `--ignore-certificate-errors-spki-list` takes to trust exactly this key.
 */
import { spawnSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Certificate {
  readonly dir: string;
  readonly certPath: string;
  readonly keyPath: string;
  readonly cert: string;
  readonly key: string;
  readonly spki: string;
  remove(): void;
}

export function throwawayCertificate(names: readonly string[] = ['localhost']): Certificate {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-tls-'));
  const certPath = join(dir, 'cert.pem');
  const keyPath = join(dir, 'key.pem');
  const san = [...names.map((n) => `DNS:${n}`), 'IP:127.0.0.1'].join(',');
  const r = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/CN=${names[0] ?? 'localhost'}`,
      '-addext',
      `subjectAltName=${san}`,
      '-keyout',
      keyPath,
      '-out',
      certPath,
    ],
    { encoding: 'utf8' },
  );
  if (r.error !== undefined || r.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(
      `openssl could not make a test certificate (install Debian's openssl): ${r.error?.message ?? r.stderr}`,
    );
  }
  const cert = readFileSync(certPath, 'utf8');
  const spkiDer = new X509Certificate(cert).publicKey.export({ type: 'spki', format: 'der' });
  return {
    dir,
    certPath,
    keyPath,
    cert,
    key: readFileSync(keyPath, 'utf8'),
    spki: createHash('sha256').update(spkiDer).digest('base64'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
