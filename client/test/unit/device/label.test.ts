import { describe, expect, it } from 'vitest';
import { MAX_LABEL_LENGTH, Label } from '@cairn/shared';
import fc from 'fast-check';
import * as v from 'valibot';
import { checkLabel, defaultDeviceLabel } from '../../../src/device/label';

const LINUX_CHROME =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

describe('the default device label', () => {
  it('prefers client hints: Debian Chromium is "Chromium on Linux"', () => {
    const brands = [{ brand: 'Chromium' }, { brand: 'Not_A Brand' }];
    expect(
      defaultDeviceLabel({ userAgent: LINUX_CHROME, userAgentData: { brands, platform: 'Linux' } }),
    ).toBe('Chromium on Linux');
    const chrome = [{ brand: 'Google Chrome' }, { brand: 'Chromium' }, { brand: 'Not_A Brand' }];
    expect(
      defaultDeviceLabel({
        userAgent: LINUX_CHROME,
        userAgentData: { brands: chrome, platform: 'Android' },
      }),
    ).toBe('Chrome on Android');
    const edge = [{ brand: 'Microsoft Edge' }, { brand: 'Chromium' }];
    expect(
      defaultDeviceLabel({ userAgent: '', userAgentData: { brands: edge, platform: 'Windows' } }),
    ).toBe('Edge on Windows');
  });

  it('falls back to the User-Agent string', () => {
    expect(defaultDeviceLabel({ userAgent: LINUX_CHROME })).toBe('Chrome on Linux');
    expect(
      defaultDeviceLabel({
        userAgent:
          'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
      }),
    ).toBe('Safari on iOS');
    expect(
      defaultDeviceLabel({
        userAgent:
          'Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:127.0) Gecko/20100101 Firefox/127.0',
      }),
    ).toBe('Firefox on macOS');
    expect(defaultDeviceLabel({ userAgent: 'curl/8' })).toBe('Browser');
  });
});

describe('a typed device name (checkLabel)', () => {
  it('trims, and takes a name at the limit and one under; one over is refused, never cut', () => {
    expect(checkLabel('  Kitchen tablet  ')).toEqual({ ok: true, value: 'Kitchen tablet' });
    const at = 'é'.repeat(MAX_LABEL_LENGTH);
    expect(checkLabel(at)).toEqual({ ok: true, value: at });
    expect(checkLabel(at.slice(1))).toEqual({ ok: true, value: at.slice(1) });
    expect(checkLabel(`${at}x`)).toEqual({ ok: false, error: 'too-long' });
    // Spaces around a name at the limit do not count against it.
    expect(checkLabel(`  ${at}  `)).toEqual({ ok: true, value: at });
  });

  it('refuses an empty name, a lone surrogate and U+0000', () => {
    expect(checkLabel('')).toEqual({ ok: false, error: 'empty' });
    expect(checkLabel('   ')).toEqual({ ok: false, error: 'empty' });
    expect(checkLabel('Phone \ud83d')).toEqual({ ok: false, error: 'malformed' });
    expect(checkLabel('Ph\u0000one')).toEqual({ ok: false, error: 'malformed' });
    // A whole emoji is two code units and well-formed.
    expect(checkLabel('Phone 📱')).toEqual({ ok: true, value: 'Phone 📱' });
  });

  it('takes exactly what the relay takes (the protocol schema), for any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: MAX_LABEL_LENGTH + 8 }), (s) => {
        const mine = checkLabel(s);
        const relay = v.safeParse(Label, s.trim());
        expect(mine.ok).toBe(relay.success);
      }),
    );
  });
});
