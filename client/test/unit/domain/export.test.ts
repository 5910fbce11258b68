import * as A from '@automerge/automerge';
import { describe, expect, it } from 'vitest';
import {
  addCategory,
  addHabit,
  addOneOff,
  applyImport,
  archiveHabit,
  checkIn,
  ensureObservationMonths,
  ensureOneOffMonths,
  exportCsv,
  exportJson,
  initialDocument,
  observationsOn,
  onboard,
  parseImportJson,
  toCsv,
  toggleOneOff,
  type ExportData,
} from '../../../src/domain';
import { ACTOR_A, ACTOR_B, NOW, sha256Hex } from './helpers';

function sampleDocs(actor = ACTOR_A) {
  const profile = A.change(initialDocument('profile', actor), (d) =>
    onboard(d, { name: 'Ada', timezone: 'Europe/London', now: NOW }),
  );
  const categories = A.change(initialDocument('categories', actor), (d) => {
    addCategory(d, { id: 'cat-h', name: 'Health, body', colour: '#16a34a' });
    addCategory(d, { id: 'cat-m', name: 'Mind', colour: '#2563eb' });
  });
  const templates = A.change(initialDocument('templates', actor), (d) => {
    addHabit(d, {
      id: 'h-run',
      name: 'Run',
      categoryId: 'cat-h',
      schedule: '0 0 * * 1,3,5',
      kind: { type: 'yesno' },
      startDate: '2026-10-26',
      now: NOW,
    });
    addHabit(d, {
      id: 'h-water',
      name: 'Water "8 glasses"',
      categoryId: 'cat-h',
      schedule: '0 0 * * *',
      kind: { type: 'count', target: 8 },
      startDate: '2026-11-01',
      now: NOW,
      notes: 'line one\nline two',
    });
    addHabit(d, {
      id: 'h-med',
      name: '=Meditate',
      categoryId: null,
      schedule: '0 0 * * *',
      kind: { type: 'duration', target: 15 },
      startDate: '2026-11-01',
      now: NOW,
    });
    addHabit(d, {
      id: 'h-old',
      name: 'Old',
      schedule: '0 0 1 * *',
      kind: { type: 'yesno' },
      startDate: '2026-01-01',
      now: NOW,
    });
    archiveHabit(d, 'h-old');
  });
  const observations = A.change(
    ensureObservationMonths(initialDocument('observations', actor), ['2026-11']),
    (d) => {
      checkIn(
        d,
        { templateId: 'h-run', date: '2026-11-02', status: 'done', note: 'hills, wet', now: NOW },
        sha256Hex,
      );
      checkIn(
        d,
        { templateId: 'h-water', date: '2026-11-01', status: 'pending', value: 5, now: NOW },
        sha256Hex,
      );
      checkIn(
        d,
        { templateId: 'h-med', date: '2026-11-02', status: 'skipped', now: NOW },
        sha256Hex,
      );
    },
  );
  let oneOffs = ensureOneOffMonths(initialDocument('oneOffs', actor), ['2026-11', '2026-12']);
  oneOffs = A.change(oneOffs, (d) => {
    addOneOff(d, { id: 'o1', title: 'Call the bank', date: '2026-11-03', now: NOW });
    addOneOff(d, { id: 'o2', title: 'Gift, wrap', date: '2026-12-20', note: '-careful', now: NOW });
    toggleOneOff(d, 'o1', NOW + 1);
  });
  return { profile, categories, templates, observations, oneOffs };
}

function emptyDocs(actor = ACTOR_B) {
  return {
    profile: initialDocument('profile', actor),
    categories: initialDocument('categories', actor),
    templates: initialDocument('templates', actor),
    observations: initialDocument('observations', actor),
    oneOffs: initialDocument('oneOffs', actor),
  };
}

const withoutStamp = (e: ExportData) => ({ ...e, exportedAt: '' });

