/**
 * Finding a timezone by the name people use. Browsers list IANA zones under
 * the names their ICU data calls canonical, which are often the old ones
 * (Chromium and Node list "Asia/Calcutta", "Europe/Kiev", "Asia/Saigon"),
 * while people search for Kolkata, Kyiv or Ho Chi Minh City; other browsers
 * list the new names and people may type the old ones. Each zone is searched
 * by its own name and by every other name of the same place, both ways.
 */

/** Names of one place: IANA identifiers (old and new) and common names, in any order. */
const PLACES: readonly (readonly string[])[] = [
  [
    'Asia/Kolkata',
    'Asia/Calcutta',
    'Mumbai',
    'Bombay',
    'New Delhi',
    'Bengaluru',
    'Bangalore',
    'Chennai',
    'Madras',
    'India',
  ],
  ['Europe/Kyiv', 'Europe/Kiev'],
  ['Asia/Ho_Chi_Minh', 'Asia/Saigon', 'Ho Chi Minh City', 'Vietnam'],
  ['Asia/Kathmandu', 'Asia/Katmandu'],
  ['Asia/Yangon', 'Asia/Rangoon'],
  ['Asia/Dhaka', 'Asia/Dacca'],
  ['Asia/Thimphu', 'Asia/Thimbu'],
  ['Asia/Ulaanbaatar', 'Asia/Ulan_Bator'],
  ['Asia/Shanghai', 'Beijing', 'China'],
  ['Africa/Asmara', 'Africa/Asmera'],
  ['America/Nuuk', 'America/Godthab'],
  ['Atlantic/Faroe', 'Atlantic/Faeroe'],
  ['America/Argentina/Buenos_Aires', 'America/Buenos_Aires'],
  ['America/Indiana/Indianapolis', 'America/Indianapolis'],
  ['America/Kentucky/Louisville', 'America/Louisville'],
  ['Pacific/Chuuk', 'Pacific/Truk'],
  ['Pacific/Pohnpei', 'Pacific/Ponape'],
  ['Pacific/Kanton', 'Pacific/Enderbury'],
  ['Europe/Chisinau', 'Europe/Tiraspol'],
  ['America/New_York', 'Washington', 'Boston', 'Miami'],
  ['America/Los_Angeles', 'San Francisco', 'Seattle'],
  ['Europe/Zurich', 'Geneva', 'Bern'],
];

/** Lower case, no accents, words apart: "Ho_Chi_Minh" and "ho chi minh" read the same. */
export function normaliseName(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[\s_/-]+/g, ' ')
    .trim();
}

/** The last part of an identifier, as shown: "America/Argentina/Buenos_Aires" → "Buenos Aires". */
const city = (name: string): string => (name.split('/').pop() ?? name).replace(/_/g, ' ');

const placeOf = new Map<string, readonly string[]>();
for (const place of PLACES) for (const name of place) placeOf.set(name, place);

/** Every name a zone goes by (itself first). */
export function zoneNames(zone: string): string[] {
  const place = placeOf.get(zone);
  return place === undefined ? [zone] : [zone, ...place.filter((n) => n !== zone)];
}

/**
 * How a zone is listed: "Asia/Calcutta (Kolkata)" — its identifier with spaces, and,
 * when the place has a newer or older IANA name, that city in brackets.
 */
export function zoneLabel(zone: string): string {
  const shown = zone.replace(/_/g, ' ');
  const other = zoneNames(zone).find((n) => n.includes('/') && city(n) !== city(zone));
  return other === undefined ? shown : `${shown} (${city(other)})`;
}

/**
 * The zones where every word of the query is found in one of the zone's names
 * (its own or another of the same place), in the order given; all for an empty query.
 */
export function searchZones(zones: readonly string[], query: string): string[] {
  const words = normaliseName(query)
    .split(' ')
    .filter((w) => w !== '');
  if (words.length === 0) return [...zones];
  return zones.filter((zone) => {
    const names = zoneNames(zone).map(normaliseName);
    return words.every((w) => names.some((name) => name.includes(w)));
  });
}
