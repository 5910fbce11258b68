/**
 * Timezone search by the names people use: old and new IANA names and common
 * city names find each other both ways, whichever of them the browser lists.
 */
import { describe, expect, it } from 'vitest';
import { normaliseName, searchZones, zoneLabel, zoneNames } from '../../../src/ui/common/timezones';

/** What Chromium and Node list (ICU's canonical names: the old ones). */
const OLD = [
  'UTC',
  'Asia/Calcutta',
  'Europe/Kiev',
  'Asia/Saigon',
  'Europe/Paris',
  'America/New_York',
];
/** What a browser with the new names lists. */
const NEW = [
  'UTC',
  'Asia/Kolkata',
  'Europe/Kyiv',
  'Asia/Ho_Chi_Minh',
  'Europe/Paris',
  'America/New_York',
];

describe('searchZones', () => {
  const cases: [query: string, old: string, now: string][] = [
    ['Kolkata', 'Asia/Calcutta', 'Asia/Kolkata'],
    ['Calcutta', 'Asia/Calcutta', 'Asia/Kolkata'],
    ['Kyiv', 'Europe/Kiev', 'Europe/Kyiv'],
    ['Kiev', 'Europe/Kiev', 'Europe/Kyiv'],
    ['Ho Chi Minh City', 'Asia/Saigon', 'Asia/Ho_Chi_Minh'],
    ['ho chi minh', 'Asia/Saigon', 'Asia/Ho_Chi_Minh'],
    ['Saigon', 'Asia/Saigon', 'Asia/Ho_Chi_Minh'],
    ['Mumbai', 'Asia/Calcutta', 'Asia/Kolkata'],
  ];
  for (const [query, old, now] of cases) {
    it(`finds "${query}" in a list with the old names and in one with the new`, () => {
      expect(searchZones(OLD, query)).toEqual([old]);
      expect(searchZones(NEW, query)).toEqual([now]);
    });
  }

  it('matches identifiers as before: part of a name, spaces or underscores, any case', () => {
    expect(searchZones(OLD, 'new york')).toEqual(['America/New_York']);
    expect(searchZones(OLD, 'New_York')).toEqual(['America/New_York']);
    expect(searchZones(OLD, 'PAR')).toEqual(['Europe/Paris']);
    expect(searchZones(OLD, 'europe')).toEqual(['Europe/Kiev', 'Europe/Paris']);
  });

  it('lists every zone for an empty or blank query and none for a name nobody has', () => {
    expect(searchZones(OLD, '')).toEqual(OLD);
    expect(searchZones(OLD, '   ')).toEqual(OLD);
    expect(searchZones(OLD, 'Atlantis')).toEqual([]);
  });

  it('needs every word, each found in one of the names', () => {
    expect(searchZones(OLD, 'Asia Kolkata')).toEqual(['Asia/Calcutta']);
    expect(searchZones(OLD, 'Europe Kolkata')).toEqual([]);
  });

  it('ignores accents', () => {
    expect(searchZones(['America/Sao_Paulo'], 'São Paulo')).toEqual(['America/Sao_Paulo']);
  });

  it('finds every zone the running ICU lists by its own name', () => {
    const zones = Intl.supportedValuesOf('timeZone');
    for (const zone of zones) expect(searchZones(zones, zone)).toContain(zone);
    // And the three renames, whatever names this ICU uses.
    for (const name of ['Kolkata', 'Calcutta', 'Kyiv', 'Kiev', 'Ho Chi Minh City', 'Saigon']) {
      expect(searchZones(zones, name).length, name).toBeGreaterThan(0);
    }
  });
});

describe('zoneLabel and zoneNames', () => {
  it('shows the other IANA name of a renamed place in brackets', () => {
    expect(zoneLabel('Asia/Calcutta')).toBe('Asia/Calcutta (Kolkata)');
    expect(zoneLabel('Asia/Kolkata')).toBe('Asia/Kolkata (Calcutta)');
    expect(zoneLabel('Europe/Kiev')).toBe('Europe/Kiev (Kyiv)');
    expect(zoneLabel('Asia/Saigon')).toBe('Asia/Saigon (Ho Chi Minh)');
    expect(zoneLabel('America/New_York')).toBe('America/New York');
    expect(zoneLabel('America/Buenos_Aires')).toBe('America/Buenos Aires');
  });

  it('lists a zone first among its names; a zone with no other name is alone', () => {
    expect(zoneNames('Europe/Kiev')).toEqual(['Europe/Kiev', 'Europe/Kyiv']);
    expect(zoneNames('Europe/Paris')).toEqual(['Europe/Paris']);
  });

  it('normalises separators, case and accents', () => {
    expect(normaliseName(' Ho_Chi-Minh/City ')).toBe('ho chi minh city');
    expect(normaliseName('Zürich')).toBe('zurich');
  });
});