describe('JSON export and import', () => {
  it('round-trips everything through text into a fresh install', () => {
    const docs = sampleDocs();
    const exported = exportJson(docs, NOW);
    expect(exported).toMatchObject({
      format: 'cairn-export',
      version: 1,
      exportedAt: '2026-11-02T12:00:00.000Z',
    });
    expect(exported.habits).toHaveLength(4);
    expect(exported.checkIns).toHaveLength(3);
    expect(exported.habits[0]?.scheduleHistory).toEqual([
      { from: '2026-10-26', rule: { kind: 'cron', cron: '0 0 * * 1,3,5' } },
    ]);
    const parsed = parseImportJson(JSON.stringify(exported, null, 2));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const restored = applyImport(emptyDocs(), parsed.value, sha256Hex);
    expect(withoutStamp(exportJson(restored, NOW + 9))).toEqual(withoutStamp(exported));
  });

  it('importing into the same install twice duplicates nothing', () => {
    const docs = sampleDocs();
    const data = exportJson(docs, NOW);
    const once = applyImport(docs, data, sha256Hex);
    const twice = applyImport(once, data, sha256Hex);
    expect(withoutStamp(exportJson(twice, NOW))).toEqual(withoutStamp(data));
  });

  it('same ids overwrite; a newer check-in on the install is kept', () => {
    const docs = sampleDocs();
    const data = exportJson(docs, NOW);
    const newer = A.change(docs.observations, (d) =>
      checkIn(
        d,
        { templateId: 'h-med', date: '2026-11-02', status: 'done', value: 20, now: NOW + 1000 },
        sha256Hex,
      ),
    );
    const renamed = structuredClone(data);
    const run = renamed.habits.find((h) => h.id === 'h-run');
    if (run) run.name = 'Run far';
    const out = applyImport({ ...docs, observations: newer }, renamed, sha256Hex);
    const med = observationsOn(out.observations, '2026-11-02').find(
      (o) => o.templateId === 'h-med',
    );
    expect(med).toMatchObject({ status: 'done', value: 20 });
    expect(exportJson(out, NOW).habits.find((h) => h.id === 'h-run')?.name).toBe('Run far');
    expect(exportJson(out, NOW).habits).toHaveLength(4);
  });

  it('check-in ids are recomputed from habit and day', () => {
    const data = exportJson(sampleDocs(), NOW);
    const tampered = structuredClone(data);
    for (const c of tampered.checkIns) c.id = 'ffffffffffffffffffffffffffffffff';
    const out = applyImport(emptyDocs(), tampered, sha256Hex);
    expect(exportJson(out, NOW).checkIns).toEqual(data.checkIns);
  });

  it.each([
    ['not json', 'bad-json', /not JSON/],
    ['{"format":"cairn-export","version":2}', 'bad-import', /version 2/],
    ['{"format":"other"}', 'bad-import', /not a Cairn export/],
    ['[]', 'bad-import', /not a Cairn export/],
    ['{"format":"cairn-export","version":1}', 'bad-import', /^exportedAt: /],
  ])('refuses %j', (text, code, message) => {
    const r = parseImportJson(text);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe(code);
      expect(r.error.message).toMatch(message);
    }
  });

  it('names the offending path', () => {
    const data = exportJson(sampleDocs(), NOW);
    const bad = structuredClone(data);
    const first = bad.checkIns[0];
    if (first) first.date = '2026-02-30';
    let r = parseImportJson(JSON.stringify(bad));
    expect(r.ok ? '' : r.error.message).toMatch(/^checkIns\.0\.date: not a calendar day/);
    const bad2 = structuredClone(data);
    const h = bad2.habits[0];
    if (h) h.schedule = '0 0 31 2 *';
    r = parseImportJson(JSON.stringify(bad2));
    expect(r.ok ? '' : r.error.message).toMatch(/^habits\.0\.schedule/);
  });
});

describe('CSV export', () => {
  it('quotes per RFC 4180 and defuses formulas', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          ['x,y', 'say "hi"'],
          ['line\nbreak', ' pad'],
          ['=1+1', -3],
          [null, true],
        ],
      ),
    ).toBe('a,b\r\n"x,y","say ""hi"""\r\n"line\nbreak"," pad"\r\n\'=1+1,-3\r\n,true\r\n');
  });

  it('writes check-ins, habits and one-offs as three files, each with a BOM', () => {
    const files = exportCsv(sampleDocs(), '2026-11-02');
    expect(files.map((f) => f.name)).toEqual([
      'cairn-check-ins.csv',
      'cairn-habits.csv',
      'cairn-one-offs.csv',
    ]);
    for (const f of files) expect(f.text.startsWith('\uFEFF')).toBe(true);
    const [checkIns, habits, oneOffs] = files.map((f) => f.text.slice(1).split('\r\n'));
    expect(checkIns?.[0]).toBe('date,habit,category,outcome,value,target,unit,note');
    // One row per scheduled day, with what happened: missed days included.
    expect(checkIns).toContain('2026-10-28,Run,"Health, body",missed,,,,');
    expect(checkIns).toContain('2026-11-01,"Water ""8 glasses""","Health, body",partly,5,8,times,');
    expect(checkIns).toContain("2026-11-01,'=Meditate,,missed,,15,minutes,");
    // The archived monthly habit: every 1st from its start, none of them done.
    expect(checkIns?.filter((l) => l.includes(',Old,'))).toHaveLength(11);
    expect(checkIns?.filter((l) => l.startsWith('2026-11-02'))).toEqual([
      '2026-11-02,Run,"Health, body",done,,,,"hills, wet"',
      '2026-11-02,"Water ""8 glasses""","Health, body",open,,8,times,',
      "2026-11-02,'=Meditate,,skipped,,15,minutes,",
    ]);
    expect(habits?.[0]).toBe(
      'id,name,category,schedule,schedule_description,kind,target,archived,start_date,notes',
    );
    expect(habits?.[1]).toBe(
      'h-run,Run,"Health, body","0 0 * * 1,3,5","Mon, Wed and Fri",yesno,,false,2026-10-26,',
    );
    expect(files[1]?.text).toContain('"line one\nline two"');
    expect(oneOffs).toEqual([
      'date,title,done,note',
      '2026-11-03,Call the bank,true,',
      '2026-12-20,"Gift, wrap",false,\'-careful',
      '',
    ]);
  });
});
