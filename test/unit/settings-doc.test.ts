/**
 * Every setting the relay reads is documented: each environment variable of
 * `relay/src/main.ts` and each limit of `relay/src/config.ts` is a row of the
 * README's settings table, and each limit is named in docs/protocol.md
 * ("Limits"), with the ones `hello` announces in its table. A limit added
 * without its documentation fails here.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '@cairn/shared';
import { DEFAULT_RELAY_LIMITS, envNameOf, type RelayLimitsConfig } from '../../relay/src/config.js';

const read = (path: string): string =>
  readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

const readme = read('README.md');
const protocol = read('docs/protocol.md');
const main = read('relay/src/main.ts');

/** The README's settings table: the rows between its heading line and the first blank line. */
function settingsTable(): string {
  const start = readme.indexOf('Settings of the relay');
  if (start < 0) throw new Error('the README has no "Settings of the relay" table');
  const from = readme.indexOf('\n|', start);
  const end = readme.indexOf('\n\n', from);
  return readme.slice(from, end);
}

/** docs/protocol.md's "### Limits" section of the relay protocol. */
function limitsSection(): string {
  const start = protocol.indexOf('### Limits\n');
  const end = protocol.indexOf('\n### ', start + 1);
  if (start < 0 || end < 0) throw new Error('docs/protocol.md has no "### Limits" section');
  return protocol.slice(start, end);
}

const limitKeys = Object.keys(DEFAULT_RELAY_LIMITS) as (keyof RelayLimitsConfig)[];

describe('settings of the relay', () => {
  it('lists every environment variable main.ts reads in the README table', () => {
    const table = settingsTable();
    const read = [...main.matchAll(/env\['([A-Z_]+)'\]/g)].map((m) => m[1] ?? '');
    expect(read.length).toBeGreaterThan(5);
    const named = [...read, ...limitKeys.map(envNameOf)];
    expect(named.filter((name) => !table.includes(`\`${name}\``))).toEqual([]);
  });

  it('names every limit in docs/protocol.md, and the announced ones in the hello table', () => {
    const section = limitsSection();
    expect(limitKeys.filter((key) => !section.includes(`\`${key}\``))).toEqual([]);
    const helloTable = section.slice(0, section.indexOf('Not announced'));
    expect(Object.keys(DEFAULT_LIMITS).filter((key) => !helloTable.includes(`\`${key}\``))).toEqual(
      [],
    );
  });
});
