import { describe, expect, it } from 'vitest';
import { defaultDeviceLabel } from '../../../src/device/label';

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
