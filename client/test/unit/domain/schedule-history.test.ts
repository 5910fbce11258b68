import * as A from '@automerge/automerge';
import { describe, expect, it } from 'vitest';
import {
  HybridClock,
  applyImport,
  exportJson,
  getHabit,
  habitDays,
  indexObservations,
  initialDocument,
  parseImportJson,
  updateHabit,
  type TemplatesDoc,
} from '../../../src/domain';
import { ACTOR_A, ACTOR_B, NOW, sha256Hex, templatesWith } from './helpers';

const gym = {
  id: 'h',
  name: 'Gym',
  schedule: '0 0 * * 1,3,5',
  kind: { type: 'yesno' as const },
  startDate: '2026-10-01',
};

function edit(t: A.Doc<TemplatesDoc>, cron: string, today: string, clock?: HybridClock) {
  return A.change(t, (d) => {
    updateHabit(d, 'h', { schedule: cron }, { today, ...(clock ? { clock } : {}) });
  });
}

describe('schedule history', () => {
  it('keeps each rule with the day it took effect; the picker shows the latest', () => {
    let t = templatesWith([gym]);
    t = edit(t, '0 0 * * *', '2026-10-12');
    t = edit(t, '0 0 1 * *', '2026-10-20');
    const h = getHabit(t, 'h');
    expect(h?.schedule).toBe('0 0 1 * *');
    expect(h?.scheduleHistory).toEqual([
      { from: '2026-10-01', rule: { kind: 'cron', cron: '0 0 * * 1,3,5' } },
      { from: '2026-10-12', rule: { kind: 'cron', cron: '0 0 * * *' } },
      { from: '2026-10-20', rule: { kind: 'cron', cron: '0 0 1 * *' } },
    ]);
    // The older field follows the latest cron, for versions before schedule history.
    expect(String(t.habits['h']?.schedule)).toBe('0 0 1 * *');
  });

  it('an edit on the start day replaces the first rule; setting the rule in force writes nothing', () => {
    let t = templatesWith([gym]);
    t = edit(t, '0 0 * * *', '2026-10-01');
    expect(getHabit(t, 'h')?.scheduleHistory).toEqual([
      { from: '2026-10-01', rule: { kind: 'cron', cron: '0 0 * * *' } },
    ]);
    const same = edit(t, '0 0 * * *', '2026-10-09');
    expect(A.getHeads(same)).toEqual(A.getHeads(t));
  });

  it('an edit dated before a later entry overrides it too (a start date in the future)', () => {
    let t = templatesWith([{ ...gym, startDate: '2026-12-01' }]);
    t = edit(t, '0 0 * * *', '2026-11-02');
    const h = getHabit(t, 'h');
    expect(h?.scheduleHistory.map((e) => e.rule)).toEqual([
      { kind: 'cron', cron: '0 0 * * *' },
      { kind: 'cron', cron: '0 0 * * *' },
    ]);
  });

  it('two devices setting a rule for the same day keep the later one, on both', () => {
    const start = templatesWith([gym]);
    const a = edit(
      A.clone(start, { actor: ACTOR_A }),
      '0 0 * * *',
      '2026-10-12',
      new HybridClock('aa'.repeat(8), () => NOW + 60_000),
    );
    const b = edit(
      A.clone(start, { actor: ACTOR_B }),
      '0 0 * * 0',
      '2026-10-12',
      new HybridClock('bb'.repeat(8), () => NOW),
    );
    for (const m of [A.merge(A.clone(a), b), A.merge(A.clone(b), a)]) {
      expect(getHabit(m, 'h')?.scheduleHistory.map((e) => [e.from, e.rule])).toEqual([
        ['2026-10-01', { kind: 'cron', cron: '0 0 * * 1,3,5' }],
        ['2026-10-12', { kind: 'cron', cron: '0 0 * * *' }],
      ]);
    }
  });

  it('a habit from before schedule history: its rule becomes the first entry on its first edit', () => {
    let t = templatesWith([gym]);
    t = A.change(t, (d) => void delete d.habits['h']?.schedules);
    expect(getHabit(t, 'h')?.scheduleHistory).toEqual([
      { from: '2026-10-01', rule: { kind: 'cron', cron: '0 0 * * 1,3,5' } },
    ]);
    // Two devices edit it apart: each creates the history map; the merge reads both.
    const a = edit(A.clone(t, { actor: ACTOR_A }), '0 0 * * *', '2026-10-12');
    const b = edit(A.clone(t, { actor: ACTOR_B }), '0 0 * * 0', '2026-10-20');
    for (const m of [A.merge(A.clone(a), b), A.merge(A.clone(b), a)]) {
      expect(getHabit(m, 'h')?.scheduleHistory.map((e) => e.from)).toEqual([
        '2026-10-01',
        '2026-10-12',
        '2026-10-20',
      ]);
    }
  });
});

