/** What storage reported while loading, in words for the banner. */
import { DOC_NAMES, type DocName } from '../domain';
import type { DocLoadReport } from '../storage';
import type { LoadProblemView } from './types';

export type LoadReports = readonly DocLoadReport[];

export interface LoadProblem extends LoadProblemView {
  /** The documents concerned: dismissing acknowledges their problems to the store. */
  docs: DocName[];
}

const docName = (name: string): DocName | undefined => DOC_NAMES.find((d) => d === name);

export function describeProblems(reports: LoadReports): LoadProblem[] {
  const out: LoadProblem[] = [];
  const bad = reports.filter((r) => r.problems.length > 0);
  const skipped = bad.reduce((n, r) => n + r.problems.length, 0);
  if (skipped > 0) {
    out.push({
      id: 'skipped',
      docs: bad.flatMap((r) => docName(r.doc) ?? []),
      message:
        skipped === 1
          ? '1 record could not be read and was skipped.'
          : `${skipped} records could not be read and were skipped.`,
    });
  }
  if (reports.some((r) => r.tornBytes > 0)) {
    out.push({
      id: 'torn',
      docs: [],
      message:
        'An unfinished write (from a crash or a closed tab) was found and discarded; everything saved before it is intact.',
    });
  }
  return out;
}
