/**
 * The README's quick start says what package.json does: the Node versions it
 * names are the `engines` ranges, `npm start` builds every time and `npm run
 * serve` starts without building (the command the README quotes), recovery is
 * said to need sync, and the way to a phone is linked from the quick start to
 * a section that exists. A script or engines change without the README fails here.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (path: string): string =>
  readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

const readme = read('README.md');
const pkg = JSON.parse(read('package.json')) as {
  engines: { node: string };
  scripts: Record<string, string>;
};

/** The Quick start section: from its heading to the next second-level heading. */
function quickStart(): string {
  const start = readme.indexOf('\n## Quick start\n');
  if (start < 0) throw new Error('the README has no "Quick start" section');
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end).replace(/\s+/g, ' ');
}

describe('the README quick start', () => {
  const text = quickStart();

  it('names the Node versions package.json engines allows', () => {
    // "^20.19.0 || ^22.13.0 || >=24" reads "Node 20.19 or a later 20, 22.13 or a later 22, or 24 and up".
    const words = pkg.engines.node.split('||').map((range) => {
      const r = range.trim();
      const caret = /^\^(\d+)\.(\d+)\.0$/.exec(r);
      if (caret !== null) return `${caret[1]}.${caret[2]} or a later ${caret[1]}`;
      const atLeast = /^>=(\d+)$/.exec(r);
      if (atLeast !== null) return `${atLeast[1]} and up`;
      throw new Error(`engines range the README wording does not cover: ${r}`);
    });
    const said = `${words.slice(0, -1).join(', ')}, or ${words.at(-1)}`;
    expect(text).toContain(`Node ${said}`);
  });

  it('says npm start builds every time, and how to start without building', () => {
    expect(pkg.scripts['start']).toMatch(/^npm run build && /);
    const serve = pkg.scripts['serve'];
    expect(serve).toBeDefined();
    expect(serve).not.toContain('build');
    expect(pkg.scripts['start']).toBe(`npm run build && ${serve}`);
    expect(text).toContain('builds everything first, every time');
    expect(text).toContain(`\`npm run serve\` runs what the last build left (\`${serve}\``);
  });

  it('says recovery needs sync', () => {
    expect(text).toContain('Recovery needs sync');
  });

  it('links to the section on reaching Cairn from a phone, which exists', () => {
    expect(text).toContain('(#reaching-cairn-from-a-phone)');
    expect(readme).toContain('\n## Reaching Cairn from a phone\n');
    expect(text).toContain('HTTPS');
  });
});
