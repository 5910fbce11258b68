/**
 * HTTPS without a proxy in front: the certificate and private key the relay
 * serves TLS with, read from the PEM files named by two environment variables.
 *
 *   RELAY_TLS_CERT   the certificate chain (PEM), leaf first
 *   RELAY_TLS_KEY    its private key (PEM, unencrypted)
 *
 * Both or neither: neither serves plain HTTP, as before. Everything is checked
 * at start (each file readable, not empty, the key matching the certificate),
 * so a wrong path stops the relay with a message naming the variable and the
 * path, never later at the first handshake. No message ever holds a file's
 * contents: errors carry the variable, the path and the system's or OpenSSL's
 * reason only.
 */
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { err, ok, type Result } from '@cairn/shared/result';

export const TLS_CERT_VAR = 'RELAY_TLS_CERT';
export const TLS_KEY_VAR = 'RELAY_TLS_KEY';

export interface TlsFiles {
  readonly cert: Buffer;
  readonly key: Buffer;
}

/** Why the files could not be used; `message` is safe to print. */
export interface TlsProblem {
  readonly message: string;
}

const REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'it is a folder, not a file',
  ENOTDIR: 'a part of the path is not a folder',
  ELOOP: 'too many symbolic links',
};

function readPem(variable: string, path: string): Result<Buffer, TlsProblem> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code: unknown = e instanceof Error ? Reflect.get(e, 'code') : undefined;
    const reason = typeof code === 'string' ? (REASONS[code] ?? code) : 'unreadable';
    return err({ message: `${variable}: cannot read ${JSON.stringify(path)} (${reason})` });
  }
  if (!bytes.includes('-----BEGIN ')) {
    return err({ message: `${variable}: ${JSON.stringify(path)} is not a PEM file` });
  }
  return ok(bytes);
}

/**
 * The certificate and key the environment names, checked; `undefined` when
 * neither variable is set (plain HTTP).
 */
export function tlsFromEnv(env: NodeJS.ProcessEnv): Result<TlsFiles | undefined, TlsProblem> {
  const certPath = env[TLS_CERT_VAR] ?? '';
  const keyPath = env[TLS_KEY_VAR] ?? '';
  if (certPath === '' && keyPath === '') return ok(undefined);
  if (certPath === '' || keyPath === '') {
    const missing = certPath === '' ? TLS_CERT_VAR : TLS_KEY_VAR;
    const given = certPath === '' ? TLS_KEY_VAR : TLS_CERT_VAR;
    return err({ message: `${given} is set but ${missing} is not: HTTPS needs both` });
  }
  const cert = readPem(TLS_CERT_VAR, certPath);
  if (!cert.ok) return cert;
  const key = readPem(TLS_KEY_VAR, keyPath);
  if (!key.ok) return key;
  try {
    createSecureContext({ cert: cert.value, key: key.value });
  } catch (e) {
    // OpenSSL's reason ("key values mismatch", "no start line"), never the bytes.
    const code: unknown = e instanceof Error ? Reflect.get(e, 'code') : undefined;
    const reason =
      e instanceof Error && typeof e.message === 'string' && e.message.length < 200
        ? e.message
        : typeof code === 'string'
          ? code
          : 'rejected by OpenSSL';
    return err({
      message: `${TLS_CERT_VAR}, ${TLS_KEY_VAR}: ${JSON.stringify(certPath)} and ${JSON.stringify(keyPath)} are not a usable certificate and key (${reason})`,
    });
  }
  return ok({ cert: cert.value, key: key.value });
}
