/**
 * A default name for this device in the device list ("Chromium on Linux"),
 * from User-Agent Client Hints where the browser has them, else from the
 * User-Agent string. The user can edit it before pairing or restoring, and
 * rename any device later from the device list; `checkLabel` is the one
 * judge of a typed name.
 */
import { MAX_LABEL_LENGTH, err, isWellFormedUtf16, ok, type Result } from '@cairn/shared';

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

/** Why a typed device name cannot be used, in words for the field's error. */
export type LabelProblem = 'empty' | 'too-long' | 'malformed';

/**
 * A typed device name as the relay will take it (the protocol's `Label`:
 * 1 to MAX_LABEL_LENGTH UTF-16 code units, well-formed, no U+0000), trimmed.
 * Never shortened: a name over the limit is refused, so what the user sees
 * is what every device shows.
 */
export function checkLabel(typed: string): Result<string, LabelProblem> {
  const label = typed.trim();
  if (label === '') return err('empty');
  if (label.length > MAX_LABEL_LENGTH) return err('too-long');
  if (!isWellFormedUtf16(label) || label.includes('\u0000')) return err('malformed');
  return ok(label);
}

export function labelProblemText(problem: LabelProblem): string {
  switch (problem) {
    case 'empty':
      return 'Give this device a name, such as “Phone”.';
    case 'too-long':
      return `A device name has at most ${MAX_LABEL_LENGTH} characters. Shorten it to save.`;
    case 'malformed':
      return 'The name holds a character that cannot be stored. Retype it.';
  }
}
