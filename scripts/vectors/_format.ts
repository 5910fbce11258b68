/**
 * Layout of a vector block in docs/protocol.md: a `text` code block of
 * `label = value` lines, labels padded to one column. Bytes are lower-case hex,
 * wrapped at 32 bytes a line with continuation lines indented to the value
 * column; strings are JSON-quoted; numbers are decimal; a line starting with
 * `#` is a comment. test/unit/protocol-doc.test.ts reads blocks back in this
 * layout to re-verify them independently.
 */
import { toHex } from '../../shared/src/index.js';

export type Entry = string | readonly [label: string, value: Uint8Array | string | number];

const HEX_PER_LINE = 64;

function formatValue(value: Uint8Array | string | number, indent: string): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (value.length === 0) return '(empty)';
  const hex = toHex(value);
  const lines: string[] = [];
  for (let i = 0; i < hex.length; i += HEX_PER_LINE) lines.push(hex.slice(i, i + HEX_PER_LINE));
  return lines.join(`\n${indent}`);
}

export function vectorBlock(entries: readonly Entry[]): string {
  const width = Math.max(0, ...entries.map((e) => (typeof e === 'string' ? 0 : e[0].length)));
  const indent = ' '.repeat(width + 3);
  const lines = entries.map((e) =>
    typeof e === 'string' ? `# ${e}` : `${e[0].padEnd(width)} = ${formatValue(e[1], indent)}`,
  );
  return ['```text', ...lines, '```'].join('\n');
}
