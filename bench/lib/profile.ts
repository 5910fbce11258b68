/**
 * Summarises a V8 CPU profile (`node --cpu-prof`, or Chromium's profiler) as
 * its top frames by self time: what a missed target spends its time on.
 */
import { readFileSync } from 'node:fs';
import * as v from 'valibot';
import { fmt } from './report.js';

const CpuProfile = v.object({
  nodes: v.array(
    v.object({
      id: v.number(),
      callFrame: v.object({
        functionName: v.string(),
        url: v.string(),
        lineNumber: v.number(),
      }),
      hitCount: v.optional(v.number()),
      children: v.optional(v.array(v.number())),
    }),
  ),
  startTime: v.number(),
  endTime: v.number(),
  samples: v.optional(v.array(v.number())),
});
export type CpuProfile = v.InferOutput<typeof CpuProfile>;

export interface Frame {
  readonly name: string;
  readonly where: string;
  readonly share: number;
}

function shortUrl(url: string): string {
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length);
  const at = url.search(/\/(relay|shared|client|bench)\//);
  return at >= 0 ? url.slice(at + 1) : url.replace(/^file:\/\//, '');
}

const NOT_BUSY = new Set(['(idle)', '(program)']);

/** The `top` frames by self time, as shares of the busy samples (idle left out). */
export function topFrames(json: unknown, top = 8): { frames: Frame[]; busyShare: number } {
  const profile = v.parse(CpuProfile, json);
  const hits = new Map<number, number>();
  if (profile.samples !== undefined) {
    for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
  } else {
    for (const n of profile.nodes) hits.set(n.id, n.hitCount ?? 0);
  }
  const byFrame = new Map<string, { name: string; where: string; hits: number }>();
  let busy = 0;
  let all = 0;
  for (const n of profile.nodes) {
    const h = hits.get(n.id) ?? 0;
    all += h;
    const f = n.callFrame;
    if (NOT_BUSY.has(f.functionName)) continue;
    busy += h;
    const name = f.functionName === '' ? '(anonymous)' : f.functionName;
    const where = f.url === '' ? '' : `${shortUrl(f.url)}:${f.lineNumber + 1}`;
    const key = `${name}@${where}`;
    const entry = byFrame.get(key) ?? { name, where, hits: 0 };
    entry.hits += h;
    byFrame.set(key, entry);
  }
  const frames = [...byFrame.values()]
    .sort((a, b) => b.hits - a.hits)
    .slice(0, top)
    .map((e) => ({ name: e.name, where: e.where, share: busy === 0 ? 0 : e.hits / busy }));
  return { frames, busyShare: all === 0 ? 0 : busy / all };
}

/** Frames whose code matters here: the project's and Automerge's JavaScript API. */
const OURS =
  /(^|\/)(client|shared|relay|test|bench)\/|automerge\/dist\/mjs\/[a-z_]+\.js|automerge-repo/;

/**
 * The `top` functions of the project (and Automerge's API) by inclusive time:
 * share of busy samples with the function anywhere on the stack.
 */
export function topInclusive(json: unknown, top = 8): Frame[] {
  const profile = v.parse(CpuProfile, json);
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const counts = new Map<string, { name: string; where: string; hits: number }>();
  let busy = 0;
  for (const sample of profile.samples ?? []) {
    const leaf = byId.get(sample);
    if (leaf === undefined || NOT_BUSY.has(leaf.callFrame.functionName)) continue;
    busy++;
    const seen = new Set<string>();
    for (let id: number | undefined = sample; id !== undefined; id = parent.get(id)) {
      const f = byId.get(id)?.callFrame;
      if (f === undefined || f.functionName === '' || f.url.endsWith('.wasm')) continue;
      if (!OURS.test(shortUrl(f.url))) continue;
      const where = shortUrl(f.url);
      const key = `${f.functionName}@${where}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const entry = counts.get(key) ?? { name: f.functionName, where, hits: 0 };
      entry.hits++;
      counts.set(key, entry);
    }
  }
  return [...counts.values()]
    .sort((a, b) => b.hits - a.hits)
    .slice(0, top)
    .map((e) => ({ name: e.name, where: e.where, share: busy === 0 ? 0 : e.hits / busy }));
}

const listed = (frames: readonly Frame[]): string =>
  frames
    .map((f) => `  - ${fmt(f.share * 100)} % \`${f.name}\`${f.where === '' ? '' : ` (${f.where})`}`)
    .join('\n');

/** A profile file's top frames (self time, and inclusive time of the project's functions). */
export function profileNote(file: string, title: string, top = 8): string {
  const json: unknown = JSON.parse(readFileSync(file, 'utf8'));
  const { frames, busyShare } = topFrames(json, top);
  const inclusive = topInclusive(json, top);
  const parts = [
    `${title}: busy ${fmt(busyShare * 100)} % of the measured window. Top frames by self time (share of busy time):`,
    listed(frames),
  ];
  if (inclusive.length > 0)
    parts.push('Project and Automerge functions by inclusive time:', listed(inclusive));
  return parts.join('\n');
}
