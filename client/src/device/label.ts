/**
 * A default name for this device in the device list ("Chromium on Linux"),
 * from User-Agent Client Hints where the browser has them, else from the
 * User-Agent string. The user can edit it before pairing.
 */
import { MAX_LABEL_LENGTH } from '@cairn/shared';

export interface NavigatorLike {
  readonly userAgent: string;
  readonly userAgentData?: {
    readonly brands?: readonly { readonly brand: string }[];
    readonly platform?: string;
  };
}

const BRANDS: readonly [RegExp, string][] = [
  [/Microsoft Edge/i, 'Edge'],
  [/Opera/i, 'Opera'],
  [/Brave/i, 'Brave'],
  [/Vivaldi/i, 'Vivaldi'],
  [/Google Chrome/i, 'Chrome'],
  [/Chromium|HeadlessChrome/i, 'Chromium'],
];

const UA_BROWSERS: readonly [RegExp, string][] = [
  [/Edg(e|A|iOS)?\//, 'Edge'],
  [/OPR\//, 'Opera'],
  [/Firefox\/|FxiOS\//, 'Firefox'],
  [/Chromium\//, 'Chromium'],
  [/HeadlessChrome\//, 'Chromium'],
  [/Chrome\/|CriOS\//, 'Chrome'],
  [/Safari\//, 'Safari'],
];

const UA_SYSTEMS: readonly [RegExp, string][] = [
  [/Android/, 'Android'],
  [/iPhone|iPad|iPod/, 'iOS'],
  [/CrOS/, 'ChromeOS'],
  [/Mac OS X|Macintosh/, 'macOS'],
  [/Windows/, 'Windows'],
  [/Linux/, 'Linux'],
];

const PLATFORMS: Readonly<Record<string, string>> = {
  'Chrome OS': 'ChromeOS',
  'Chromium OS': 'ChromeOS',
  macOS: 'macOS',
  Windows: 'Windows',
  Linux: 'Linux',
  Android: 'Android',
  iOS: 'iOS',
};

const first = (table: readonly [RegExp, string][], text: string): string | undefined =>
  table.find(([re]) => re.test(text))?.[1];

export function defaultDeviceLabel(nav: NavigatorLike): string {
  const brands = (nav.userAgentData?.brands ?? []).map((b) => b.brand).join(' ');
  const browser = first(BRANDS, brands) ?? first(UA_BROWSERS, nav.userAgent) ?? 'Browser';
  const platform = nav.userAgentData?.platform;
  const system =
    (platform === undefined ? undefined : PLATFORMS[platform]) ?? first(UA_SYSTEMS, nav.userAgent);
  const label = system === undefined ? browser : `${browser} on ${system}`;
  return label.slice(0, MAX_LABEL_LENGTH);
}
