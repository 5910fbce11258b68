import { describe, expect, it } from 'vitest';
import { observationId, observationIdInput } from '../../../src/domain';
import { sha256Hex } from './helpers';

describe('observationId', () => {
  it('is the first 32 hex digits of SHA-256(template_id | date)', () => {
    // printf 'habit-1|2026-11-02' | sha256sum
    expect(observationIdInput('habit-1', '2026-11-02')).toBe('habit-1|2026-11-02');
    expect(observationId('habit-1', '2026-11-02', sha256Hex)).toBe(
      'c00b302dcf3f79589bf936271047dbaa',
    );
    expect(observationId('a3f1c2d4-0000-4000-8000-000000000001', '2028-02-29', sha256Hex)).toBe(
      '3a4b18df9408e827776117bc33f78cd7',
    );
  });

  it('hashes UTF-8', () => {
    // printf 'caf\xc3\xa9|2026-01-01' | sha256sum
    expect(observationId('café', '2026-01-01', sha256Hex)).toBe('c0a782c9cfe6e996ddcb22b375869296');
  });

  it('normalises upper-case hex and rejects a function that is not SHA-256 hex', () => {
    expect(observationId('habit-1', '2026-11-02', (s) => sha256Hex(s).toUpperCase())).toBe(
      'c00b302dcf3f79589bf936271047dbaa',
    );
    expect(() => observationId('h', '2026-11-02', () => 'abc')).toThrow(/64 hex/);
  });

  it('differs per habit and per day', () => {
    const ids = new Set([
      observationId('h1', '2026-11-02', sha256Hex),
      observationId('h1', '2026-11-03', sha256Hex),
      observationId('h2', '2026-11-02', sha256Hex),
    ]);
    expect(ids.size).toBe(3);
  });
});