describe('a rule of a kind this version does not know', () => {
  // What a later version might write: "3 times a week" from 12 October.
  const quota = (t: A.Doc<TemplatesDoc>) =>
    A.change(t, (d) => {
      const h = d.habits['h'];
      if (h?.schedules) {
        h.schedules['2026-10-12'] = {
          kind: new A.ImmutableString('quota'),
          count: 3,
          per: new A.ImmutableString('week'),
          clock: new A.ImmutableString('001790000000000-0000-cccccccccccccccc'),
        };
      }
    });

  it('is read as unknown, schedules no day, and is never rewritten', () => {
    const t = quota(templatesWith([gym]));
    const before = A.getHeads(t);
    const h = getHabit(t, 'h');
    expect(h?.schedule).toBe('');
    expect(h?.scheduleHistory[1]).toEqual({
      from: '2026-10-12',
      rule: {
        kind: 'unknown',
        type: 'quota',
        fields: {
          kind: 'quota',
          count: 3,
          per: 'week',
          clock: '001790000000000-0000-cccccccccccccccc',
        },
      },
    });
    const days = habitDays(
      h ?? (undefined as never),
      indexObservations(initialDocument('observations')),
      '2026-10-05',
      '2026-10-18',
      '2026-10-18',
      'UTC',
    );
    expect(days.map((d) => d.date)).toEqual(['2026-10-05', '2026-10-07', '2026-10-09']);
    // Editing the name touches nothing of the schedule: no operation on the entry.
    const renamed = A.change(t, (d) => updateHabit(d, 'h', { name: 'Gym class' }));
    const change = A.getChanges(t, renamed)[0];
    if (!change) throw new Error('no change');
    const keys = A.decodeChange(change).ops.map((op) => String(op.key));
    expect(keys.sort()).toEqual(['name', 'nameClock']);
    expect(A.getHeads(t)).toEqual(before);
  });

  it('an export carries it, and an import into a fresh install writes it as it was', () => {
    const docs = {
      profile: initialDocument('profile', ACTOR_A),
      categories: initialDocument('categories', ACTOR_A),
      templates: quota(templatesWith([gym])),
      observations: initialDocument('observations', ACTOR_A),
      oneOffs: initialDocument('oneOffs', ACTOR_A),
    };
    const data = exportJson(docs, NOW);
    expect(data.habits[0]?.schedule).toBe('0 0 * * 1,3,5');
    expect(data.habits[0]?.scheduleHistory?.[1]).toEqual({
      from: '2026-10-12',
      rule: {
        kind: 'quota',
        count: 3,
        per: 'week',
        clock: '001790000000000-0000-cccccccccccccccc',
      },
    });
    const parsed = parseImportJson(JSON.stringify(data));
    if (!parsed.ok) throw new Error(parsed.error.message);
    const fresh = {
      profile: initialDocument('profile', ACTOR_B),
      categories: initialDocument('categories', ACTOR_B),
      templates: initialDocument('templates', ACTOR_B),
      observations: initialDocument('observations', ACTOR_B),
      oneOffs: initialDocument('oneOffs', ACTOR_B),
    };
    const out = applyImport(fresh, parsed.value, sha256Hex);
    const rule = getHabit(out.templates, 'h')?.scheduleHistory[1]?.rule;
    expect(rule).toMatchObject({ kind: 'unknown', type: 'quota' });
    if (rule?.kind === 'unknown') expect(rule.fields).toMatchObject({ count: 3, per: 'week' });
  });
});
