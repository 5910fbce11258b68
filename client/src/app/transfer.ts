/**
 * Export (JSON and CSV, plaintext for the user) and import of a JSON export. An import
 * is previewed first: the domain's `applyImport` runs its five parts on copies of the
 * documents and the preview counts what they add and change, and says what it leaves
 * out (check-ins of habits neither in the file nor on the device); applying then runs
 * the same parts (`importParts`), each as one action on its document through the
 * store, so each write is durable before the UI reports it.
 */
import * as A from '@automerge/automerge';
import { ok } from '@cairn/shared/result';
import {
  IMPORT_ORDER,
  allObservations,
  allOneOffs,
  applyImport,
  exportCsv as domainCsv,
  exportJson as domainJson,
  importParts,
  knownHabits,
  listCategories,
  listHabits,
  parseImportJson,
  readProfile,
  unknownHabitCheckIns,
  type CsvFile,
  type DocName,
  type DocTypes,
  type DomainError,
  type ExportData,
  type ImportContext,
  type ImportOptions,
  type Result,
} from '../domain';
import { say } from './messages';
import type { AppStore } from './store';
import type { ImportPreview, Outcome } from './types';

function docs(store: AppStore) {
  return {
    profile: store.doc('profile'),
    categories: store.doc('categories'),
    templates: store.doc('templates'),
    observations: store.doc('observations'),
    oneOffs: store.doc('oneOffs'),
  };
}

export function exportJson(store: AppStore, now: number): string {
  return JSON.stringify(domainJson(docs(store), now), null, 2);
}

export function exportCsv(store: AppStore, today: string): CsvFile[] {
  return domainCsv(docs(store), today);
}

interface Diff {
  added: number;
  changed: number;
}

function diff<T extends { id: string }>(before: readonly T[], after: readonly T[]): Diff {
  const old = new Map(before.map((x) => [x.id, JSON.stringify(x)]));
  let added = 0;
  let changed = 0;
  for (const x of after) {
    const was = old.get(x.id);
    if (was === undefined) added += 1;
    else if (was !== JSON.stringify(x)) changed += 1;
  }
  return { added, changed };
}

function lines(d: Diff, one: string, many: string): string[] {
  const out: string[] = [];
  if (d.added > 0) out.push(`Add ${d.added} ${d.added === 1 ? one : many}`);
  if (d.changed > 0) out.push(`Update ${d.changed} ${d.changed === 1 ? one : many}`);
  return out;
}

/** Runs a command on a document as one action, durably (the app's write path). */
export type Transact = <K extends DocName>(
  name: K,
  command: (doc: A.Doc<DocTypes[K]>) => Result<A.Doc<DocTypes[K]>, DomainError>,
) => Promise<Outcome>;

export interface ImportWriter {
  write: Transact;
  /** After a successful import (e.g. to note the day). */
  done(): Promise<void>;
}

function importPart<K extends DocName>(
  name: K,
  writer: ImportWriter,
  data: ExportData,
  context: ImportContext,
): Promise<Outcome> {
  return writer.write(name, (doc) => ok(importParts[name](doc, data, context)));
}

export function previewImport(
  store: AppStore,
  text: string,
  sha256Hex: (s: string) => string,
  options: ImportOptions,
  writer: ImportWriter,
): ImportPreview | { error: string } {
  const parsed = parseImportJson(text);
  if (!parsed.ok) return { error: say(parsed.error) };
  const data = parsed.value;
  const before = docs(store);
  // On copies: changing a document makes the original read-only for Automerge, and the
  // store's documents must stay writable.
  const after = applyImport(
    {
      profile: A.clone(before.profile),
      categories: A.clone(before.categories),
      templates: A.clone(before.templates),
      observations: A.clone(before.observations),
      oneOffs: A.clone(before.oneOffs),
    },
    data,
    sha256Hex,
    options,
  );
  const summary: string[] = [];
  const warnings: string[] = [];
  const unknown = unknownHabitCheckIns(before.templates, data);
  if (unknown > 0) {
    warnings.push(
      unknown === 1
        ? '1 check-in belongs to a habit that is neither in this file nor on this device; it will not be imported.'
        : `${unknown} check-ins belong to a habit that is neither in this file nor on this device; they will not be imported.`,
    );
  }
  const p0 = readProfile(before.profile);
  const p1 = readProfile(after.profile);
  if (p0.name !== p1.name || p0.timezone !== p1.timezone) {
    summary.push(`Set your profile to ${p1.name} (${p1.timezone})`);
  }
  summary.push(
    ...lines(
      diff(listCategories(before.categories), listCategories(after.categories)),
      'category',
      'categories',
    ),
    ...lines(
      diff(
        listHabits(before.templates, { includeArchived: true }),
        listHabits(after.templates, { includeArchived: true }),
      ),
      'habit',
      'habits',
    ),
    ...lines(
      diff(allObservations(before.observations), allObservations(after.observations)),
      'check-in',
      'check-ins',
    ),
    ...lines(diff(allOneOffs(before.oneOffs), allOneOffs(after.oneOffs)), 'one-off', 'one-offs'),
  );
  return {
    summary,
    warnings,
    async apply() {
      const context = { sha256Hex, known: knownHabits(store.doc('templates'), data), options };
      for (const name of IMPORT_ORDER) {
        const r = await importPart(name, writer, data, context);
        if (!r.ok) return r;
      }
      await writer.done();
      return { ok: true };
    },
  };
}
